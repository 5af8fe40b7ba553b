"""The pages' colours meet WCAG AA: 4.5:1 for text, 3:1 for the focus ring (from style.css)."""

from __future__ import annotations

import re

import pytest

from agent.service.page_kit import STATIC

CSS = (STATIC / "style.css").read_text(encoding="utf-8")
VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS.split("}", 1)[0]))


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def colour(name: str) -> str:
    return VARS[name] if not name.startswith("#") else name


TEXT = [  # (text, background) as the stylesheet pairs them
    ("ink", "bg"), ("ink", "card"), ("muted", "bg"), ("muted", "card"), ("muted", "#eef1f5"),
    ("accent", "card"), ("accent", "bg"), ("accent-ink", "accent"), ("ok", "card"),
    ("warn", "warn-bg"), ("bad", "card"), ("#ffffff", "#14213d"), ("#1f2d44", "#e4e9f2"),
    ("#5c0b0f", "del"), ("#0f3a1c", "ins"), ("#6d0f13", "bad-bg"), ("#123f20", "#e3f1e6"),
]  # fmt: skip


@pytest.mark.parametrize(("fg", "bg"), TEXT)
def test_text_has_aa_contrast(fg: str, bg: str) -> None:
    assert ratio(colour(fg), colour(bg)) >= 4.5


def test_the_focus_ring_stands_out() -> None:
    assert ratio(VARS["focus"], VARS["bg"]) >= 3 and ratio(VARS["focus"], VARS["card"]) >= 3
    header_ring = re.search(r"\.top :focus-visible \{ outline-color: (#\w{6})", CSS)
    assert header_ring and ratio(header_ring.group(1), "#14213d") >= 3
