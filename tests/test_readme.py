"""The README is a short front door whose every example works as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agent.settings import Settings
from agent.triggers import sensitive_topics

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
WALKTHROUGH = "Your own store in ten minutes"


def section(text: str, heading: str) -> str:
    """The body of a ``## heading`` section; ``#`` lines inside code fences are not headings."""
    out, inside, fenced = [], False, False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            inside = line == f"## {heading}"
            continue
        if inside:
            out.append(line)
    assert out, f"no section '## {heading}'"
    return "\n".join(out)


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.S | re.M)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCALATE_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "92"
    return env


def test_the_readme_is_a_short_front_door_in_the_agreed_order():
    assert len(README.splitlines()) < 200
    headings = [
        h for h in re.findall(r"^## (.+)$", re.sub(r"```.*?```", "", README, flags=re.S), re.M)
    ]
    assert headings == ["Quick start", WALKTHROUGH, "Documentation"]
    intro = README.split("## Quick start", 1)[0]
    example = blocks(intro, "text")[0]
    assert "bot · answer" in example and "Sources:" in example and "bot · handoff" in example


def test_the_quick_start_has_exactly_two_commands_and_both_are_make_targets():
    block = blocks(section(README, "Quick start"), "sh")[0]
    assert block.strip().splitlines() == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_the_example_conversation_is_what_the_demo_prints(tmp_path):
    example = blocks(README.split("## Quick start", 1)[0], "text")[0]
    command = re.search(r"`(escalate demo --only\s+[\w-]+)`", README.split("```", 1)[0]).group(1)
    env = {**_env(), "ESCALATE_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run(
        command.split(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    printed = run.stdout.splitlines()
    missing = [line for line in example.splitlines() if line not in printed]
    assert not missing, "lines of the README's example the demo no longer prints:\n" + "\n".join(
        missing
    )


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> tuple[Path, str]:
    """A folder where the walkthrough's shell blocks ran, as written, one after the other."""
    where = tmp_path_factory.mktemp("walkthrough")
    script = "set -e\n" + "\n".join(blocks(section(README, WALKTHROUGH), "sh"))
    run = subprocess.run(
        ["bash", "-c", script],
        cwd=where,
        env=_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return where, run.stdout


def test_the_walkthrough_runs_as_written(walked):
    _, output = walked
    assert "2 added, 0 updated" in output
    assert '"kind": "answer"' in output  # escalate send
    assert "0 failing case(s)" in output  # escalate eval on the three cases


def test_the_python_blocks_run_and_the_walkthrough_says_what_happens(walked, monkeypatch):
    where, _ = walked
    monkeypatch.chdir(where)
    for code in blocks(README, "python"):
        exec(compile(code, "README.md", "exec"), {})
    from agent import EscalationAgent

    with EscalationAgent(Settings.load("store.toml")) as bot:
        answer = bot.send("check-1", "How much is shipping?")
        assert answer.kind == "answer" and "$4.50" in answer.messages[0]
        assert answer.citations[0].doc_id == "kb:shipping.md"
        socks = bot.send("check-2", "Can I return socks I wore once?")
        assert socks.kind == "handoff"
        assert "returns.md" in str(socks.handoff.suggested_resolution)


def test_the_python_api_page_runs_in_order(walked, monkeypatch):
    where, _ = walked
    monkeypatch.chdir(where)
    page = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    namespace: dict = {}
    for code in blocks(page, "python"):
        exec(compile(code, "docs/python-api.md", "exec"), namespace)
    assert namespace["view"].mode == "bot" and namespace["package"].route == "vip"


def test_every_python_block_in_the_docs_compiles():
    for page in sorted((ROOT / "docs").glob("*.md")):
        for code in blocks(page.read_text(encoding="utf-8"), "python"):
            compile(code, str(page), "exec")


def test_the_example_store_config_loads(tmp_path):
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = blocks(page, "toml")[0]
    path = tmp_path / "store.toml"
    path.write_text(block, encoding="utf-8")
    settings = Settings.load(path)
    assert settings.handoff.queues["vip"].team == "your personal stylist"
    assert settings.handoff.queues["billing"].team  # queues not named keep their defaults
    topics = sensitive_topics("home", settings.triggers)
    assert "store.recall" in topics and "home.mould" not in topics
    assert settings.llm.model == "llama3.1"
