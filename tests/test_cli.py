"""The `escalate` command, driven through typer's runner and its real entry point."""

import json
import sys

import pytest
from typer.testing import CliRunner

from agent.cli import app, main

runner = CliRunner()
COMMANDS = [
    [],
    ["demo"],
    ["kb"],
    ["kb", "ingest"],
    ["kb", "search"],
    ["kb", "bench"],
    ["chat"],
    ["send"],
    ["resolve"],
    ["show"],
    ["triggers"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "escalate")
def test_every_command_has_help(args):
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_a_bad_config_is_one_line_naming_the_key_and_exit_code_2(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "store.toml"
    bad.write_text("[triggers]\nloop_repets = 3\n")
    monkeypatch.setattr(sys, "argv", ["escalate", "triggers", "--config", str(bad)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "triggers.loop_repets: unknown key" in capsys.readouterr().err


@pytest.fixture
def store_config(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "returns.md").write_text(
        "# Returns\n\n## Window\n\nYou can return unworn items within 30 days of delivery.\n"
    )
    config = tmp_path / "store.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    return kb, config


def test_ingest_search_send_show(store_config):
    kb, config = store_config
    ingested = runner.invoke(app, ["kb", "ingest", str(kb), "--config", str(config)])
    assert ingested.exit_code == 0, ingested.output
    assert "1 added" in ingested.output
    again = runner.invoke(app, ["kb", "ingest", str(kb), "--config", str(config)])
    assert "1 unchanged" in again.output
    found = runner.invoke(app, ["kb", "search", "how long to return", "--config", str(config)])
    assert "returns.md#0" in found.output
    sent = runner.invoke(
        app,
        ["send", "t1", "How many days do I have to return unworn items?", "--config", str(config)],
    )
    reply = json.loads(sent.output)
    assert reply["kind"] == "answer" and reply["citations"][0]["doc_id"] == "kb:returns.md"
    assert "(returns.md)" in reply["messages"][0]  # the shopper reads the path, not the source
    pressed = runner.invoke(app, ["send", "t1", "", "--button", "--config", str(config)])
    assert json.loads(pressed.output)["kind"] == "handoff"
    shown = runner.invoke(app, ["show", "t1", "--json", "--config", str(config)])
    assert json.loads(shown.output)["mode"] == "human"
    resolved = runner.invoke(app, ["resolve", "t1", "Done, refund sent.", "--config", str(config)])
    assert "mode is now bot" in resolved.output


def test_an_empty_knowledge_base_is_called_out(tmp_path):
    config = tmp_path / "store.toml"
    config.write_text(f'data_dir = "{tmp_path / "empty"}"\n')
    result = CliRunner().invoke(
        app, ["send", "t", "How much is shipping?", "--config", str(config)]
    )
    assert result.exit_code == 0
    assert "knowledge base is empty" in result.output


def test_version_prints_the_package_version_and_exits_0():
    import agent

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"escalate {agent.__version__}"


def test_version_does_not_need_a_command_or_a_config(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATE_CONFIG", str(tmp_path / "missing.toml"))
    result = runner.invoke(app, ["--version", "triggers"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("escalate ")


def test_kb_ingest_plans_guards_and_lists_sources(store_config, tmp_path):
    kb, config = store_config
    for n in range(4):
        (kb / f"faq{n}.md").write_text(
            f"# FAQ {n}\n\nAnswer {n}. See https://tracker.example.org/{n}\n"
        )
    args = ["--config", str(config)]
    first = runner.invoke(app, ["kb", "ingest", str(kb), "--source", "help", *args])
    assert first.exit_code == 0, first.output
    assert "source help: 5 added" in first.output and "flag" in first.output
    for n in range(4):
        (kb / f"faq{n}.md").unlink()
    planned = runner.invoke(
        app, ["kb", "ingest", str(kb), "-s", "help", "--dry-run", "--prune", *args]
    )
    assert planned.exit_code == 0, planned.output
    assert "  removed  help:faq0.md" in planned.output and "nothing changed" in planned.output
    refused = runner.invoke(app, ["kb", "ingest", str(kb), "--source", "help", *args])
    assert type(refused.exception).__name__ == "PruneRefused"  # main() prints it, exit code 2
    assert "would remove 4 documents" in str(refused.exception) and "--prune" in str(
        refused.exception
    )
    other = runner.invoke(app, ["kb", "ingest", str(kb), "--source", "outlet", *args])
    assert "source outlet: 1 added" in other.output
    listed = runner.invoke(app, ["kb", "sources", *args])
    assert "help" in listed.output and "outlet" in listed.output
    assert "│ 5 " in listed.output  # help still holds its five documents
    lint = runner.invoke(app, ["kb", "lint", "help", *args])
    assert "tracker.example.org" in lint.output and "yes" in lint.output
    pruned = runner.invoke(app, ["kb", "ingest", str(kb), "--source", "help", "--prune", *args])
    assert "4 removed" in pruned.output
    removed = runner.invoke(app, ["kb", "remove-source", "outlet", *args])
    assert (
        removed.exit_code == 0
        and "outlet" not in runner.invoke(app, ["kb", "sources", *args]).output
    )
