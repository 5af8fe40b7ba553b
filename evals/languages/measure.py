"""How well the shopper's language is detected: ``python -m evals.languages.measure``.

Reads ``messages.tsv`` (short shopper-like lines labelled en/es/fr/de/pt, and ``short`` lines
that must never switch a conversation), and prints, for the bundled detector:

- top-1 accuracy of the raw guess, per language;
- the conversation rule (agent/language.py) at several confidence floors and word minimums:
  how often a message moves a conversation in another language to the right one, and how
  often a short line flips it;
- latency per message (warm), and the time to load the model once.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from agent.language import conversation_language, guess
from agent.messages import BUNDLED

DATA = Path(__file__).with_name("messages.tsv")
SUPPORTED = frozenset(BUNDLED)


def load() -> list[tuple[str, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


def _other(label: str) -> str:
    return "de" if label != "de" else "en"


def rule_scores(
    rows: list[tuple[str, str]], floor: float, min_words: int
) -> tuple[float, int, int]:
    """(share of labelled lines that move a conversation to their language, lines that move
    it to a wrong one, short-line flips)."""
    labelled = [(lab, t) for lab, t in rows if lab != "short"]
    after = [
        (lab, conversation_language(t, _other(lab), "en", SUPPORTED, floor, min_words))
        for lab, t in labelled
    ]
    moved = sum(lab == now for lab, now in after)
    wrong = sum(now not in (lab, _other(lab)) for lab, now in after)
    flips = sum(
        conversation_language(t, start, "en", SUPPORTED, floor, min_words) != start
        for lab, t in rows
        if lab == "short"
        for start in BUNDLED
    )
    return moved / len(labelled), wrong, flips


def main() -> None:
    rows = load()
    started = time.perf_counter()
    guess("warm up the model")
    load_ms = (time.perf_counter() - started) * 1000
    print(f"model load + first guess: {load_ms:.0f} ms")
    print("\nraw top-1 accuracy (detector alone):")
    for lang in BUNDLED:
        texts = [t for lab, t in rows if lab == lang]
        right = sum((g := guess(t)) is not None and g.language == lang for t in texts)
        print(f"  {lang}: {right}/{len(texts)}")
    total = [t for lab, t in rows if lab != "short"]
    print(f"  today (no detection, every shopper gets English): {len(total) // 5}/{len(total)}")
    shorts = sum(lab == "short" for lab, _ in rows)
    print(
        f"\nconversation rule, {len(total)} lines / {shorts * 5} short-line starts: "
        "switched right / switched wrong / short lines that flipped"
    )
    for min_words in (1, 2, 3):
        cells = []
        for floor in (0.5, 0.6, 0.7, 0.8, 0.9):
            share, wrong, flips = rule_scores(rows, floor, min_words)
            cells.append(f"floor {floor}: {share:.0%}/{wrong}/{flips}")
        print(f"  min_words {min_words}: " + "  ".join(cells))
    timings = []
    for _, text in rows * 5:
        t0 = time.perf_counter()
        guess(text)
        timings.append((time.perf_counter() - t0) * 1e6)
    timings.sort()
    p95 = timings[int(0.95 * len(timings))]
    print(
        f"\nlatency per message ({len(timings)} guesses): median "
        f"{statistics.median(timings):.0f} µs, p95 {p95:.0f} µs"
    )


if __name__ == "__main__":
    main()
