"""The `escalate` command: parse, call one library function, print. No business logic here."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from agent.errors import EscalationError
from agent.helpdesk.cli import outbox_command
from agent.helpdesk.inbox_cli import inbox_command
from agent.kb_lint_cli import lint_command
from agent.metrics.cli import report_command
from agent.settings import Settings
from evals.cli import eval_command

if TYPE_CHECKING:
    from agent.runtime import EscalationAgent
    from agent.service.client import ServiceClient

app = typer.Typer(
    help="An e-commerce support bot that answers from its knowledge base and hands the rest to people.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
kb = typer.Typer(help="Build and search the knowledge base.", no_args_is_help=True)
app.add_typer(kb, name="kb")
console = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="A store's settings TOML.", envvar="ESCALATE_CONFIG"),
]


ServerOpt = Annotated[
    str | None,
    typer.Option(
        "--server",
        metavar="URL",
        help="Send this to a running service (escalate serve) instead of opening the store.",
    ),
]
KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar="ESCALATE_API_KEY",
        show_envvar=False,
        help="The API key for --server (default: $ESCALATE_API_KEY).",
    ),
]


def _client(server: str, key: str | None) -> ServiceClient:
    from agent.service.client import ServiceClient

    return ServiceClient(server, key)


def _settings(config: Path | None) -> Settings:
    return Settings.load(config)


def _agent(config: Path | None) -> EscalationAgent:
    from agent.runtime import EscalationAgent

    agent = EscalationAgent(_settings(config))
    count = getattr(agent.context.retriever, "count", None)
    if count is not None and count() == 0:
        err.print(
            "[yellow]warning:[/] the knowledge base is empty, so every question goes to a person; run `escalate kb ingest PATH` first"
        )
    return agent


def _customer(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EscalationError(f"{path}: cannot read the customer record: {exc}") from exc


@app.command()
def demo(
    config: ConfigOpt = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Play only these conversation ids.")
    ] = None,
) -> None:
    """Ingest the bundled sample store and play its sample conversations."""
    from agent.demo import run_demo

    run_demo(_settings(config), only=only, console=console)


@kb.command("ingest")
def kb_ingest(
    path: Annotated[Path, typer.Argument(help="Folder of .md .txt .html .json .csv files.")],
    config: ConfigOpt = None,
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="Name of this source (default: the folder's name)."),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Allow removing more than knowledge.prune_limit documents."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change and change nothing.")
    ] = False,
) -> None:
    """Read a folder into the vector store as one named source; other sources are untouched."""
    import sys

    from agent.ingest_cli import ingest_with_progress, print_plan, summary
    from agent.knowledge_base import make_embedder, open_store
    from knowledge.ingest_plan import PruneRefused
    from knowledge.models import IngestReport

    settings = _settings(config)
    embedder = make_embedder(settings)
    store = open_store(settings, embedder)

    def run(prune: bool) -> IngestReport:
        return ingest_with_progress(
            path, store, embedder, settings, console, source=source, prune=prune, dry_run=dry_run
        )

    try:
        report = run(prune)
    except PruneRefused as exc:
        if dry_run or not sys.stdin.isatty():
            raise
        err.print(f"[yellow]{escape(str(exc))}[/]")
        if not typer.confirm(f"Remove these {len(exc.removing)} documents?", default=False):
            raise typer.Exit(1) from exc
        report = run(True)
    if dry_run:
        print_plan(report, console)
    console.print(escape(summary(report)), soft_wrap=True)


@kb.command("sources")
def kb_sources(config: ConfigOpt = None) -> None:
    """List the sources in the store with their documents, chunks and flags."""
    from agent.knowledge_base import open_store

    table = Table("source", "documents", "chunks", "flags", "ingested", "from folder")
    for record in sorted(open_store(_settings(config)).sources().values(), key=lambda r: r.name):
        table.add_row(
            escape(record.name),
            str(len(record.docs)),
            str(record.chunks),
            str(len(record.flags)),
            record.ingested_at,
            escape(record.root),
        )
    console.print(table)


@kb.command("remove-source")
def kb_remove_source(name: str, config: ConfigOpt = None) -> None:
    """Take a whole source out of the store (readers stop seeing it at once)."""
    from agent.knowledge_base import open_store

    store = open_store(_settings(config))
    if name not in store.sources():
        raise EscalationError(f"no source named {name!r}; `escalate kb sources` lists them")
    store.remove_source(name)
    console.print(f"source {escape(name)} removed")


@kb.command("search")
def kb_search(
    query: str, k: Annotated[int, typer.Option("-k", min=1, max=50)] = 5, config: ConfigOpt = None
) -> None:
    """Show the chunks that best match a query, with their similarity."""
    from agent.knowledge_base import open_store

    table = Table("score", "chunk", "text")
    for sc in open_store(_settings(config)).search(query, k):
        table.add_row(
            f"{sc.score:.3f}", Text(sc.chunk.id), Text(sc.chunk.text[:160].replace("\n", " "))
        )
    console.print(table)


@kb.command("bench")
def kb_bench(repeats: Annotated[int, typer.Option(min=3)] = 30) -> None:
    """Time Chroma's stock embedder against ours on the same model files and the sample KB's chunks."""
    from agent.demo import SAMPLE_SET
    from knowledge.chunking import chunk_document
    from knowledge.documents import load_folder
    from knowledge.embedder_bench import compare_with_chroma

    docs, _ = load_folder(SAMPLE_SET / "kb")
    texts = [
        c.embed_text
        for d in docs
        for c in chunk_document(d, _settings(None).knowledge.chunk_max_tokens)
    ]
    console.print_json(data=compare_with_chroma(texts, repeats))


CuratorOpt = Annotated[
    str | None,
    typer.Option("--curator", help="Who decides (default: $ESCALATE_CURATOR or $USER)."),
]


@kb.command("review")
def kb_review(
    approve: Annotated[str | None, typer.Option(help="Approve this proposal id.")] = None,
    reject: Annotated[str | None, typer.Option(help="Reject this proposal id.")] = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why (required to reject, and to approve with --override-flags)."),
    ] = None,
    answer: Annotated[
        str | None, typer.Option(help="With --approve: the edited answer to approve.")
    ] = None,
    question: Annotated[
        str | None, typer.Option(help="With --approve: the edited question.")
    ] = None,
    override_flags: Annotated[
        bool, typer.Option("--override-flags", help="Approve although it is flagged.")
    ] = False,
    curator: CuratorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config: ConfigOpt = None,
    server: ServerOpt = None,
    key: KeyOpt = None,
) -> None:
    """Review proposed learned answers: approve, edit then approve, or reject with a reason."""
    import sys

    from agent.learning.cli import default_curator, open_desk, review

    if server:
        from agent.service.remote import remote_review

        with _client(server, key) as client:
            remote_review(
                client,
                console,
                approve=approve,
                reject=reject,
                reason=reason,
                answer=answer,
                question=question,
                override_flags=override_flags,
                curator=curator or default_curator(),
                as_json=as_json,
            )
        return

    with open_desk(_settings(config)) as desk:
        review(
            desk,
            console,
            approve=approve,
            reject=reject,
            reason=reason,
            answer=answer,
            question=question,
            override_flags=override_flags,
            curator=curator or default_curator(),
            as_json=as_json,
            interactive=sys.stdin.isatty() and sys.stdout.isatty(),
        )


@kb.command("learned")
def kb_learned(
    revoke: Annotated[
        str | None, typer.Option(help="Revoke this approved answer (removes it from retrieval).")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required to revoke).")] = None,
    sync: Annotated[
        bool,
        typer.Option("--sync", help="Make the vector store hold exactly the approved answers."),
    ] = False,
    audit: Annotated[bool, typer.Option("--audit", help="Show the audit log.")] = False,
    curator: CuratorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config: ConfigOpt = None,
    server: ServerOpt = None,
    key: KeyOpt = None,
) -> None:
    """Approved learned answers with their provenance; revoke one; the audit log."""
    from agent.learning.cli import default_curator, learned, open_desk

    if server:
        from agent.service.remote import remote_learned

        with _client(server, key) as client:
            remote_learned(
                client,
                console,
                revoke=revoke,
                reason=reason,
                sync=sync,
                audit=audit,
                curator=curator or default_curator(),
                as_json=as_json,
            )
        return

    with open_desk(_settings(config)) as desk:
        learned(
            desk,
            console,
            revoke=revoke,
            reason=reason,
            sync=sync,
            audit=audit,
            curator=curator or default_curator(),
            as_json=as_json,
        )


@kb.command("gaps")
def kb_gaps(
    days: Annotated[
        int | None, typer.Option(min=1, help="Trailing window (default: learning.gap_window_days).")
    ] = None,
    min_handoffs: Annotated[
        int | None,
        typer.Option("--min", min=1, help="Handoffs in the window that make a gap (default 5)."),
    ] = None,
    history: Annotated[int, typer.Option(min=1, help="Days of history for the rate curves.")] = 56,
    period: Annotated[str, typer.Option(help="Rate per 'day' or 'week'.")] = "day",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config: ConfigOpt = None,
) -> None:
    """Topics handed off again and again, with example questions and their handoff rate over time."""
    from agent.learning.cli import gaps

    if period not in ("day", "week"):
        raise typer.BadParameter("period is 'day' or 'week'")
    gaps(
        _settings(config),
        console,
        days=days,
        min_handoffs=min_handoffs,
        history_days=history,
        period=period,
        as_json=as_json,
    )


@app.command()
def send(
    conversation: str,
    text: str,
    customer: Annotated[
        Path | None, typer.Option(help="JSON file with the customer record.")
    ] = None,
    offline: Annotated[
        bool, typer.Option("--agents-offline", help="No live agents on shift.")
    ] = False,
    button: Annotated[
        bool, typer.Option("--button", help="Press 'Talk to a person' instead of sending text.")
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Send one shopper message and print the reply as JSON."""
    agent = _agent(config)
    record = _customer(customer)
    if button:
        reply = agent.request_human(conversation, customer=record, agents_online=not offline)
    else:
        reply = agent.send(conversation, text, customer=record, agents_online=not offline)
    console.print_json(reply.model_dump_json())


@app.command()
def chat(
    conversation: Annotated[
        str, typer.Option(help="Conversation id (continue an old one).")
    ] = "cli",
    customer: Annotated[
        Path | None, typer.Option(help="JSON file with the customer record.")
    ] = None,
    offline: Annotated[bool, typer.Option("--agents-offline")] = False,
    config: ConfigOpt = None,
) -> None:
    """Chat with the bot in the terminal; type /human for the button, /quit to leave."""
    from agent.render import show_reply

    agent = _agent(config)
    record = _customer(customer)
    while True:
        try:
            text = console.input("[bold cyan]you> [/]")
        except (EOFError, KeyboardInterrupt):
            break
        if text.strip() == "/quit":
            break
        if text.strip() == "/human":
            show_reply(
                console,
                agent.request_human(conversation, customer=record, agents_online=not offline),
            )
        else:
            show_reply(
                console, agent.send(conversation, text, customer=record, agents_online=not offline)
            )


@app.command()
def reply(
    conversation: str,
    text: str,
    agent_name: Annotated[str, typer.Option("--agent")] = "agent",
    config: ConfigOpt = None,
    server: ServerOpt = None,
    key: KeyOpt = None,
) -> None:
    """A person's line to the shopper while they own the conversation (kept for the hand-back)."""
    if server:
        from agent.service.client import conversation_path

        with _client(server, key) as client:
            client.post(
                conversation_path(conversation, "reply"), {"text": text, "agent": agent_name}
            )
    else:
        _agent(config).agent_message(conversation, text, agent=agent_name)
    console.print(f"sent to {escape(conversation)} as {escape(agent_name)}")


@app.command("pick-up")
def pick_up(
    conversation: str,
    agent_name: Annotated[str, typer.Option("--agent")] = "agent",
    config: ConfigOpt = None,
    server: ServerOpt = None,
    key: KeyOpt = None,
) -> None:
    """Take a waiting conversation (it leaves the queue; the shopper is told a person joined)."""
    if server:
        from agent.service.client import conversation_path

        with _client(server, key) as client:
            answer = client.post(conversation_path(conversation, "pick-up"), {"agent": agent_name})
        if answer.get("status") == "already_picked_up":
            console.print(f"{escape(conversation)} was already picked up")
            return
    else:
        _agent(config).picked_up(conversation, agent=agent_name)
    console.print(f"{escape(conversation)} picked up by {escape(agent_name)}")


@app.command()
def resolve(
    conversation: str,
    resolution: str,
    agent_name: Annotated[str, typer.Option("--agent")] = "agent",
    config: ConfigOpt = None,
    server: ServerOpt = None,
    key: KeyOpt = None,
) -> None:
    """Record a human agent's resolution; the conversation returns to the bot."""
    if server:
        from agent.service.client import conversation_path

        with _client(server, key) as client:
            answer = client.post(
                conversation_path(conversation, "resolve"),
                {"resolution": resolution, "agent": agent_name},
            )
        cid, mode, proposal = conversation, answer.get("mode"), answer.get("proposal")
    else:
        view = _agent(config).resolve(conversation, resolution, agent=agent_name)
        cid, mode = view.conversation_id, view.mode
        proposal = (view.resolution or {}).get("proposal")
    console.print(f"conversation {escape(cid)} resolved; mode is now {mode}")
    if proposal and proposal.startswith("p-"):
        console.print(
            f"learned-answer proposal: {escape(proposal)} (review it with `escalate kb review`)"
        )
    elif proposal:  # "no question to learn from", "failed: ...": nothing to review
        console.print(f"no learned-answer proposal: {escape(proposal)}")


@app.command()
def show(
    conversation: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config: ConfigOpt = None,
) -> None:
    """Print a conversation's transcript and its last handoff."""
    from agent.render import handoff_panel

    view = _agent(config).conversation(conversation)
    if as_json:
        console.print_json(view.model_dump_json())
        return
    for turn in view.transcript:
        console.print(f"[dim]{turn.at}[/] [bold]{turn.role}[/]: {escape(turn.text)}")
    if view.handoff:
        console.print(handoff_panel(view.handoff))
    console.print(f"mode: {view.mode}")


@app.command()
def triggers(
    vertical: Annotated[str, typer.Option()] = "general", config: ConfigOpt = None
) -> None:
    """List the sensitive topics in force for a vertical."""
    from agent.triggers import sensitive_topics

    for name in sensitive_topics(vertical, _settings(config).triggers):
        console.print(Text(name))


app.command("eval")(eval_command)
kb.command("lint")(lint_command)
app.command("report")(report_command)
app.command("outbox")(outbox_command)
app.command("inbox")(inbox_command)

from evals.bench.cli import bench_command  # noqa: E402  (light: its work is imported lazily)

app.command("bench")(bench_command)

from agent.retention.cli import forget_command, retention_command  # noqa: E402

app.command("retention")(retention_command)
app.command("forget")(forget_command)

from agent.service.serve_cli import serve_command  # noqa: E402  (light: uvicorn is imported lazily)

app.command("serve")(serve_command)


def _print_version(value: bool) -> None:
    if value:
        from agent import __version__

        console.print(f"escalate {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Options read before any command (the app's help text is set on ``app``)."""


def main() -> None:
    """Entry point: domain errors become one line and exit code 2."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except EscalationError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise SystemExit(2) from None
    except OSError as exc:  # a path the user gave: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        err.print(f"[red]error:[/] {escape(where + (exc.strerror or str(exc)))}", soft_wrap=True)
        raise SystemExit(2) from None
