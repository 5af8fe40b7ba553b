"""A deterministic synthetic knowledge base of realistic support text, any size.

Document ``i`` depends only on the seed and ``i``, so a smaller KB is a prefix
of a larger one and the same seed always writes the same bytes. Most sections
fit one chunk; about one in twenty is a long parts list full of SKUs and URLs
(many word-pieces per cl100k token), which is what overflows an embedder's
window when chunking ignores it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from evals.bench import vocab as v
from knowledge.chunking import chunk_document
from knowledge.documents import load_document

__all__ = ["GENERATOR_VERSION", "document", "documents", "faq_questions", "questions", "write_kb"]

GENERATOR_VERSION = "1"
"""Bump when the text changes: cached KBs are keyed by it."""


def _slots(rng: random.Random, name: str, category: str) -> dict[str, object]:
    """One document's values: its sentences agree with each other."""
    days, colours = rng.randint(2, 7), rng.sample(v.COLOURS, 2)
    return {
        "name": name, "category": category, "price": f"{rng.randint(9, 240)}.{rng.choice(['00', '50', '95'])}",
        "colour": colours[0], "colour2": colours[1],
        "material": rng.choice(v.MATERIALS[category]), "grams": rng.randint(40, 1800),
        "days": days, "days2": days + rng.randint(2, 6), "city": rng.choice(v.CITIES),
        "months": rng.choice([6, 12, 18, 24, 36]), "weekday": rng.choice(v.WEEKDAYS),
        "sku": f"{name[:2].upper()}-{rng.randint(100, 999)}-{rng.choice(v.COLOURS)[:3].upper()}",
        "fit": rng.choice(["true to size", "relaxed", "slim"]), "updown": rng.choice(["up", "down"]),
        "temp": rng.choice([30, 40]), "cm": rng.randint(20, 110), "cm2": rng.randint(30, 140),
        "pct": rng.randint(2, 20), "hours": rng.choice([2, 12, 24, 48]), "n": rng.randint(2, 5),
        "mg": rng.choice([25, 60, 100, 200]), "charge": rng.choice([1.5, 2, 3]),
        "ip": rng.choice([4, 5, 7]), "minutes": rng.choice([5, 10, 20]), "region": rng.choice(v.REGIONS),
        "fee": f"{rng.randint(3, 15)}.95", "fee2": f"{rng.randint(15, 40)}.00",
        "threshold": rng.choice([50, 75, 100]), "carrier": rng.choice(v.CARRIERS),
        "window": rng.choice([14, 30, 60]), "duties": rng.choice(["included", "collected on delivery"]),
        "label": f"{rng.randint(4, 9)}.50",
    }  # fmt: skip


def _some(rng: random.Random, pool: list[str], slots: dict[str, object], least: int = 1) -> str:
    """A few of the pool's sentences, in their order, filled in."""
    keep = sorted(rng.sample(range(len(pool)), k=rng.randint(min(least, len(pool)), len(pool))))
    return " ".join(pool[i].format_map(slots) for i in keep)


def _parts_list(rng: random.Random, name: str) -> str:
    rows = []
    for _ in range(rng.randint(14, 22)):
        sku = f"{name[:3].upper()}-{rng.randint(1000, 9999)}-{rng.choice(v.COLOURS)[:2].upper()}{rng.randint(1, 9)}"
        rows.append(
            f"- {sku}: replacement part, see northwindgoods.example/parts/{sku.lower()}?ref=kb"
        )
    return "\n".join(rows)


def _product(rng: random.Random, index: int) -> tuple[str, str]:
    category = rng.choice(list(v.CATEGORIES))
    name = f"{rng.choice(v.BRANDS)} {rng.choice(v.NOUNS[category])} {chr(65 + index % 26)}{index}"
    slots = _slots(rng, name, category)
    sections = v.CATEGORIES[category]
    parts = [f"# {name}", _some(rng, v.OVERVIEW, slots, least=2)]
    for heading in rng.sample(list(sections), k=rng.randint(3, len(sections))):
        parts += [f"## {heading}", _some(rng, sections[heading], slots)]
    if rng.random() < 0.3:
        parts += ["## Spare parts", _parts_list(rng, name)]
    slug = name.lower().replace(" ", "-")
    return f"products/{category}/{slug}.md", "\n\n".join(parts) + "\n"


def _policy(rng: random.Random, index: int) -> tuple[str, str]:
    template = rng.choice(list(v.POLICIES))
    category = rng.choice(list(v.CATEGORIES))
    slots = _slots(rng, "", category)
    title = template.format(region=slots["region"], category=category)
    parts = [f"# {title}"]
    for heading, pool in v.POLICIES[template].items():
        parts += [f"## {heading}", _some(rng, pool, slots)]
    slug = title.lower().replace(" ", "-")
    return f"policies/{slug}-{index}.md", "\n\n".join(parts) + "\n"


def _faq(rng: random.Random, index: int) -> tuple[str, str]:
    category = rng.choice(list(v.CATEGORIES))
    name = f"{rng.choice(v.BRANDS)} {rng.choice(v.NOUNS[category])}"
    slots = _slots(rng, name, category)
    rows = []
    for pair in rng.sample(v.FAQ, k=rng.randint(3, len(v.FAQ))):
        question, answer = pair.format_map(slots).split("|")
        rows.append({"question": question, "answer": answer})
    return f"faq/faq-{index}.json", json.dumps(rows, indent=1) + "\n"


def document(seed: int, index: int) -> tuple[str, str]:
    """Document ``index`` of the stream: (path relative to the KB folder, file text)."""
    rng = random.Random(f"{GENERATOR_VERSION}:{seed}:{index}")
    kind = index % 10
    maker = _product if kind < 7 else _policy if kind < 9 else _faq
    path, text = maker(rng, index)
    return f"{index // 500:03d}/{path}", text


def documents(seed: int = 7) -> Iterator[tuple[str, str]]:
    """The endless stream of documents for ``seed``."""
    index = 0
    while True:
        yield document(seed, index)
        index += 1


def write_kb(
    root: Path,
    chunks: int,
    seed: int = 7,
    max_tokens: int = 160,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Write documents under ``root`` until they make at least ``chunks`` chunks: (docs, chunks)."""
    written = 0
    for docs, (relative, text) in enumerate(documents(seed), start=1):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written += len(chunk_document(load_document(path, root), max_tokens))
        if progress is not None:
            progress(min(written, chunks), chunks)
        if written >= chunks:
            return docs, written
    raise AssertionError("unreachable: the stream is endless")


def questions(seed: int = 7, count: int = 40, handoffs: int = 3) -> list[str]:
    """Shopper questions about the first documents (in every size's KB), ``handoffs`` of them
    ones that must go to a person (an explicit request, anger, a fact no document has)."""
    rng = random.Random(f"questions:{GENERATOR_VERSION}:{seed}")
    products = [document(seed, i)[1] for i in range(60) if i % 10 < 7]
    names = [text.splitlines()[0][2:] for text in products]
    step = count // handoffs if handoffs else count + 1
    asked = []
    for n in range(count):
        escalate = handoffs and n % step == step - 1 and n // step < handoffs
        template = v.HANDOFF_QUESTIONS[(n // step) % 3] if escalate else rng.choice(v.QUESTIONS)
        slots = {
            "name": rng.choice(names),
            "region": rng.choice(v.REGIONS),
            "category": rng.choice(list(v.CATEGORIES)),
        }
        asked.append(template.format_map(slots))
    return asked


def faq_questions(seed: int = 7, count: int = 3) -> list[str]:
    """Questions the first FAQ file (document 9, in any KB of 70 chunks or more) answers."""
    return [row["question"] for row in json.loads(document(seed, 9)[1])][:count]
