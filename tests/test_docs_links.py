"""The documentation stands alone: nothing refers to files outside the repository, and every
link between the README and the docs/ pages reaches a file that exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).parent.parent
TEXT = {".md", ".py", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".json", ".jsonl", ""}
# A path that climbs out of the repository, or names the team's notes folder (built from parts
# so this file does not match itself).
OUTSIDE = re.compile(
    r"(?<![\w.-])(?:\.\./)+(?:" + "shar" + r"ed|ISSUES)\b"
    r"|(?<![\w/.-])" + "shar" + r"ed/(?:eval-format|DESIGN)"
    r"|(?<![\w/.-])" + "DESI" + r"GN\.md"
    r"|/work/(?:wt|main)\b"
)


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        return [ROOT / line for line in out.splitlines()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked sdist)
        skip = {".venv", ".git", ".escalate", "eval-report", "bench-report"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.parts)]


def test_no_tracked_file_refers_to_files_outside_the_repository():
    found = []
    for path in tracked_files():
        if path.suffix not in TEXT or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "references to files outside the repository:\n" + "\n".join(found)


def test_the_pattern_catches_what_it_is_for():
    shared = "shar" + "ed"
    for bad in [f"see `{shared}/eval-format.md`", f"(../{shared}/x)", "in " + "DESI" + "GN.md"]:
        assert OUTSIDE.search(bad), bad
    for fine in ["docs/eval-format.md", "a shared secret", "shared_by", "docs/architecture.md"]:
        assert not OUTSIDE.search(fine), fine


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return re.findall(r"\]\(([^)\s]+)\)", text)


def test_every_relative_link_in_the_docs_reaches_a_file():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for link in _links(page):
            target = link.split("#", 1)[0]
            if not target or re.match(r"[a-z]+:", target):
                continue
            resolved = (page.parent / target).resolve()
            resolved.relative_to(ROOT.resolve())  # a link out of the repository raises
            if not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)}: {link}")
    assert not broken, "links to files that do not exist:\n" + "\n".join(broken)


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(ROOT / link.split("#")[0]).resolve() for link in _links(ROOT / "README.md")}
    orphans = [p.name for p in (ROOT / "docs").glob("*.md") if p.resolve() not in linked]
    assert not orphans, f"docs pages the README does not link to: {orphans}"
