"""A report as rows of (metric, value), then as a rich table or Markdown. "missing" means no data."""

from __future__ import annotations

from datetime import UTC

from rich.markup import escape
from rich.table import Table

from agent.metrics.conversion import Cohort, Conversion
from agent.metrics.report import HandoffReport
from agent.metrics.stats import Rate, Spread

MISSING = "missing"
Section = tuple[str, list[tuple[str, str]]]


def rate_text(rate: Rate) -> str:
    if rate.value is None:
        return MISSING
    return f"{rate.value:.1%} ({rate.count} of {rate.total})"


def duration_text(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def spread_text(spread: Spread) -> str:
    if spread.p50 is None or spread.p90 is None:
        return MISSING
    return f"{duration_text(spread.p50)} / {duration_text(spread.p90)} (n={spread.count})"


def _breakdown(rates: dict[str, Rate]) -> list[tuple[str, str]]:
    return [(name, rate_text(rate)) for name, rate in rates.items()] or [("(any)", MISSING)]


def _value(cohort: Cohort) -> str:
    if not cohort.purchases:
        return MISSING
    money = ", ".join(f"{c} {v:,.2f}" for c, v in cohort.value.items()) or "no values"
    return f"{money} ({cohort.purchases} purchase(s))"


def conversion_rows(found: Conversion | None) -> list[tuple[str, str]]:
    if found is None:
        return [("handoff conversion", f"{MISSING} (no outcomes recorded)")]
    return [
        ("outcomes recorded", str(found.outcomes)),
        ("converted after a handoff", rate_text(found.after_handoff.converted)),
        ("purchase value after a handoff", _value(found.after_handoff)),
        ("converted, bot only", rate_text(found.bot_only.converted)),
        ("purchase value, bot only", _value(found.bot_only)),
    ]


def sections(report: HandoffReport) -> list[Section]:
    """The report's rows, grouped; every value already formatted."""
    shift = report.sentiment
    mood = (
        f"{shift.before:+.2f} → {shift.after:+.2f} (n={shift.pairs})"
        if shift.before is not None and shift.after is not None
        else MISSING
    )
    since, until = report.since.astimezone(UTC), report.until.astimezone(UTC)
    window = f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC"
    overall = [
        ("window", window),
        ("conversations", str(report.conversations)),
        ("handoffs", str(report.handoffs)),
        ("handoff rate", rate_text(report.handoff_rate)),
        ("time to handoff (p50 / p90)", spread_text(report.time_to_handoff)),
        (
            "time to first agent message, live (p50 / p90)",
            spread_text(report.time_to_first_agent_message),
        ),
        ("handoff success rate (resolved after pickup)", rate_text(report.success_rate)),
        ("repeat-info rate", rate_text(report.repeat_info_rate)),
        ("sentiment before → after the human", mood),
    ]
    return [
        ("Handoffs", overall),
        ("Handoff rate by topic", _breakdown(report.by_topic)),
        ("Handoff rate by trigger", _breakdown(report.by_trigger)),
        ("Handoff rate by route", _breakdown(report.by_route)),
        ("Handoff rate by channel", _breakdown(report.by_channel)),
        ("Handoff rate by shopper locale", _breakdown(report.by_locale)),
        ("Handoff rate by shopper time zone", _breakdown(report.by_timezone)),
        ("Handoff conversion (purchases)", conversion_rows(report.conversion)),
    ]


def report_table(report: HandoffReport) -> Table:
    table = Table("metric", "value", title="Handoff report")
    for title, rows in sections(report):
        table.add_section()
        table.add_row(f"[bold]{title}[/]", "")
        for name, value in rows:
            table.add_row(f"  {escape(name)}", escape(value))
    return table


def report_markdown(report: HandoffReport) -> str:
    lines = ["# Handoff report", ""]
    for title, rows in sections(report):
        lines += [f"## {title}", "", "| metric | value |", "|---|---|"]
        lines += [f"| {_cell(name)} | {_cell(value)} |" for name, value in rows]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
