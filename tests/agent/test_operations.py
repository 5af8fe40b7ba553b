"""Handoff operations end to end through the public runtime: routing rules from a store's TOML,
business hours and the one email question, the honest wait, helpdesk delivery through the
outbox (a webhook that is down, then up), and the metrics recorded along the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx

from agent.errors import InputError
from agent.helpdesk.local_inbox import LocalInbox
from agent.helpdesk.webhook import verify
from agent.metrics import EventLog, handoff_report
from agent.ops.email_ask import EMAIL_QUESTION, NO_EMAIL_NOTE
from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever, chunk

# Friday 20 November 2026, 10:00 in New York (15:00 UTC): the store is open.
FRIDAY_10AM = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
# Thursday 19 November 2026, 22:00 in New York: closed until tomorrow 9 AM.
THURSDAY_10PM = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
# Saturday 21 November 2026, 11:00 in New York: closed until Monday.
SATURDAY_11AM = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)

DANA = {
    "name": "Dana Reyes",
    "email": "dana@example.com",
    "tier": "standard",
    "orders": [{"id": "NW-10482", "status": "delivered", "total": 129.0, "currency": "USD"}],
}
NO_EMAIL = {"name": "Lee Park"}  # a record without an address
DAMAGED = "My order NW-10482 arrived damaged, I want to talk to a person."
RETURN_TO_PERSON = "I want to return my jacket, can I talk to a person?"

STORE_TOML = """
store_name = "Northwind"

[handoff.hours]
timezone = "America/New_York"
weekly = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00" }

[handoff.queues.returns_desk]
team = "our returns desk"
skills = ["returns", "exchanges"]

[[handoff.rules]]
name = "northwind.returns"
queue = "returns_desk"
intents = ["returns"]
"""

WEBHOOK_URL = "https://hooks.northwind.example/escalate/handoffs"
WEBHOOK_SECRET = "whsec_0123456789abcdef"


class Clock:
    """The runtime's clock; a test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def store_settings(tmp_path, text: str = STORE_TOML, **overrides) -> Settings:
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    return Settings.load(path, data_dir=tmp_path / "data", **overrides)


def make_agent(settings: Settings, clock: Clock) -> EscalationAgent:
    return EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), clock=clock)


@pytest.fixture
def open_store(tmp_path):
    """The store's TOML on a Friday morning in New York."""
    clock = Clock(FRIDAY_10AM)
    agent = make_agent(store_settings(tmp_path), clock)
    yield agent, clock
    agent.close()


@pytest.fixture
def closed_store(tmp_path):
    """The store's TOML on a Thursday night in New York."""
    clock = Clock(THURSDAY_10PM)
    agent = make_agent(store_settings(tmp_path), clock)
    yield agent, clock
    agent.close()


def inbox_ids(agent: EscalationAgent) -> list[str]:
    return [t.id for t in LocalInbox(agent.store).tickets()]


# -- routing rules --------------------------------------------------------------------------


def test_a_store_rule_from_its_toml_routes_to_the_store_queue_and_is_recorded(open_store):
    agent, _ = open_store
    reply = agent.send("r1", RETURN_TO_PERSON, customer=DANA)
    assert reply.kind == "handoff"
    package = reply.handoff
    assert (package.route, package.route_rule) == ("returns_desk", "northwind.returns")
    assert package.team == "our returns desk"
    assert "our returns desk" in reply.messages[0]
    [ticket] = LocalInbox(agent.store).tickets()  # delivered during the turn
    assert (ticket.id, ticket.route) == (package.id, "returns_desk")
    [event] = EventLog(agent.store).events("handoff")
    assert (event.route, event.rule) == ("returns_desk", "northwind.returns")


def test_with_no_store_rule_matching_the_built_in_rule_is_recorded(open_store):
    agent, _ = open_store
    reply = agent.send("r2", DAMAGED, customer=DANA)
    assert reply.kind == "handoff"
    assert reply.handoff.route == "orders"
    assert reply.handoff.route_rule == "default.intent_orders"


def test_a_store_without_rules_records_the_built_in_rule(tmp_path):
    agent = make_agent(Settings.load(data_dir=tmp_path / "data"), Clock(FRIDAY_10AM))
    reply = agent.send("r3", RETURN_TO_PERSON, customer=DANA)
    # a return asked for is an account action (the return_request rule): its built-in rule
    assert (reply.handoff.route, reply.handoff.route_rule) == ("orders", "default.account_action")


# -- business hours and the one email question ------------------------------------------------


def test_off_shift_with_an_email_on_record_the_shopper_hears_when_the_team_is_back(closed_store):
    agent, _ = closed_store
    reply = agent.send("h1", DAMAGED, customer=DANA)
    assert reply.kind == "handoff"
    assert reply.handoff.shopper_messages.mode == "offline_ticket"
    assert reply.handoff.id in reply.messages[0]
    assert reply.messages[1] == (
        "You'll hear back by email at dana@example.com tomorrow at 9 AM Eastern time, "
        "when the team is back."
    )
    assert not any(EMAIL_QUESTION in m for m in reply.messages)
    assert agent.outbox.get(reply.handoff.id).status == "delivered"
    assert inbox_ids(agent) == [reply.handoff.id]


def test_off_shift_on_a_weekend_the_next_opening_is_monday(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(SATURDAY_11AM))
    reply = agent.send("h2", DAMAGED, customer=DANA)
    assert reply.handoff.shopper_messages.mode == "offline_ticket"
    assert "on Monday at 9 AM Eastern time" in reply.messages[1]


def test_a_queue_with_its_own_hours_is_live_while_the_others_are_closed(tmp_path):
    weekend_returns = (
        STORE_TOML + '\n[handoff.queues.returns_desk.hours]\nweekly = { sat = "10:00-14:00" }\n'
    )
    agent = make_agent(store_settings(tmp_path, weekend_returns), Clock(SATURDAY_11AM))
    returns = agent.send("q1", RETURN_TO_PERSON, customer=DANA)
    assert returns.handoff.route == "returns_desk"
    assert returns.handoff.shopper_messages.mode == "live"  # New York time, from handoff.hours
    orders = agent.send("q2", DAMAGED, customer=DANA)
    assert orders.handoff.shopper_messages.mode == "offline_ticket"
    assert "on Monday at 9 AM Eastern time" in orders.messages[1]


def test_a_holiday_closes_the_day_and_the_next_opening_skips_it(tmp_path):
    thanksgiving = STORE_TOML.replace(
        'timezone = "America/New_York"',
        'timezone = "America/New_York"\nholidays = [2026-11-26]',
    )
    wednesday_10pm = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    agent = make_agent(store_settings(tmp_path, thanksgiving), Clock(wednesday_10pm))
    reply = agent.send("q3", DAMAGED, customer=DANA)
    assert "on Friday at 9 AM Eastern time" in reply.messages[1]


def test_off_shift_with_no_email_the_one_question_is_asked_and_the_ticket_held(closed_store):
    agent, _ = closed_store
    reply = agent.send("h3", DAMAGED, customer=NO_EMAIL)
    assert reply.handoff.shopper_messages.mode == "offline_ticket"
    assert reply.messages[1] == (
        f"They'll reply tomorrow at 9 AM Eastern time, when the team is back. {EMAIL_QUESTION}"
    )
    item = agent.outbox.get(reply.handoff.id)
    assert item.status == "pending"
    assert inbox_ids(agent) == []
    assert agent.deliver_pending().delivered == []  # held for the answer


def test_an_email_in_the_answer_goes_on_the_ticket_which_is_delivered_then(closed_store):
    agent, _ = closed_store
    hid = agent.send("h4", DAMAGED, customer=NO_EMAIL).handoff.id
    answer = agent.send("h4", "Sure, it's lee.park+shop@Example.com thanks")
    assert answer.kind == "notice"
    assert answer.messages == [
        "Thanks: the ticket now has lee.park+shop@example.com, and the team's reply will go there."
    ]
    assert agent.outbox.get(hid).status == "delivered"
    [ticket] = LocalInbox(agent.store).tickets()
    assert ticket.id == hid
    assert "lee.park+shop@example.com" in ticket.handoff().shared_details.emails
    assert agent.conversation("h4").mode == "human"
    # asked once: what comes next goes to the person, unanswered
    later = agent.send("h4", "Also, the box was wet.")
    assert later.kind == "with_human" and later.messages == []


def test_an_email_given_once_is_not_asked_for_again_on_a_later_ticket(closed_store):
    agent, clock = closed_store
    agent.send("h9", DAMAGED, customer=NO_EMAIL)
    agent.send("h9", "lee@example.com")
    agent.resolve("h9", "We've sent a replacement.", agent="sam")
    clock.advance(minutes=30)  # still off shift
    again = agent.send("h9", "The replacement is torn too, I want to talk to a person.")
    assert again.kind == "handoff"
    assert again.handoff.shopper_messages.mode == "offline_ticket"
    assert not any(EMAIL_QUESTION in m for m in again.messages)
    assert "by email at lee@example.com" in again.messages[1]
    assert agent.outbox.get(again.handoff.id).status == "delivered"  # nothing to wait for


def test_a_ticket_resolved_before_the_email_answer_leaves_the_next_ticket_its_question(
    closed_store,
):
    agent, clock = closed_store
    agent.send("h10", DAMAGED, customer=NO_EMAIL)
    agent.resolve("h10", "Sorted by phone: a replacement is on its way.", agent="sam")
    clock.advance(minutes=30)
    again = agent.send("h10", "It's torn again, I want to talk to a person.")
    assert again.handoff.shopper_messages.mode == "offline_ticket"
    assert EMAIL_QUESTION in again.messages[1]  # this ticket's one question
    assert agent.outbox.get(again.handoff.id).status == "pending"  # held for the answer


def test_declining_to_give_an_email_sends_the_ticket_and_the_reply_comes_in_chat(closed_store):
    agent, _ = closed_store
    hid = agent.send("h5", DAMAGED, customer=NO_EMAIL).handoff.id
    answer = agent.send("h5", "I'd rather not, thanks")
    assert answer.kind == "notice" and answer.messages == [NO_EMAIL_NOTE]
    assert agent.outbox.get(hid).status == "delivered"
    [ticket] = LocalInbox(agent.store).tickets()
    assert ticket.handoff().shared_details.emails == []
    later = agent.send("h5", "ok, hello?")
    assert later.kind == "with_human" and later.messages == []  # never asked twice


def test_no_answer_at_all_sends_the_ticket_after_the_email_wait(closed_store):
    agent, clock = closed_store
    hid = agent.send("h6", DAMAGED, customer=NO_EMAIL).handoff.id
    wait = agent.settings.handoff.email_wait_minutes
    clock.advance(minutes=wait - 1)
    assert agent.deliver_pending().delivered == []
    assert agent.outbox.get(hid).status == "pending"
    clock.advance(minutes=1)
    assert agent.deliver_pending().delivered == [hid]
    assert inbox_ids(agent) == [hid]
    assert agent.deliver_pending().delivered == []  # once


def test_an_email_given_after_the_ticket_went_is_not_claimed_to_be_on_it(closed_store):
    agent, clock = closed_store
    hid = agent.send("h7", DAMAGED, customer=NO_EMAIL).handoff.id
    clock.advance(minutes=agent.settings.handoff.email_wait_minutes)
    assert agent.deliver_pending().delivered == [hid]
    late = agent.send("h7", "oh sorry, it's lee@example.com")
    assert late.kind == "notice"
    assert not any("the ticket now has" in m for m in late.messages)
    assert any("lee@example.com" in m for m in late.messages)
    assert len(LocalInbox(agent.store).tickets()) == 1  # nothing sent twice


def test_on_shift_with_nobody_on_it_the_handoff_is_an_offline_ticket(open_store):
    agent, _ = open_store
    agent.set_staff("orders", 0)
    reply = agent.send("h8", DAMAGED, customer=DANA)
    assert reply.handoff.shopper_messages.mode == "offline_ticket"
    assert not reply.handoff.agents_online
    # the store is open, so no reopening is named ("now, when the team is back" would be false)
    assert reply.messages[1] == "You'll hear back by email at dana@example.com within 24 hours."
    assert inbox_ids(agent) == [reply.handoff.id]


# -- the honest wait ----------------------------------------------------------------------------


def test_the_wait_comes_from_the_queue_board_and_moves_with_it(open_store):
    agent, clock = open_store
    agent.set_staff("orders", 1)
    first = agent.send("w1", DAMAGED)
    assert first.messages[1] == "You're next in line; the wait is about 3–8 minutes."
    clock.advance(seconds=10)
    agent.send("w2", DAMAGED)
    clock.advance(seconds=10)
    third = agent.send("w3", DAMAGED)
    assert third.handoff.route == "orders"
    # 3 in line, 1 agent, 5 min typical handle time, a 0.75x-1.5x window: 11.25-22.5 min
    assert third.messages[1] == "You're number 3 in line; the wait is about 11–23 minutes."
    assert "1 on shift, 2 ahead" in third.handoff.wait_basis

    agent.picked_up("w1", agent="sam")
    clock.advance(seconds=10)
    fourth = agent.send("w4", DAMAGED)
    assert fourth.messages[1].startswith("You're number 3 in line")  # w1 left the line


def test_a_second_update_goes_once_to_each_shopper_still_waiting_after_two_minutes(open_store):
    agent, clock = open_store
    agent.set_staff("orders", 1)
    for cid in ("w1", "w2", "w3"):
        agent.send(cid, DAMAGED)
        clock.advance(seconds=10)
    assert agent.due_updates() == []  # nobody has waited two minutes
    clock.advance(seconds=100)  # w1 waited 2:10, w2 2:00, w3 1:50
    agent.picked_up("w1")
    updates = agent.due_updates()
    assert [u.conversation_id for u in updates] == ["w2"]
    assert updates[0].kind == "notice"
    assert updates[0].messages == [
        "Thanks for waiting, we haven't forgotten you. "
        "You're next in line; the wait is about 3–8 minutes."
    ]
    assert agent.due_updates() == []  # exactly once
    clock.advance(seconds=10)
    assert [u.conversation_id for u in agent.due_updates()] == ["w3"]
    assert agent.due_updates() == []


def test_an_offline_ticket_gets_no_wait_update(closed_store):
    agent, clock = closed_store
    agent.send("w9", DAMAGED, customer=DANA)
    clock.advance(minutes=10)
    assert agent.due_updates() == []


def test_a_resolved_handoff_gets_no_update(open_store):
    agent, clock = open_store
    agent.send("w1", DAMAGED)
    agent.resolve("w1", "Replacement sent for NW-10482.", agent="sam")
    clock.advance(minutes=5)
    assert agent.due_updates() == []


def test_staff_for_an_unknown_queue_or_a_negative_count_is_refused(open_store):
    agent, _ = open_store
    with pytest.raises(InputError, match="no queue"):
        agent.set_staff("nowhere", 1)
    with pytest.raises(InputError):
        agent.set_staff("orders", -1)
    agent.set_staff("returns_desk", 2)  # a store-defined queue is known


# -- the helpdesk is down -----------------------------------------------------------------------


@pytest.fixture
def webhook_store(tmp_path):
    clock = Clock(FRIDAY_10AM)
    settings = Settings.load(
        data_dir=tmp_path / "data",
        store_name="Northwind",
        helpdesk={
            "kind": "webhook",
            "webhook": {"url": WEBHOOK_URL, "secret": WEBHOOK_SECRET},
            "backoff_s": 30,
        },
    )
    agent = make_agent(settings, clock)
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield agent, clock, mock
    agent.close()


@pytest.mark.parametrize(
    "outage",
    [
        httpx.Response(503, json={"error": "down for maintenance"}),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
    ],
    ids=["503", "unreachable", "timeout"],
)
def test_a_helpdesk_outage_keeps_the_handoff_and_delivers_it_later_exactly_once(
    webhook_store, outage
):
    agent, clock, mock = webhook_store
    route = mock.post(WEBHOOK_URL).mock(
        side_effect=[outage, httpx.Response(200, json={"id": "case-311"})]
    )
    reply = agent.send("d1", DAMAGED, customer=DANA)
    assert reply.kind == "handoff"  # the shopper never sees the outage
    assert reply.handoff.shopper_messages.mode == "live"
    assert len(reply.messages) == 2  # confirmation, wait (no store line to do meanwhile)
    hid = reply.handoff.id

    item = agent.outbox.get(hid)
    assert item.status == "pending" and item.attempts == 0
    assert route.call_count == 0  # the turn only queues it: a helpdesk never slows a turn

    assert agent.deliver_pending().retrying == [hid]
    assert agent.outbox.get(hid).last_error
    assert route.call_count == 1
    assert agent.deliver_pending().delivered == []  # backing off
    assert route.call_count == 1
    clock.advance(seconds=30)
    assert agent.deliver_pending().delivered == [hid]
    assert agent.deliver_pending().delivered == []
    assert route.call_count == 2

    item = agent.outbox.get(hid)
    assert (item.status, item.external_id) == ("delivered", "case-311")
    for call in route.calls:
        request = call.request
        assert request.headers["idempotency-key"] == hid
        sent_at = int(request.headers["webhook-timestamp"])
        assert verify(request.content, request.headers, WEBHOOK_SECRET, now=sent_at)

    later = agent.send("d1", "Any news?")  # the conversation carries on with the person
    assert later.kind == "with_human"
    assert route.call_count == 2


def test_a_helpdesk_refusal_keeps_the_handoff_as_failed_until_retried(webhook_store, caplog):
    agent, _, mock = webhook_store
    route = mock.post(WEBHOOK_URL).mock(
        side_effect=[
            httpx.Response(401, text="bad signature"),
            httpx.Response(200, json={"id": "case-312"}),
        ]
    )
    reply = agent.send("d3", DAMAGED, customer=DANA)
    assert reply.kind == "handoff"
    hid = reply.handoff.id
    assert agent.deliver_pending().failed == [hid]
    item = agent.outbox.get(hid)
    assert item.status == "failed" and "401" in item.last_error
    assert any(hid in r.getMessage() and "401" in r.getMessage() for r in caplog.records)
    assert agent.deliver_pending().delivered == []  # a refusal is not retried on its own
    assert route.call_count == 1
    agent.outbox.retry(hid)  # someone fixed the secret
    assert agent.deliver_pending().delivered == [hid]
    assert route.call_count == 2


def test_pending_items_are_listed_with_their_error_while_the_helpdesk_is_down(webhook_store):
    agent, _, mock = webhook_store
    mock.post(WEBHOOK_URL).respond(503, json={"error": "down for maintenance"})
    hid = agent.send("d2", DAMAGED, customer=DANA).handoff.id
    agent.deliver_pending()
    [item] = agent.outbox.pending()
    assert item.handoff_id == hid
    assert "503" in item.last_error and "down for maintenance" in item.last_error


# -- metrics ------------------------------------------------------------------------------------


RETURN_WINDOW_Q = "How many days do I have to return unworn items?"


def test_the_report_gives_the_hand_computed_numbers(tmp_path):
    clock = Clock(FRIDAY_10AM)
    agent = make_agent(Settings.load(data_dir=tmp_path / "data", store_name="Northwind"), clock)

    # c1: answered by the bot, never handed off
    assert agent.send("c1", RETURN_WINDOW_Q).kind == "answer"

    # c2: answered, handed off 60 s after the start, picked up, a reply at +90 s, resolved
    assert agent.send("c2", RETURN_WINDOW_Q).kind == "answer"
    clock.advance(seconds=60)
    assert agent.send("c2", "I want to talk to a person").kind == "handoff"
    clock.advance(seconds=30)
    agent.picked_up("c2", agent="sam")
    clock.advance(seconds=60)
    agent.agent_message("c2", "Hi, I'm looking at your order now.", agent="sam")
    clock.advance(seconds=120)
    agent.resolve("c2", "All sorted: a replacement is on its way.", agent="sam")

    # c3: handed off at its first message, still waiting
    clock.advance(seconds=5)
    assert agent.send("c3", DAMAGED).kind == "handoff"

    # c4: answered, handed off 120 s later, picked up, never resolved
    clock.advance(seconds=5)
    assert agent.send("c4", RETURN_WINDOW_Q).kind == "answer"
    clock.advance(seconds=120)
    assert agent.send("c4", "Can I speak to a human?").kind == "handoff"
    clock.advance(seconds=45)
    agent.picked_up("c4", agent="kim")

    report = handoff_report(EventLog(agent.store), days=7, now=clock() + timedelta(seconds=1))
    assert report.conversations == 4
    assert report.handoffs == 3
    assert (report.handoff_rate.count, report.handoff_rate.total) == (3, 4)
    # time to handoff: 60, 0, 120 s -> median 60, p90 60 + 0.8 x 60
    assert report.time_to_handoff.count == 3
    assert (report.time_to_handoff.p50, report.time_to_handoff.p90) == (60.0, 108.0)
    # only c2's person wrote, 90 s after the handoff
    assert report.time_to_first_agent_message.count == 1
    assert report.time_to_first_agent_message.p50 == 90.0
    # picked up: c2 and c4; resolved after pickup: c2
    assert (report.success_rate.count, report.success_rate.total) == (1, 2)
    assert sum(r.count for r in report.by_route.values()) == 3
    agent.close()


def test_repeated_details_and_the_mood_with_the_person_are_measured(tmp_path):
    clock = Clock(FRIDAY_10AM)
    agent = make_agent(Settings.load(data_dir=tmp_path / "data"), clock)
    agent.send("m1", DAMAGED, customer=DANA)  # the package has NW-10482
    clock.advance(seconds=30)
    agent.send("m1", "Hello? It's order NW-10482, as I said.")  # repeated
    agent.send("m2", "This is useless, I want to talk to a person!", customer=DANA)
    clock.advance(seconds=30)
    agent.send("m2", "Thank you so much, that's great!")  # nothing repeated, happier
    agent.resolve("m2", "Glad we could help.", agent="sam")
    report = handoff_report(EventLog(agent.store), now=clock() + timedelta(seconds=1))
    assert (report.repeat_info_rate.count, report.repeat_info_rate.total) == (1, 2)
    assert report.sentiment.pairs == 2
    assert report.sentiment.after > report.sentiment.before


def test_questions_in_the_metrics_log_carry_no_personal_data(tmp_path):
    agent = make_agent(Settings.load(data_dir=tmp_path / "data"), Clock(FRIDAY_10AM))
    agent.send(
        "p1",
        "Hi, it's Dana Reyes (dana@example.com). How many days do I have to return "
        "unworn items from order NW-10482?",
        customer=DANA,
    )
    agent.send(
        "p2",
        "This is Dana Reyes, dana@example.com: my order NW-10482 arrived torn. "
        "Can I talk to a human please?",
        customer=DANA,
    )
    events = EventLog(agent.store).events()
    questions = [q for e in events if e.type == "handoff" for q in e.questions]
    questions += [e.question for e in events if e.type == "bot_answered"]
    assert questions and any(e.type == "handoff" for e in events)
    for question in questions:
        for secret in ("Dana", "Reyes", "dana@example.com", "NW-10482"):
            assert secret not in question, (secret, question)


def test_a_topic_answered_once_and_handed_off_once_has_a_fifty_percent_rate(tmp_path):
    """An explicit request on the same subject counts under the same topic as the answer."""
    clock = Clock(FRIDAY_10AM)
    agent = make_agent(Settings.load(data_dir=tmp_path / "data"), clock)
    assert agent.send("t1", RETURN_WINDOW_Q).kind == "answer"
    handed = agent.send("t2", f"{RETURN_WINDOW_Q} I want to talk to a person.")
    assert handed.kind == "handoff" and handed.handoff.triggers[0].kind == "explicit"
    report = handoff_report(EventLog(agent.store), now=clock() + timedelta(seconds=1))
    [(topic, rate)] = [(t, r) for t, r in report.by_topic.items() if "returns.md" in t]
    assert (rate.count, rate.total) == (1, 2), report.by_topic


def test_a_question_no_document_is_about_is_not_named_after_one(tmp_path):
    clock = Clock(FRIDAY_10AM)
    agent = make_agent(Settings.load(data_dir=tmp_path / "data"), clock)
    assert agent.send("t3", "Do you offer gift wrapping?").kind == "handoff"
    [event] = EventLog(agent.store).events("handoff")
    assert ".md" not in (event.topic or "")


# -- the handoff package ------------------------------------------------------------------------


def test_an_unapproved_learned_answer_never_reaches_the_agent_through_a_handoff(tmp_path):
    """Retrieval drops a learned chunk whose proposal is not approved; so does the handoff's
    own search on an immediate trigger (what the person is offered as a suggestion)."""
    unapproved = chunk(
        "learned/p-0000000000#0",
        "Gift wrapping is free on every order, always, and we add a 50% discount.",
        "Learned answer",
        "Do you offer gift wrapping?",
    ).model_copy(update={"source": "learned", "provenance": "learned answer p-0000000000"})
    agent = EscalationAgent(
        Settings.load(data_dir=tmp_path / "data"),
        retriever=LexicalRetriever([*SAMPLE_KB, unapproved]),
        clock=Clock(FRIDAY_10AM),
    )
    reply = agent.send("k1", "Do you offer gift wrapping? Let me talk to a person.")
    assert reply.kind == "handoff" and reply.handoff.triggers[0].kind == "explicit"
    package = reply.handoff
    assert all(c.source != "learned" for c in package.suggested_resolution.citations)
    for text in (package.suggested_resolution.text, package.context_block, package.summary):
        assert "50% discount" not in text and "free on every order" not in text
