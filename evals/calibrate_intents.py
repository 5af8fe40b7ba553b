"""Calibrate when a nearest-example vote may fire a trigger, on dev sets only.

    python -m evals.calibrate_intents            # writes the thresholds and docs/intents.md
    python -m evals.calibrate_intents --check    # prints, writes nothing

Reads the bundled ``sample-store`` and every set under ``evals/sets`` whose
``set.toml`` says ``split = "dev"`` (test splits are never read). A case's
message at ``escalate_at_turn`` is a positive for the trigger the case expects
(explicit, sensitive, account_action, sentiment); every message of a case that
expects an answer is a negative: a vote there would hand off an answerable
question; so is every message before the one a case expects the handoff at
(a greeting, who the shopper is): a vote there hands off too early. Each message is split into its questions as the trigger step does,
and a trigger fires on the message when any question's vote does.

The banks' own examples are scored too, each one classified by the others
(leave one out): an escalating bank's example is a positive for its trigger, an
answer bank's example a negative. They stand for the phrasings of stores the dev
sets do not cover: once the rules catch every dev positive, the dev sets alone
would switch the vote off, and with it the cover for wording no rule foresees.

For each choice of ``k``, ``min_votes`` and ``margin``, each trigger's floor is
the one maximising ``hits - 5 * false alarms`` on the messages the rules miss
(what the vote adds; ties: the higher floor); the
choice with the best total wins. A decline replaces a handoff only, so its
risk is declining a message that needed a person: its floor is set just above
the nearest any such dev message (one no rule catches) comes to an off-topic or
injection example with a majority of the votes.

Then the lower limits of a vote that only labels a handoff happening anyway
(``label``: evals/calibrate_labels.py). ``--labels`` keeps the strict limits
already written and calibrates the label limits only.

Writes ``agent/triggers/packs/intent_thresholds.toml`` and the calibration
section of ``docs/intents.md`` (between its calibration markers).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from agent.questions import split_questions
from agent.settings import TriggerSettings
from agent.triggers import TriggerContext, detect
from agent.triggers.banks import ESCALATING, load_banks
from agent.triggers.nearest import (
    IntentIndex,
    Limits,
    Thresholds,
    Verdict,
    index_for,
    thresholds_for,
)
from evals.calibrate_labels import LabelRow, calibrate_labels, label_rows, label_table
from evals.schema import Case

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "evals" / "sets"
THRESHOLDS = ROOT / "agent" / "triggers" / "packs" / "intent_thresholds.toml"
DOC = ROOT / "docs" / "intents.md"
START, END = "<!-- calibration:start -->", "<!-- calibration:end -->"
FALSE_ALARM_COST = 5
FLOORS = [round(0.30 + 0.02 * i, 2) for i in range(33)]
KS = [5, 7, 9]
MIN_VOTES = [3, 4, 5, 6, 7]
MARGINS = [-0.05, 0.0, 0.03, 0.06, 0.1]
ANSWER_FLOOR = 0.6
DECLINE_FLOOR = 0.5
"""The least floor of a decline vote."""
"""An answer vote only names the turn's intent (its queue if the gate hands off later)."""


@dataclass
class Sample:
    set_name: str
    text: str
    expected: str | None
    """The trigger expected at this message (any, low_confidence too); None: answerable."""
    rules: set[str]
    """Triggers the precise rules fire on it."""
    verdicts: dict[int, list[Verdict]]
    """Per k, one verdict per question of the message."""


def dev_sets() -> list[Path]:
    """sample-store and every split = "dev" set: the only sets tuned on."""
    found = []
    for folder in sorted(SETS.iterdir()):
        meta = folder / "set.toml"
        if not meta.exists():
            continue
        split = tomllib.loads(meta.read_text(encoding="utf-8")).get("split")
        if folder.name == "sample-store" or split == "dev":
            found.append(folder)
    return found


def samples(index: IntentIndex, embedder: object) -> list[Sample]:
    rows: list[tuple[str, str, str | None]] = []
    for folder in dev_sets():
        for line in (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = Case.model_validate(json.loads(line))
            e = case.expect
            if e.decision == "answer":
                rows += [(folder.name, t, None) for t in case.turns]
            elif e.trigger and e.escalate_at_turn:
                # the turns before the handoff (greetings, who the shopper is) need no person
                rows += [(folder.name, t, None) for t in case.turns[: e.escalate_at_turn - 1]]
                rows.append((folder.name, case.turns[e.escalate_at_turn - 1], e.trigger))
    questions = sorted({q for _, t, _ in rows for q in split_questions(t) or [t]})
    vectors = dict(zip(questions, embedder.embed(questions), strict=True))  # type: ignore[attr-defined]
    settings = TriggerSettings()
    out = []
    for set_name, text, expected in rows:
        qs = split_questions(text) or [text]
        hits = detect(TriggerContext(message=text), settings).hits
        out.append(
            Sample(
                set_name,
                text,
                expected,
                {h.kind for h in hits},
                {k: [index.classify(vectors[q], k) for q in qs] for k in KS},
            )
        )
    return out


LEFT_OUT = "banks (each example against the others)"


def bank_samples(index: IntentIndex) -> list[Sample]:
    """Every example of an escalating bank (a positive for its trigger) and of an answer bank
    (a negative), classified with its own row left out."""
    settings = TriggerSettings()
    out = []
    row = 0
    for bank in index.banks.values():
        for text in bank.examples:
            if bank.trigger in ESCALATING or bank.trigger == "answer":
                hits = detect(TriggerContext(message=text), settings).hits
                out.append(
                    Sample(
                        LEFT_OUT,
                        text,
                        bank.trigger if bank.trigger in ESCALATING else None,
                        {h.kind for h in hits},
                        {k: [index.classify(index.vectors[row], k, leave_out=row)] for k in KS},
                    )
                )
            row += 1
    return out


def fired(sample: Sample, limits: Thresholds) -> set[str]:
    return {v.bank.trigger for v in sample.verdicts[limits.k] if v.fires(limits)}


def score(
    rows: list[Sample], limits: Thresholds, trigger: str, missed_only: bool = False
) -> tuple[int, int]:
    """(hits on the trigger's positives, false alarms on answerable messages); missed_only:
    counting only messages the rules did not already fire on (what the examples add)."""
    rows = [r for r in rows if not (missed_only and trigger in r.rules)]
    tp = sum(r.expected == trigger and trigger in fired(r, limits) for r in rows)
    fp = sum(r.expected is None and trigger in fired(r, limits) for r in rows)
    return tp, fp


def calibrate(rows: list[Sample]) -> Thresholds:
    best: tuple[int, Thresholds] | None = None
    for k in KS:
        chosen: dict[str, Limits] = {}
        total = 0
        for trigger in ESCALATING:
            options = []
            for votes, margin, floor in itertools.product(MIN_VOTES, MARGINS, FLOORS):
                if votes > k:
                    continue
                mine = Limits(min_votes=votes, margin=margin, floor=floor)
                tp, fp = score(rows, Thresholds(k=k, trigger={trigger: mine}), trigger, True)
                # ties: the stricter limits (more votes, a wider margin, a higher floor)
                options.append((tp - FALSE_ALARM_COST * fp, votes, margin, floor, mine))
            value, *_, mine = max(options, key=lambda o: o[:4])
            chosen[trigger] = mine
            total += value
        if best is None or total > best[0]:
            best = (total, Thresholds(k=k, trigger=chosen))
    assert best is not None
    limits = best[1]
    nearest_decline = max(
        (
            v.score
            for r in rows
            if r.expected is not None and not r.rules and r.set_name != LEFT_OUT
            for v in r.verdicts[limits.k]
            if v.bank.trigger == "decline" and v.votes >= (limits.k + 1) // 2
        ),
        default=None,
    )
    # no such message: the least floor, not one raised above a message that does not exist
    floor = DECLINE_FLOOR if nearest_decline is None else max(DECLINE_FLOOR, nearest_decline + 0.02)
    decline = Limits(min_votes=(limits.k + 1) // 2, floor=round(floor, 2))
    answer = Limits(min_votes=(limits.k + 1) // 2, floor=ANSWER_FLOOR, margin=0.05)
    return limits.model_copy(
        update={"trigger": {**limits.trigger, "decline": decline, "answer": answer}}
    )


def table(rows: list[Sample], limits: Thresholds) -> list[str]:
    lines = [
        "| set | trigger | positives | rules recall | examples recall | examples precision "
        "| rules + examples recall | answerable handed off by examples |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for set_name in sorted({r.set_name for r in rows}):
        mine = [r for r in rows if r.set_name == set_name]
        negatives = sum(r.expected is None for r in mine)
        for trigger in ESCALATING:
            pos = [r for r in mine if r.expected == trigger]
            if not pos:
                continue
            tp, fp = score(mine, limits, trigger)
            rules = sum(trigger in r.rules for r in pos)
            both = sum(trigger in r.rules or trigger in fired(r, limits) for r in pos)
            lines.append(
                f"| {set_name} | {trigger} | {len(pos)} | {_pct(rules, len(pos))} "
                f"| {_pct(tp, len(pos))} | {_pct(tp, tp + fp)} | {_pct(both, len(pos))} "
                f"| {fp} of {negatives} |"
            )
    return lines


def declined(rows: list[Sample], limits: Thresholds, needed: bool) -> int:
    """Messages a decline would meet: ones that needed a person (and no rule caught), or
    answerable ones."""
    rows = [r for r in rows if r.set_name != LEFT_OUT]
    if needed:
        chosen = [r for r in rows if r.expected is not None and not r.rules]
    else:
        chosen = [r for r in rows if r.expected is None]
    return sum("decline" in fired(r, limits) for r in chosen)


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.0f}%" if den else "-"


def write(
    limits: Thresholds, embedder: str, rows: list[Sample], banks: dict, labelled: list[LabelRow]
) -> None:
    lines = [
        "# Written by python -m evals.calibrate_intents (dev sets only); do not edit by hand.",
        f'[embedder."{embedder}"]',
        f"k = {limits.k}",
    ]
    for trigger, mine in sorted(limits.trigger.items()):
        lines += ["", f'[embedder."{embedder}".trigger.{trigger}]']
        lines += [f"{key} = {value}" for key, value in mine.model_dump().items()]
    for trigger, mine in sorted(limits.label.items()):
        lines += ["", f'[embedder."{embedder}".label.{trigger}]']
        lines += [f"{key} = {value}" for key, value in mine.model_dump().items()]
    THRESHOLDS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    count = sum(len(b.examples) for b in banks.values())
    block = [
        START,
        f"Calibrated by `python -m evals.calibrate_intents` on the dev sets "
        f"({', '.join(p.name for p in dev_sets())}) for the embedder `{embedder}`, "
        f"{len(banks)} banks, {count} examples; k = {limits.k} nearest examples.",
        "",
        "| trigger | least votes | least similarity | margin |",
        "|---|---|---|---|",
        *(
            f"| {t} | {m.min_votes} of {limits.k} | {m.floor} | {m.margin} |"
            for t, m in sorted(limits.trigger.items())
        ),
        "",
        "Recall and precision on the dev sets' messages (a message escalating with the "
        "trigger is a positive, every message of an answerable case a negative). A floor "
        "of 0.94 or more means the dev sets gave the vote nothing to add without a false alarm:",
        "",
        *table(rows, limits),
        "",
        f"Declines on the dev sets: {declined(rows, limits, needed=True)} message(s) that needed "
        f"a person and no rule caught would be declined if the knowledge base had no answer "
        f"(the floor keeps this at 0); {declined(rows, limits, needed=False)} answerable "
        "message(s) would be declined instead of being handed off when the gate refuses an answer.",
        "",
        "A vote that only labels a handoff happening anyway (its intent, so its queue, and "
        "its reasons: agent/triggers/leaning.py) has limits of its own, chosen by "
        "evals/calibrate_labels.py on the same dev sets and the tune half of the probe "
        "phrasings; fewer of the nearest examples need to agree than for a handoff:",
        "",
        "| trigger | least votes | least similarity | margin |",
        "|---|---|---|---|",
        *(
            f"| {t} | {m.min_votes} of {limits.k} | {m.floor} | {m.margin} |"
            for t, m in sorted(limits.label.items())
        ),
        "",
        "What they do, each message handed off as the rules leave it (low_confidence when no "
        "rule fires):",
        "",
        *label_table(labelled, limits),
        END,
    ]
    doc = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC}: no {START} ... {END} section to replace")
    DOC.write_text(pattern.sub(lambda _: "\n".join(block), doc), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="print only, write nothing")
    parser.add_argument(
        "--labels", action="store_true", help="keep the strict limits, calibrate the labels only"
    )
    args = parser.parse_args(argv)
    from knowledge.embeddings import LocalMiniLM

    embedder = LocalMiniLM()
    banks = load_banks()
    index = index_for(banks, embedder, ROOT / ".escalate" / "cache")
    rows = samples(index, embedder) + bank_samples(index)
    written = thresholds_for(embedder.name)
    if args.labels and written is not None:
        limits = written.model_copy(update={"label": {}})
    else:
        limits = calibrate(rows)
    labelled = label_rows(dev_sets(), index, embedder, limits)
    limits = limits.model_copy(update={"label": calibrate_labels(labelled, limits)})
    print(limits.model_dump_json())
    print("\n".join(table(rows, limits)))
    print("\n".join(label_table(labelled, limits)))
    if not args.check:
        write(limits, embedder.name, rows, banks, labelled)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
