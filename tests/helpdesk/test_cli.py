"""`escalate outbox` through typer's runner, on a real SQLite file."""

import json
from types import SimpleNamespace

import httpx
import pytest
import typer
from typer.testing import CliRunner

from agent.errors import InputError
from agent.helpdesk import cli
from agent.helpdesk.outbox import Outbox
from agent.helpdesk.settings import HelpdeskSettings
from agent.helpdesk.zendesk import Zendesk
from agent.storage import sqlite_storage
from tests.helpdesk.conftest import make_package
from tests.helpdesk.test_zendesk import SETTINGS as ZD_SETTINGS
from tests.helpdesk.test_zendesk import TICKETS, created

runner = CliRunner()
app = typer.Typer()
app.command()(cli.outbox_command)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """The command's settings and storage, pointed at one SQLite file; returns a seeding helper."""
    path = str(tmp_path / "conversations.sqlite")
    helpdesk = {"settings": ZD_SETTINGS}
    monkeypatch.setenv("COLUMNS", "200")

    class FakeSettings:
        @staticmethod
        def load(config):
            return SimpleNamespace(helpdesk=helpdesk["settings"])

    monkeypatch.setattr(cli, "Settings", FakeSettings)
    monkeypatch.setattr(cli, "open_storage", lambda settings: sqlite_storage(path))

    def seed(*ids: str, settings: HelpdeskSettings = ZD_SETTINGS) -> None:
        helpdesk["settings"] = settings
        storage = sqlite_storage(path)
        outbox = Outbox(storage.store, Zendesk(settings), settings=settings, settle_s=0)
        for i in ids:
            outbox.enqueue(make_package(id=i))
        storage.close()

    return seed


def test_the_default_lists_what_is_not_delivered(db):
    db("HO-AAAA0001", "HO-AAAA0002")
    result = runner.invoke(app, [])
    assert result.exit_code == 0, result.output
    assert "HO-AAAA0001" in result.output and "HO-AAAA0002" in result.output
    assert "pending" in result.output and "due now" in result.output and "orders" in result.output


def test_deliver_sends_what_is_due_and_says_how_it_went(db, mock):
    db("HO-AAAA0001", "HO-AAAA0002")
    mock.post(TICKETS).mock(
        side_effect=[created(1), httpx.Response(401, json={"error": "Couldn't authenticate you"})]
    )
    result = runner.invoke(app, ["--deliver"])
    assert result.exit_code == 0, result.output
    assert "1 delivered, 0 retrying later, 1 failed, 0 skipped" in result.output
    assert "Couldn't authenticate you" in result.output and "HO-AAAA0001" not in result.output
    shown = runner.invoke(app, ["--all"])
    assert "HO-AAAA0001" in shown.output and "zendesk 1" in shown.output


def test_retry_queues_a_failed_item_again(db, mock):
    db("HO-AAAA0001")
    mock.post(TICKETS).mock(
        side_effect=[httpx.Response(422, json={"error": "RecordInvalid"}), created(7)]
    )
    runner.invoke(app, ["--deliver"])
    result = runner.invoke(app, ["--retry", "HO-AAAA0001", "--deliver", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []  # nothing left undelivered
    rows = json.loads(runner.invoke(app, ["--all", "--json"]).output)
    assert rows[0]["status"] == "delivered" and rows[0]["external_id"] == "7"
    assert "package" not in rows[0]


def test_retrying_an_unknown_item_is_a_domain_error(db):
    db()
    result = runner.invoke(app, ["--retry", "HO-NOPE"])
    assert isinstance(result.exception, InputError)  # agent.cli.main prints it on one line


def test_help():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for option in ("--deliver", "--retry", "--all", "--json", "--config"):
        assert option in result.output
