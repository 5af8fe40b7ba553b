"""`escalate serve`: refuses to run open, makes keys, and as a process answers over HTTP
from the bundled demo store when nothing is configured, then shuts down cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from agent.cli import app
from agent.service.auth import hash_key, key_matches

runner = CliRunner()


def test_no_keys_and_no_dev_refuses_with_how_to_make_keys(tmp_path: Path) -> None:
    conf = tmp_path / "store.toml"
    conf.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = runner.invoke(app, ["serve", "--config", str(conf), "--port", "0"])
    assert result.exit_code != 0
    assert "no API keys are configured" in str(result.exception)
    assert "escalate serve --new-key widget" in str(result.exception)
    assert not (tmp_path / "data").exists(), "nothing was opened"


def test_dev_mode_is_for_loopback_only(tmp_path: Path) -> None:
    conf = tmp_path / "store.toml"
    conf.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = runner.invoke(app, ["serve", "--dev", "--host", "0.0.0.0", "--config", str(conf)])
    assert result.exit_code != 0
    assert "loopback address only" in str(result.exception)
    assert "'0.0.0.0'" in str(result.exception)


def test_new_key_prints_a_key_and_the_toml_line_with_its_hash() -> None:
    result = runner.invoke(app, ["serve", "--new-key", "agent"])
    assert result.exit_code == 0, result.output
    key = re.search(r"(esk_\S+)", result.output)
    digest = re.search(r'agent = \["(sha256:[0-9a-f]{64})"\]', result.output)
    assert key and digest and "[service.api_keys]" in result.output
    assert key_matches(key.group(1), [digest.group(1)])
    bad = runner.invoke(app, ["serve", "--new-key", "shopper"])
    assert bad.exit_code != 0 and "widget, agent, curator, admin" in str(bad.exception)


def test_hash_key_reads_stdin() -> None:
    result = runner.invoke(app, ["serve", "--hash-key"], input="esk_secret\n")
    assert result.exit_code == 0
    assert result.output.strip() == hash_key("esk_secret")
    assert "esk_secret" not in result.output
    empty = runner.invoke(app, ["serve", "--hash-key"], input="\n")
    assert empty.exit_code != 0 and "no key given" in str(empty.exception)


def test_serve_process_answers_from_the_demo_store_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESCALATE_", "OPENAI_"))}
    env |= {"ESCALATE_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from agent.cli import main; main()",
            "serve",
            "--dev",
            "--port",
            "0",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 240
        url = None
        while url is None:
            assert proc.poll() is None, (proc.stderr.read() if proc.stderr else "")[-2000:]
            assert time.monotonic() < deadline, "no 'listening on' line in 240 s"
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", "".join(lines))
            url = found.group(1) if found else None
            time.sleep(0.1)
        assert "bundled demo store" in "".join(lines)
        with httpx.Client(base_url=url, timeout=60) as http:
            r = http.post(
                "/v1/conversations/first-visit/messages",
                json={"text": "How long do I have to return something?"},
            )
            assert r.status_code == 200, r.text
            reply = r.json()
            assert reply["kind"] == "answer", reply
            assert reply["citations"], "answered from the demo store, with a citation"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        reader.join(5)
        assert "escalate serve: stopped" in "".join(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_settling_the_heap_collects_garbage_first_then_freezes_what_lives() -> None:
    """Full collections after start-up skip the long-lived objects; cycles that were already
    garbage are collected, not kept forever."""
    import gc
    import weakref

    from agent.service.serve_cli import settle_heap

    class Node:
        pass

    garbage = Node()
    garbage.loop = garbage  # type: ignore[attr-defined]
    gone = weakref.ref(garbage)
    del garbage
    kept = Node()
    try:
        frozen = settle_heap()
        assert gone() is None
        assert frozen == gc.get_freeze_count() and frozen > 0
        assert not any(o is kept for o in gc.get_objects())  # in the permanent generation
    finally:
        gc.unfreeze()
    assert any(o is kept for o in gc.get_objects())
