"""The shopper's channel, locale and time zone, end to end: the handoff package, the ticket,
the routing rules, the metric events and the report, and the promised reply time."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.helpdesk import freshdesk, gorgias, zendesk
from agent.helpdesk.ticket import note_text, tags
from agent.language import locale_language
from agent.metrics import EventLog, handoff_report
from agent.metrics.render import report_markdown
from agent.ops.rules import RouteFacts, RoutingRule
from tests.agent.test_operations import (
    DAMAGED,
    DANA,
    STORE_TOML,
    THURSDAY_10PM,
    Clock,
    make_agent,
    store_settings,
)

EMAIL_DESK = """
[handoff.queues.email_desk]
team = "our email desk"

[[handoff.rules]]
name = "northwind.email"
queue = "email_desk"
channels = ["email"]
"""


def test_an_off_shift_shopper_is_promised_a_time_on_their_own_clock(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(THURSDAY_10PM))
    # 22:00 Thursday in New York is 03:00 Friday in Lisbon; the team opens at 14:00 there
    lisbon = agent.send("tz1", DAMAGED, customer=DANA, timezone="Europe/Lisbon")
    assert lisbon.messages[1] == (
        "You'll hear back by email at dana@example.com today at 2 PM your time "
        "(9 AM Eastern time), when the team is back."
    )
    tokyo = agent.send("tz2", DAMAGED, customer=DANA, timezone="Asia/Tokyo")
    assert "today at 11 PM your time (9 AM Eastern time)" in tokyo.messages[1]
    unknown = agent.send("tz3", DAMAGED, customer=DANA)
    assert "tomorrow at 9 AM Eastern time" in unknown.messages[1]
    agent.close()


def test_the_promise_is_in_the_shoppers_language_on_their_clock(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(THURSDAY_10PM))
    text = "A minha encomenda NW-10482 chegou danificada, quero falar com uma pessoa."
    reply = agent.send("tz4", text, customer=DANA, timezone="Europe/Lisbon", locale="pt-PT")
    assert reply.language == "pt"
    assert "hoje às 14h no seu horário (9h, horário do leste dos EUA)" in reply.messages[1]
    agent.close()


def test_the_locale_sets_the_language_when_nothing_else_does(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(THURSDAY_10PM))
    pressed = agent.request_human("loc1", customer=DANA, locale="es-MX")
    assert pressed.language == "es"
    assert agent.request_human("loc2", customer=DANA, locale="ja-JP").language == "en"
    assert agent.request_human("loc3", customer=DANA).language == "en"
    agent.close()
    assert locale_language("pt-BR", frozenset({"pt", "en"})) == "pt"
    assert locale_language("zz", frozenset({"en"})) is None
    assert locale_language(None, frozenset({"en"})) is None


def test_channel_locale_and_zone_reach_the_package_and_every_ticket(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(THURSDAY_10PM))
    reply = agent.send(
        "t1", DAMAGED, customer=DANA, channel="email", locale="pt-PT", timezone="Europe/Lisbon"
    )
    package = reply.handoff
    assert (package.channel, package.locale, package.timezone) == (
        "email",
        "pt-PT",
        "Europe/Lisbon",
    )
    line = "SHOPPER: email · language en · locale pt-PT · time zone Europe/Lisbon (03:00 there at handoff)"
    assert line in note_text(package).splitlines()
    assert "escalate_channel_email" in tags(package)
    assert line in zendesk.ticket_body(package, "k")["comment"]["body"]
    assert "escalate_channel_email" in freshdesk.ticket_body(package)["tags"]
    assert any(line in m["body_text"] for m in gorgias.ticket_body(package, "k", "a@x")["messages"])
    plain = agent.send("t2", DAMAGED, customer=DANA).handoff
    assert plain.channel is None and not any(t.startswith("escalate_channel") for t in tags(plain))
    assert not any(ln.startswith("SHOPPER:") for ln in note_text(plain).splitlines())
    agent.close()


def test_a_rule_may_route_by_channel(tmp_path):
    rule = RoutingRule(name="r", queue="q", channels=["email", "social"])
    assert rule.matches(RouteFacts(channel="email"))
    assert not rule.matches(RouteFacts(channel="chat"))
    assert not rule.matches(RouteFacts())  # no channel said: no match
    agent = make_agent(store_settings(tmp_path, STORE_TOML + EMAIL_DESK), Clock(THURSDAY_10PM))
    by_email = agent.send("r1", DAMAGED, customer=DANA, channel="email").handoff
    assert (by_email.route, by_email.route_rule) == ("email_desk", "northwind.email")
    by_chat = agent.send("r2", DAMAGED, customer=DANA, channel="chat").handoff
    assert by_chat.route != "email_desk"
    agent.close()


def test_the_report_breaks_handoffs_down_by_channel(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(THURSDAY_10PM))
    agent.send("m1", DAMAGED, customer=DANA, channel="email")
    agent.send("m2", "What is your return policy?", channel="email")
    agent.send("m3", "What is your return policy?", channel="chat")
    agent.send("m4", "What is your return policy?")
    report = handoff_report(EventLog(agent.store), now=datetime(2026, 11, 21, tzinfo=UTC))
    rates = {k: (r.count, r.total) for k, r in report.by_channel.items()}
    assert rates == {"email": (1, 2), "chat": (0, 1), "(not given)": (0, 1)}
    [handoff] = EventLog(agent.store).events("handoff")
    assert handoff.channel == "email"
    markdown = report_markdown(report)
    assert "## Handoff rate by channel" in markdown and "| email | 50.0% (1 of 2) |" in markdown
    agent.close()


def test_the_report_breaks_handoffs_down_by_locale_and_time_zone(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(THURSDAY_10PM))
    agent.send("l1", DAMAGED, customer=DANA, locale="pt-PT", timezone="Europe/Lisbon")
    agent.send("l2", "What is your return policy?", locale="pt-PT", timezone="Europe/Lisbon")
    agent.send("l3", "What is your return policy?", locale="en-US", timezone="America/New_York")
    agent.send("l4", "What is your return policy?")
    report = handoff_report(EventLog(agent.store), now=datetime(2026, 11, 21, tzinfo=UTC))
    locales = {k: (r.count, r.total) for k, r in report.by_locale.items()}
    zones = {k: (r.count, r.total) for k, r in report.by_timezone.items()}
    assert locales == {"pt-PT": (1, 2), "en-US": (0, 1), "(not given)": (0, 1)}
    assert zones == {"Europe/Lisbon": (1, 2), "America/New_York": (0, 1), "(not given)": (0, 1)}
    [handoff] = EventLog(agent.store).events("handoff")
    assert (handoff.locale, handoff.timezone) == ("pt-PT", "Europe/Lisbon")
    markdown = report_markdown(report)
    assert "## Handoff rate by shopper locale" in markdown
    assert "| Europe/Lisbon | 50.0% (1 of 2) |" in markdown
    agent.close()
