"""``escalate serve``: the HTTP service on uvicorn around one :class:`EscalationAgent`.

Also makes API keys: ``--new-key ROLE`` prints a fresh key and the TOML line with its hash,
``--hash-key`` hashes a key read from stdin (or a hidden prompt).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from agent.errors import ConfigError, InputError
from agent.service.settings import ROLES

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from agent.runtime import EscalationAgent
    from agent.settings import Settings

console = Console()
err = Console(stderr=True)

NO_KEYS = (
    "no API keys are configured, and the service does not run open. Make a key per role you "
    "need (widget, agent, curator, admin) with `escalate serve --new-key widget`, put the "
    "printed hash under [service.api_keys] in your settings TOML (or in "
    'ESCALATE_SERVICE__API_KEYS=\'{"widget": ["sha256:..."]}\'), and give the key to the '
    "widget; or try it locally with `escalate serve --dev` (127.0.0.1 only)"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            "--settings",
            help="A store's settings TOML.",
            envvar="ESCALATE_CONFIG",
        ),
    ] = None,
    host: Annotated[
        str | None, typer.Option("--host", help="Listen here (default: service.host).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            min=0,
            max=65535,
            help="Listen on this port (default: service.port; 0: any free one).",
        ),
    ] = None,
    dev: Annotated[
        bool, typer.Option("--dev", help="No API keys needed; only on a loopback address.")
    ] = False,
    hash_key_flag: Annotated[
        bool,
        typer.Option(
            "--hash-key", help="Read a key from stdin (or a hidden prompt), print its hash, exit."
        ),
    ] = False,
    new_key_role: Annotated[
        str | None,
        typer.Option(
            "--new-key", metavar="ROLE", help="Print a fresh key for ROLE and its TOML line, exit."
        ),
    ] = None,
) -> None:
    """Run the HTTP service: the widget's API, webhooks, pages, health and metrics."""
    if new_key_role is not None:
        _print_new_key(new_key_role)
        return
    if hash_key_flag:
        _print_hash()
        return
    from agent.settings import Settings

    settings = Settings.load(config)
    host = host or settings.service.host
    port = settings.service.port if port is None else port
    if dev and not is_loopback(host):
        raise ConfigError(
            f"--dev runs without API keys, so it listens on a loopback address only "
            f"(127.0.0.1, ::1 or localhost), not {host!r}; configure keys to serve on {host}"
        )
    if not dev and not any(settings.service.api_keys.values()):
        raise ConfigError(NO_KEYS)
    sock = bind(host, port)  # before the agent opens: a busy port fails in a second
    agent, store = open_agent(settings, demo_if_empty=config is None)
    try:
        where = sock.getsockname()
        shown = f"[{where[0]}]" if ":" in where[0] else where[0]
        console.print(
            f"escalate serve: listening on http://{shown}:{where[1]} "
            f"({'dev mode, no API keys' if dev else 'API keys required'}); store: {escape(store)}",
            highlight=False,
            soft_wrap=True,
        )
        run(agent, sock, dev=dev)
    finally:
        agent.close()
        sock.close()
    console.print("escalate serve: stopped (requests finished, the agent closed)", highlight=False)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def open_agent(settings: Settings, *, demo_if_empty: bool) -> tuple[EscalationAgent, str]:
    """The agent, and a line saying which knowledge base it answers from. With no settings
    file and an empty knowledge base, the bundled demo store is ingested first."""
    from agent.demo import DEMO_SOURCE, SAMPLE_SET
    from agent.ingest_cli import ingest_with_progress
    from agent.knowledge_base import make_embedder, open_store
    from agent.runtime import EscalationAgent

    embedder = make_embedder(settings)
    store = open_store(settings, embedder)
    where = settings.knowledge.chroma_url or str(settings.chroma_path)
    label = f"{settings.store_name}, {store.count()} chunks in {where}"
    if store.count() == 0:
        if demo_if_empty:
            ingest_with_progress(
                SAMPLE_SET / "kb", store, embedder, settings, err, source=DEMO_SOURCE, prune=True
            )
            label = (
                f"the bundled demo store (Northwind Goods, {store.count()} chunks in {where}); "
                "ingest your own with `escalate kb ingest FOLDER`"
            )
        else:
            err.print(
                "[yellow]warning:[/] the knowledge base is empty, so every question goes to a "
                "person; run `escalate kb ingest PATH` first"
            )
    return EscalationAgent(settings, retriever=store), label


def run(agent: EscalationAgent, sock: socket.socket, *, dev: bool) -> None:
    """Serve until SIGINT/SIGTERM (uvicorn finishes the requests in flight, then returns)."""
    from agent.service.app import create_app
    from agent.service.logs import configure_http_log

    configure_http_log()
    app = create_app(agent, dev=dev)
    settle_heap()
    make_server(app).run(sockets=[sock])


def settle_heap() -> int:
    """Once the agent and the app are built: collect, then move everything alive to the
    collector's permanent generation (``gc.freeze``). The model, the KB's vocabulary, the
    graph and the routes live as long as the process; without this every full collection
    walks them all again (measured here: 250+ ms on a busy machine, once every dozen turns
    or so). Returns how many objects were frozen."""
    import gc

    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def make_server(app: FastAPI, graceful_s: int = 10) -> uvicorn.Server:
    """uvicorn for ``app``; once it is told to stop, the app's event streams end (so the
    shutdown does not wait on them; the browsers reconnect, to another replica if any)."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            # uvicorn raises the signal again once it has stopped, which would kill the
            # process before the agent is closed; serve returns normally instead
            self._captured_signals.clear()

    server = Server(
        uvicorn.Config(
            app,
            access_log=False,  # one JSON line per request on escalate.http instead
            log_level="warning",
            timeout_graceful_shutdown=graceful_s,
            proxy_headers=False,
        )
    )
    app.state.stopping = lambda: server.should_exit
    return server


def _print_new_key(role: str) -> None:
    from agent.service.auth import hash_key, new_key

    if role not in ROLES:
        raise InputError(f"--new-key: the role is one of {', '.join(ROLES)}, not {role!r}")
    key = new_key()
    print(f"key for the {role} role (shown once; give it to its user): {key}")
    print("add its hash to your settings TOML:")
    print(f"[service.api_keys]\n{role} = [{json.dumps(hash_key(key))}]")


def _print_hash() -> None:
    from agent.service.auth import hash_key

    key = typer.prompt("key", hide_input=True) if sys.stdin.isatty() else sys.stdin.readline()
    key = key.strip()
    if not key:
        raise InputError("--hash-key: no key given (pipe it in, or type it at the prompt)")
    print(hash_key(key))
