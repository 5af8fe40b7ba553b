"""Build the ``tau-retail`` eval sets from a local copy of sierra-research/tau-bench (MIT).

    python -m evals.build_public_set /path/to/tau-bench --commit <sha> [--out evals/sets]

Reads only local files (nothing is downloaded) and writes two sets, ``tau-retail-dev`` and
``tau-retail-test``, each a folder in the public eval format (docs/eval-format.md):

- ``kb/policy/retail-agent-policy.md``: tau-bench's retail policy wiki, verbatim. It is an
  *agent-facing* wiki ("As a retail agent, you can help users..."), the kind of KB many stores
  have; the set measures what the bot does with one.
- ``kb/products/<product>.md``: one page per product of tau-bench's catalogue
  (``data/products.json``): every variant's options, price and availability, plus summary
  lines computed from the same data (how many variants are in stock, the values of each
  option).
- ``cases.jsonl``:
  - account actions: tau-bench's *training* tasks (``tasks_train.py``, not its test tasks),
    whose structured instructions ("Cancel order #W... because ordered by mistake", "For #W...,
    exchange Tablet {...} to {...}") are rendered as a shopper's first message. A task whose
    actions change an order or an address is labelled ``escalate`` at that message, trigger
    ``account_action``: the bot cannot authenticate a shopper or act on an order. Route:
    ``billing`` for a payment-method change, else ``orders``.
  - product questions: price, stock and option questions about catalogue variants, labelled
    ``answer`` with the fact the product page states.
  - policy questions: shopper questions whose answer the policy wiki states (refund timing,
    where a refund goes, what can be exchanged), labelled ``answer``.

The questions' wording is written here; every fact a case expects is checked against the
KB text as it is built, so a changed upstream file fails the build instead of shipping a
wrong label. Cases are split into dev and test by a hash of their id (stable, ~50/50).
Licence: tau-bench is MIT (Copyright (c) 2024 Sierra); its licence text is shipped in each
set's folder (outside kb/) as ``LICENSE-tau-bench.txt`` and named in set.toml.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RETAIL = Path("tau_bench/envs/retail")
SET_NAME = "tau-retail"
N_ACTION_TASKS = 60
N_PRODUCT_QUESTIONS = 48


class BuildError(Exception):
    """The source is missing a file or no longer states a fact a case expects."""


@dataclass
class Built:
    kb: dict[str, str] = field(default_factory=dict)
    cases: list[dict[str, Any]] = field(default_factory=list)


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16)


def _pick(options: list[str], key: str) -> str:
    return options[_h(key) % len(options)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- tau-bench files --------------------------------------------------------------------------


def read_tasks(path: Path) -> list[dict[str, Any]]:
    """The Task(...) calls of a tasks_*.py file, parsed (never imported): instruction + actions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tasks = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Task":
            kw = {k.arg: k.value for k in node.keywords}
            actions = []
            for call in getattr(kw.get("actions"), "elts", []):
                args = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
                actions.append({"name": args["name"], "kwargs": args.get("kwargs", {})})
            tasks.append(
                {
                    "user_id": ast.literal_eval(kw["user_id"]),
                    "instruction": ast.literal_eval(kw["instruction"]),
                    "actions": actions,
                }
            )
    return tasks


def _load_json(path: Path) -> Any:
    if not path.is_file():
        raise BuildError(f"{path}: missing (is this a tau-bench checkout?)")
    return json.loads(path.read_text(encoding="utf-8"))


# --- KB ---------------------------------------------------------------------------------------


def _opts(options: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in options.items())


def product_page(product: dict[str, Any]) -> str:
    name = product["name"]
    variants = list(product["variants"].values())
    keys = list(variants[0]["options"].keys())
    in_stock = sum(1 for v in variants if v["available"])
    lines = [f"# {name}", ""]
    lines.append(
        f"{in_stock} of the {len(variants)} {name} options are in stock right now."
        if in_stock != 1
        else f"1 of the {len(variants)} {name} options is in stock right now."
    )
    lines.append("")
    for key in keys:
        values = sorted({str(v["options"][key]) for v in variants})
        lines.append(f"- {name} {key} options: {', '.join(values)}.")
    lines += ["", "## Options and prices", ""]
    lines.append("| " + " | ".join(keys) + " | price | availability |")
    lines.append("|" + "---|" * (len(keys) + 2))
    for v in variants:
        cells = [str(v["options"][k]) for k in keys]
        avail = "in stock" if v["available"] else "sold out"
        lines.append("| " + " | ".join(cells) + f" | ${v['price']:.2f} | {avail} |")
    return "\n".join(lines) + "\n"


# --- cases ------------------------------------------------------------------------------------

_OPT_RE = r"\{[^{}]*\}"


def _parse_dict(text: str) -> dict[str, str]:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def first_request(instruction: str) -> tuple[str, str, dict[str, Any]] | None:
    """The first structured request of a training task: (kind, order id, details)."""
    m = re.search(r"Cancel order (#W\d+) because ([a-z ]+)\.", instruction)
    clauses: list[tuple[int, str, str, dict[str, Any]]] = []
    if m:
        clauses.append((m.start(), "cancel", m.group(1), {"reason": m.group(2)}))
    m = re.search(r"Return (#W\d+) via [a-z_0-9]+: ((?:[A-Za-z][A-Za-z -]*; )+)", instruction)
    if m:
        items = [i.strip() for i in m.group(2).split(";") if i.strip()]
        clauses.append((m.start(), "return", m.group(1), {"items": items}))
    m = re.search(
        rf"For (#W\d+), (exchange|modify) ([A-Z][A-Za-z -]+?) ({_OPT_RE}) to ({_OPT_RE})",
        instruction,
    )
    if m:
        clauses.append(
            (
                m.start(),
                m.group(2),
                m.group(1),
                {
                    "product": m.group(3),
                    "old": _parse_dict(m.group(4)),
                    "new": _parse_dict(m.group(5)),
                },
            )
        )
    m = re.search(r"For (#W\d+), change address to (\{[^}]*\})", instruction)
    if m:
        clauses.append((m.start(), "address", m.group(1), {"to": _parse_dict(m.group(2))}))
    m = re.search(r"For (#W\d+), change payment to ([a-z_]+)_\d+", instruction)
    if m:
        clauses.append((m.start(), "payment", m.group(1), {"to": m.group(2).replace("_", " ")}))
    if not clauses:
        return None
    _, kind, order_id, details = min(clauses, key=lambda c: c[0])
    return kind, order_id, details


def _ident(user: dict[str, Any], instruction: str) -> str:
    name = f"{user['name']['first_name']} {user['name']['last_name']}"
    if "your email is" in instruction:
        return _pick([f"I'm {name} ({user['email']})", f"this is {name}, {user['email']}"], name)
    return _pick(
        [
            f"I'm {name}, zip {user['address']['zip']}",
            f"{name} here, zip code {user['address']['zip']}",
        ],
        name,
    )


def render_request(kind: str, order_id: str, d: dict[str, Any], key: str) -> str:
    oid = _pick([order_id, order_id.lstrip("#"), f"order {order_id}"], key + "id")
    if kind == "cancel":
        why = "I ordered it by mistake" if "mistake" in d["reason"] else "I don't need it anymore"
        return _pick(
            [
                f"Please cancel {oid}, {why}.",
                f"I need to cancel my order {order_id}. {why.capitalize()}.",
                f"can you cancel {oid} for me? {why}",
                f"Hi, I'd like to cancel {oid} because {why}.",
            ],
            key,
        )
    if kind == "return":
        items = " and the ".join(i.lower() for i in d["items"])
        return _pick(
            [
                f"I want to return the {items} from {oid}.",
                f"Hi, I'd like to send back the {items} from my order {order_id} for a refund.",
                f"how do I get a return started for the {items}? it's order {order_id}",
                f"Can I return the {items} I got in {oid}? I want my money back.",
            ],
            key,
        )
    if kind in ("exchange", "modify"):
        prod = d["product"].lower()
        new = _opts(d["new"]) if d["new"] else "a different option"
        verb = "exchange" if kind == "exchange" else "change"
        return _pick(
            [
                f"I'd like to {verb} the {prod} in {oid} for {new}.",
                f"Can I swap the {prod} on my order {order_id} to {new}?",
                f"on {oid} I need the {prod} changed to {new} please",
                f"Hi! For {oid}, could you {verb} the {prod} ({_opts(d['old'])}) to {new}?",
            ],
            key,
        )
    if kind == "address":
        to = d["to"]
        addr = f"{to.get('address1', '')}, {to.get('address2', '')}, {to.get('city', '')}, {to.get('state', '')} {to.get('zip', '')}"
        return _pick(
            [
                f"I need to update the shipping address on {oid} to {addr}.",
                f"Can you ship {oid} to {addr} instead?",
                f"please change the delivery address for {oid}: {addr}",
            ],
            key,
        )
    # payment
    return _pick(
        [
            f"I want to pay for {oid} with my {d['to']} instead.",
            f"Can I switch the payment method on {oid} to my {d['to']}?",
            f"please charge my {d['to']} for {oid} instead of the card I used",
        ],
        key,
    )


def _customer(user: dict[str, Any], orders: dict[str, Any]) -> dict[str, Any]:
    out = []
    for oid in user.get("orders", []):
        o = orders.get(oid)
        if not o:
            continue
        paid = sum(
            p["amount"] for p in o.get("payment_history", []) if p["transaction_type"] == "payment"
        )
        out.append(
            {
                "id": oid,
                "status": o["status"],
                "total": round(paid, 2),
                "currency": "USD",
                "items": [{"sku": i["item_id"], "name": i["name"], "qty": 1} for i in o["items"]],
            }
        )
    return {
        "name": f"{user['name']['first_name']} {user['name']['last_name']}",
        "email": user["email"],
        "tier": "standard",
        "orders": out,
    }


def _case(
    case_id: str,
    turns: list[str],
    expect: dict[str, Any],
    customer: dict[str, Any] | None = None,
    notes: str = "",
) -> dict[str, Any]:
    full: dict[str, Any] = {
        "decision": "answer",
        "escalate_at_turn": None,
        "trigger": None,
        "route": None,
        "answer_must_contain": [],
        "answer_must_not_contain": [],
        "supporting_docs": [],
        "handoff_must_include": [],
    }
    full.update(expect)
    return {
        "id": case_id,
        "vertical": "general",
        "customer": customer or {},
        "agents_online": True,
        "turns": turns,
        "expect": full,
        "notes": notes,
    }


def action_cases(root: Path) -> list[dict[str, Any]]:
    users = _load_json(root / RETAIL / "data/users.json")
    orders = _load_json(root / RETAIL / "data/orders.json")
    tasks = read_tasks(root / RETAIL / "tasks_train.py")
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    ranked = sorted(range(len(tasks)), key=lambda i: _h(f"task{i}"))
    for i in ranked:
        if len(cases) >= N_ACTION_TASKS:
            break
        task = tasks[i]
        req = first_request(task["instruction"])
        user = users.get(task["user_id"])
        if req is None or user is None:
            continue
        kind, order_id, details = req
        if order_id in seen:
            continue
        seen.add(order_id)
        key = f"train-{i}"
        ask = render_request(kind, order_id, details, key)
        ident = _ident(user, task["instruction"])
        two_turns = _h(key + "turns") % 3 == 0
        ask = re.sub(r"^Hi[,!] ", "", ask)
        ask = ask[0].upper() + ask[1:]
        turns = [f"Hi, {ident}.", ask] if two_turns else [f"Hi, {ident}. {ask}"]
        cases.append(
            _case(
                f"{SET_NAME}-action-{kind}-{i:03d}",
                turns,
                {
                    "decision": "escalate",
                    "escalate_at_turn": len(turns),
                    "trigger": "account_action",
                    "route": "billing" if kind == "payment" else "orders",
                    "handoff_must_include": [order_id.lstrip("#")],
                },
                _customer(user, orders),
                notes=f"tau-bench retail tasks_train.py task {i}: first request ({kind}).",
            )
        )
    return cases


PRICE_Q = [
    "how much is the {p} in {o}?",
    "What's the price of the {p} ({o})?",
    "price for {o} {p}??",
    "Hi, how much does the {p} with {o} cost?",
]
STOCK_Q = [
    "is the {p} in {o} available?",
    "Do you still have the {p} with {o} in stock?",
    "can I still buy the {o} {p}",
]
COUNT_Q = [
    "How many {p} options do you have in stock right now?",
    "how many {p} options can i actually order at the moment",
]
VALUES_Q = [
    "What {k} options does the {p} come in?",
    "which {k}s are there for the {p}?",
]


def product_cases(products: dict[str, Any]) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    items = sorted(products.values(), key=lambda p: _h(p["name"]))
    for n, product in enumerate(items):
        if len(cases) >= N_PRODUCT_QUESTIONS:
            break
        name = product["name"]
        doc = f"products/{_slug(name)}.md"
        variants = list(product["variants"].values())
        key = f"{name}-{n}"
        kind = ["price", "stock", "count", "values"][n % 4]
        if kind == "stock" and all(v["available"] for v in variants):
            kind = "price"
        p = name.lower()
        if kind == "price":
            v = variants[_h(key) % len(variants)]
            q = _pick(PRICE_Q, key).format(p=p, o=_opts(v["options"]))
            # other variants' prices are not forbidden: a correct answer may quote their rows
            expect = {"answer_must_contain": [f"{v['price']:.2f}"]}
        elif kind == "stock":
            sold = [v for v in variants if not v["available"]]
            v = sold[_h(key) % len(sold)]
            q = _pick(STOCK_Q, key).format(p=p, o=_opts(v["options"]))
            expect = {"answer_must_contain": ["sold out"]}
        elif kind == "count":
            in_stock = sum(1 for v in variants if v["available"])
            q = _pick(COUNT_Q, key).format(p=p)
            expect = {"answer_must_contain": [f"{in_stock} of the {len(variants)}"]}
        else:
            keys = list(variants[0]["options"].keys())
            k = keys[_h(key) % len(keys)]
            values = sorted({str(v["options"][k]) for v in variants})
            q = _pick(VALUES_Q, key).format(p=p, k=k)
            expect = {"answer_must_contain": [f"{k} options: {', '.join(values)}"]}
        expect["supporting_docs"] = [doc]
        cases.append(
            _case(
                f"{SET_NAME}-product-{kind}-{_slug(name)}",
                [q],
                expect,
                notes=f"tau-bench retail products.json: {name} ({kind}); the product page states it.",
            )
        )
    return cases


# (id, question, facts the answer must contain, facts it must not)
POLICY_QUESTIONS: list[tuple[str, str, list[str], list[str]]] = [
    (
        "refund-timing-cancel",
        "If I cancel an order how long does it take to get my money back on my credit card?",
        ["5 to 7 business days"],
        ["24 hours"],
    ),
    (
        "refund-gift-card",
        "I paid with a gift card. If the order gets cancelled when is the money back on the card?",
        ["immediately"],
        [],
    ),
    (
        "cancel-which-status",
        "which orders can still be cancelled? mine says processed",
        ["pending"],
        [],
    ),
    (
        "exchange-product-type",
        "Can I exchange the shirt I got for a pair of shoes instead?",
        ["change of product types"],
        [],
    ),
    (
        "return-refund-where",
        "When I return something, where does the refund go?",
        ["original payment method"],
        [],
    ),
    (
        "return-how-ship",
        "after the return is requested how do I actually send the items back?",
        ["email"],
        [],
    ),
    (
        "payment-methods",
        "What kinds of payment methods can I have on my account?",
        ["paypal"],
        [],
    ),
    (
        "exchange-new-order",
        "For an exchange do I have to place a new order for the new item?",
        ["no need to place a new order"],
        [],
    ),
    (
        "timezone",
        "what time zone are the times on my order in?",
        ["EST"],
        ["PST", "UTC"],
    ),
    (
        "exchange-gift-card-balance",
        "can I pay the price difference on an exchange with a gift card?",
        ["enough balance"],
        [],
    ),
    (
        "payment-split",
        "Can I split a pending order's payment across two different cards?",
        ["single payment method"],
        [],
    ),
    (
        "order-statuses",
        "what are the different order statuses?",
        ["pending"],
        [],
    ),
]


def policy_cases(wiki: str) -> list[dict[str, Any]]:
    cases = []
    flat = " ".join(wiki.split()).lower()
    for cid, question, must, must_not in POLICY_QUESTIONS:
        for fact in must:
            if fact.lower() not in flat:
                raise BuildError(f"retail wiki no longer states {fact!r} (case {cid})")
        cases.append(
            _case(
                f"{SET_NAME}-policy-{cid}",
                [question],
                {
                    "answer_must_contain": must,
                    "answer_must_not_contain": must_not,
                    "supporting_docs": ["policy/retail-agent-policy.md"],
                },
                notes="Answered by tau-bench's retail policy wiki (an agent-facing text).",
            )
        )
    return cases


def build(root: Path) -> Built:
    wiki_path = root / RETAIL / "wiki.md"
    if not wiki_path.is_file():
        raise BuildError(f"{wiki_path}: missing (is this a tau-bench checkout?)")
    wiki = wiki_path.read_text(encoding="utf-8")
    products = _load_json(root / RETAIL / "data/products.json")
    built = Built()
    built.kb["policy/retail-agent-policy.md"] = wiki
    for product in products.values():
        built.kb[f"products/{_slug(product['name'])}.md"] = product_page(product)
    built.cases = action_cases(root) + product_cases(products) + policy_cases(wiki)
    for case in built.cases:
        for fact in case["expect"]["answer_must_contain"]:
            docs = case["expect"]["supporting_docs"]
            if not any(fact.lower() in " ".join(built.kb[d].split()).lower() for d in docs):
                raise BuildError(f"{case['id']}: {fact!r} is in none of {docs}")
    return built


def split_of(case_id: str) -> str:
    return "dev" if _h("split:" + case_id) % 2 == 0 else "test"


SET_TOML = """\
name = "{name}"
split = "{split}"
description = \"\"\"Built by evals/build_public_set.py from sierra-research/tau-bench (MIT licence, \
Copyright (c) 2024 Sierra; commit {commit}), retail domain: its agent-facing policy wiki and \
product catalogue as the KB; shoppers' first messages rendered from its training tasks \
(account actions: escalate), price/stock/option questions about its catalogue and policy \
questions the wiki answers (answer). The {split} half of a hash split: rules and thresholds are \
tuned on the dev half only; the test half is never used for tuning.\"\"\"
vertical = "general"
"""


def write(built: Built, out: Path, root: Path, commit: str) -> dict[str, int]:
    licence = (root / "LICENSE").read_text(encoding="utf-8") if (root / "LICENSE").is_file() else ""
    if "MIT License" not in licence:
        raise BuildError(f"{root / 'LICENSE'}: not the MIT licence this builder was written for")
    counts = {}
    for split in ("dev", "test"):
        target = out / f"{SET_NAME}-{split}"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        if split == "dev":
            for rel, text in built.kb.items():
                path = target / "kb" / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        else:  # one KB for both halves, as the learning sets share the sample store's
            (target / "kb").symlink_to(f"../{SET_NAME}-dev/kb", target_is_directory=True)
        (target / "LICENSE-tau-bench.txt").write_text(licence, encoding="utf-8")
        cases = [c for c in built.cases if split_of(c["id"]) == split]
        (target / "cases.jsonl").write_text(
            "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8"
        )
        (target / "set.toml").write_text(
            SET_TOML.format(name=f"{SET_NAME}-{split}", split=split, commit=commit),
            encoding="utf-8",
        )
        counts[split] = len(cases)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a local tau-bench checkout (work tree)")
    parser.add_argument("--commit", default="unknown", help="the checkout's commit, for provenance")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "sets")
    args = parser.parse_args(argv)
    try:
        built = build(args.source)
        counts = write(built, args.out, args.source, args.commit)
    except BuildError as exc:
        parser.error(str(exc))
    print(f"{SET_NAME}: dev {counts['dev']} cases, test {counts['test']} cases -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
