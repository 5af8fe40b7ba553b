"""`escalate report` through typer's runner, over a real SQLite store, and its Markdown."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from agent.metrics import EventLog, compute_report
from agent.metrics import cli as report_cli
from agent.metrics.render import duration_text, report_markdown, sections
from agent.storage import sqlite_storage
from tests.metrics.streams import Clock, scenario

runner = CliRunner()
app = typer.Typer()
app.command("report")(report_cli.report_command)
app.command("noop")(lambda: None)  # two commands, so "report" is a subcommand as in escalate


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setattr(report_cli, "console", Console(width=200))
    path = tmp_path / "store.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    return path


def _seed(data_dir, clock: Clock) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    storage = sqlite_storage(str(data_dir / "conversations.sqlite"))
    try:
        log = EventLog(storage.store)
        for event in scenario(clock):
            log.record(event)
    finally:
        storage.close()


def test_report_prints_every_metric(config):
    _seed(config.parent / "data", Clock(datetime.now(UTC) - timedelta(hours=3)))
    result = runner.invoke(app, ["report", "--config", str(config)])
    assert result.exit_code == 0, result.output
    for text in [
        "50.0% (3 of 6)",
        "5m 00s / 13m 00s (n=3)",
        "1m 00s / 1m 24s (n=2)",
        "33.3% (1 of 3)",
        "66.7% (2 of 3)",
        "-0.65 → +0.05 (n=2)",
        "returns:policy",
        "(none)",
        "billing",
    ]:
        assert text in result.output, text


def test_report_as_json_and_markdown(config, tmp_path):
    _seed(config.parent / "data", Clock(datetime.now(UTC) - timedelta(hours=3)))
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["report", "-c", str(config), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["handoff_rate"] == {"count": 3, "total": 6, "value": 0.5}
    assert data["by_topic"]["returns:policy"]["value"] == 0.5
    assert data["time_to_handoff"] == {"count": 3, "p50": 300.0, "p90": 780.0}
    markdown = out.read_text()
    assert "| handoff rate | 50.0% (3 of 6) |" in markdown
    assert "## Handoff rate by route" in markdown


def test_an_empty_store_shows_missing_never_zero(config):
    result = runner.invoke(app, ["report", "-c", str(config), "--days", "1"])
    assert result.exit_code == 0, result.output
    assert "missing" in result.output
    assert "0.0%" not in result.output
    data = json.loads(runner.invoke(app, ["report", "-c", str(config), "--json"]).stdout)
    assert data["handoff_rate"]["value"] is None
    assert data["sentiment"] == {"pairs": 0, "before": None, "after": None}


def test_events_older_than_the_window_are_left_out(config):
    _seed(config.parent / "data", Clock(datetime.now(UTC) - timedelta(days=3)))
    data = json.loads(runner.invoke(app, ["report", "-c", str(config), "--json"]).stdout)
    assert data["handoffs"] == 3
    data = json.loads(
        runner.invoke(app, ["report", "-c", str(config), "--json", "--days", "2"]).stdout
    )
    assert data["handoffs"] == 0


def test_days_below_one_is_a_usage_error(config):
    assert runner.invoke(app, ["report", "-c", str(config), "--days", "0"]).exit_code == 2


def test_markdown_of_an_empty_report_marks_every_metric_missing():
    clock = Clock()
    report = compute_report([], clock(0), clock(3600))
    rows = dict(sections(report)[0][1])
    assert rows["handoff rate"] == rows["repeat-info rate"] == "missing"
    assert rows["sentiment before → after the human"] == "missing"
    assert "| (any) | missing |" in report_markdown(report)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (59.4, "59s"), (90, "1m 30s"), (7260, "2h 01m")]
)
def test_durations_read_as_people_say_them(seconds, text):
    assert duration_text(seconds) == text


def test_report_shows_channels_and_conversion_once_outcomes_exist(config):
    from agent.metrics import CommerceOutcome, ConversationStarted, Handoff

    data = config.parent / "data"
    start = datetime.now(UTC) - timedelta(hours=3)
    _seed(data, Clock(start))
    before = runner.invoke(app, ["report", "--config", str(config), "--json"])
    assert json.loads(before.output)["conversion"] is None
    assert (
        "missing (no outcomes recorded)" in runner.invoke(app, ["report", "-c", str(config)]).output
    )
    storage = sqlite_storage(str(data / "conversations.sqlite"))
    try:
        log = EventLog(storage.store)
        log.record(ConversationStarted(conversation_id="v1", at=start, channel="voice"))
        log.record(Handoff(conversation_id="v1", handoff_id="HO-V1", at=start, channel="voice",
                           conversation_started_at=start, intent="returns", route="general"))  # fmt: skip
        log.record(CommerceOutcome(conversation_id="v1", kind="purchase", value=80, currency="GBP",
                                   at=start + timedelta(minutes=30), order_id="V-1"))  # fmt: skip
    finally:
        storage.close()
    after = json.loads(runner.invoke(app, ["report", "-c", str(config), "--json"]).output)
    assert after["by_channel"]["voice"] == {"count": 1, "total": 1, "value": 1.0}
    cohort = after["conversion"]["after_handoff"]
    assert cohort["purchases"] == 1 and cohort["value"] == {"GBP": 80.0}
    assert cohort["converted"]["count"] == 1
    table = runner.invoke(app, ["report", "-c", str(config)]).output
    assert "GBP 80.00 (1 purchase(s))" in table and "Handoff rate by channel" in table
