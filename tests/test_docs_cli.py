"""docs/cli.md covers every command and option of `escalate`, and every `escalate ...` line in
the README and the docs names a command and options that exist."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing

from agent.cli import app

ROOT = Path(__file__).parent.parent
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
ROOT_CMD = typer.main.get_command(app)


def _subcommands(cmd: Any) -> dict[str, Any]:
    return dict(getattr(cmd, "commands", None) or {})


def commands(
    cmd: Any = ROOT_CMD, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, command) for every leaf command: ('kb', 'ingest') and so on."""
    if _subcommands(cmd):
        for name, sub in _subcommands(cmd).items():
            yield from commands(sub, (*path, name))
    else:
        yield path, cmd


def options(cmd: Any) -> set[str]:
    return {
        o for p in cmd.params if p.param_type_name == "option" for o in p.opts + p.secondary_opts
    }


def _section(path: tuple[str, ...]) -> str:
    heading = f"## `escalate {' '.join(path)}`\n"
    assert heading in CLI_DOC, f"docs/cli.md has no section {heading.strip()}"
    return CLI_DOC.split(heading, 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("path", [p for p, _ in commands()], ids=" ".join)
def test_every_command_and_option_is_in_the_cli_page(path):
    cmd = dict(commands())[path]
    section = _section(path)
    missing = [o for o in options(cmd) - {"--help"} if f"`{o}" not in section]
    assert not missing, f"document {missing} under `escalate {' '.join(path)}` in docs/cli.md"
    assert f"(#escalate-{'-'.join(path)})" in CLI_DOC, "and list it in the table at the top"


def shell_commands() -> list[tuple[str, str]]:
    """(page, line) for every `escalate ...` line in a sh block of the README or the docs."""
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(r"```(?:sh|bash|console)\n(.*?)```", page.read_text("utf-8"), re.S):
            for line in block.splitlines():
                line = line.split(" #", 1)[0].strip().removeprefix("$ ")
                if line.startswith("escalate "):
                    found.append((page.name, line))
    return found


def resolve(words: list[str]) -> tuple[Any, list[str]]:
    cmd = ROOT_CMD
    while words and words[0] in _subcommands(cmd):
        cmd = _subcommands(cmd)[words.pop(0)]
    return cmd, words


def test_the_shell_examples_name_real_commands_and_options():
    lines = shell_commands()
    assert any("kb ingest" in line for _, line in lines)
    for page, line in lines:
        cmd, rest = resolve(shlex.split(line)[1:])
        assert not _subcommands(cmd), f"{page}: `{line}`: no such command"
        flags = {w.split("=")[0] for w in rest if w.startswith("-") and w != "-"}
        unknown = flags - options(cmd) - {"--help"}
        assert not unknown, f"{page}: `{line}`: no option {sorted(unknown)}"


def test_every_command_in_the_shell_examples_answers_help():
    seen = set()
    runner = typer.testing.CliRunner()
    for _, line in shell_commands():
        words = shlex.split(line)[1:]
        cmd, rest = resolve(list(words))
        path = tuple(words[: len(words) - len(rest)])
        if path in seen:
            continue
        seen.add(path)
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, f"escalate {' '.join(path)} --help: {result.output}"
