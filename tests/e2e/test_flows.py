"""The three flows of people using the service, in a real browser.

(a) a shopper chats, is answered, asks for a person; (b) an agent picks up in the inbox,
replies (the shopper's page shows it) and resolves; (c) a curator edits and approves the
proposal, and a new shopper gets the learned answer. Each takes screenshots for the README.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from agent.learning.book import ProposalBook
from tests.e2e.conftest import DESKTOP, Service, shoot
from tests.service.pages_world import GIFT_A, GIFT_Q

WAIT_MS = 20_000


def shopper(browser: Browser, service: Service) -> Page:
    """A shopper's page: the chat asks for the widget key once, then the widget is there."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{service.url}/chat")
    page.get_by_label("Widget key").fill(service.world.keys["widget"])
    page.get_by_role("button", name="Start chatting").click()
    expect(page.get_by_label("Your message")).to_be_visible()
    return page


def ask(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")  # the keyboard sends, no mouse needed
    expect(page.get_by_role("button", name="Send")).to_be_enabled(timeout=WAIT_MS)


def conversation_id(page: Page) -> str:
    return page.locator("#cid").inner_text()


def log_in(browser: Browser, service: Service, role: str, label: str, name: str) -> Page:
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{service.url}/{'inbox' if role == 'agent' else 'review'}")
    expect(page.get_by_role("alert")).to_contain_text(f"for the {role} role")
    page.get_by_label(label).check()
    page.get_by_label("API key for that role").fill(service.world.keys[role])
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Log in").click()
    return page


def test_a_shopper_is_answered_then_asks_for_a_person(browser: Browser, service: Service):
    page = shopper(browser, service)
    page.keyboard.press("Tab")  # from the keyboard: the skip link first, with a visible ring
    focused = page.evaluate(
        "() => [document.activeElement.textContent, getComputedStyle(document.activeElement)"
        ".outlineStyle, getComputedStyle(document.activeElement).outlineWidth]"
    )
    assert focused == ["Skip to content", "solid", "3px"]
    ask(page, "How long do refunds take?")
    log = page.get_by_label("Messages")
    expect(log.locator(".msg.bot").first).to_contain_text("5 business days", timeout=WAIT_MS)
    expect(log.locator(".msg.sources")).to_contain_text("Returns › Refund timing")
    shoot(page, "chat-answered")
    page.get_by_role("button", name="Talk to a person").click()
    expect(log.locator(".msg.bot").filter(has_text="passing")).to_be_visible(timeout=WAIT_MS)
    cid = conversation_id(page)
    view = service.world.agent.conversation(cid)
    assert view.mode == "human" and view.handoff is not None
    assert any(h.kind == "explicit" for h in view.handoff.triggers)
    shoot(page, "chat-handoff")


def test_an_agent_picks_up_replies_and_resolves(browser: Browser, service: Service):
    shop = shopper(browser, service)
    ask(shop, GIFT_Q)  # the KB does not say: a person is needed
    log = shop.get_by_label("Messages")
    expect(log.locator(".msg.bot").filter(has_text="passing")).to_be_visible(timeout=WAIT_MS)
    cid = conversation_id(shop)

    desk = log_in(browser, service, "agent", "Agent (inbox)", "Priya")
    expect(desk.get_by_role("heading", name="Inbox")).to_be_visible()
    row = desk.get_by_role("row").filter(has_text=cid)
    expect(row).to_contain_text("low confidence")
    expect(row).to_contain_text(re.compile(r"\d+ s|\d+ min"))
    shoot(desk, "inbox")
    row.get_by_role("link", name=cid).click()
    expect(desk.get_by_role("heading", name="Suggested resolution")).to_be_visible()
    expect(desk.get_by_role("heading", name="Transcript")).to_be_visible()
    expect(desk.locator(".transcript")).to_contain_text(GIFT_Q)
    desk.get_by_role("button", name="Pick up").click()
    expect(desk.get_by_role("status")).to_contain_text("You picked this conversation up")
    expect(log).to_contain_text("Priya has joined the conversation", timeout=WAIT_MS)
    shoot(desk, "handoff")

    desk.get_by_label("Reply to the shopper").fill("Let me check the gift options for you.")
    desk.get_by_role("button", name="Send reply").click()
    expect(desk.get_by_role("status")).to_contain_text("Your reply was sent")
    expect(log.locator(".msg.agent")).to_contain_text(
        "Let me check the gift options for you.", timeout=WAIT_MS
    )
    shoot(shop, "chat-agent-reply")
    shop.reload()  # the conversation survives a reload, each line once, still listening
    expect(log.locator(".msg.agent")).to_have_count(1, timeout=WAIT_MS)
    expect(log.locator(".msg.shopper").first).to_contain_text(GIFT_Q)

    desk.get_by_label(re.compile("^Resolution")).fill(GIFT_A)
    desk.get_by_role("button", name="Resolve").click()
    expect(desk.get_by_role("status")).to_contain_text("Resolved")
    expect(log).to_contain_text("Priya has finished", timeout=WAIT_MS)
    assert service.world.agent.conversation(cid).mode == "bot"
    desk.get_by_role("link", name="← Inbox").click()
    expect(desk.locator("main")).not_to_contain_text(cid)


def test_a_curator_approves_and_a_new_shopper_gets_the_learned_answer(
    browser: Browser, service: Service
):
    agent = service.world.agent  # the proposal comes from a resolved handoff (flow b)
    agent.send("earlier", GIFT_Q)
    agent.resolve("earlier", GIFT_A, agent="Priya")
    [proposal] = ProposalBook(agent.store).all("pending")

    desk = log_in(browser, service, "curator", "Curator (review)", "Kim")
    card = desk.locator(f"article#{proposal.id}")
    expect(card).to_contain_text(GIFT_Q)
    expect(card).to_contain_text("No flags")
    shoot(desk, "review")
    card.get_by_label("Edited answer").fill(GIFT_A.replace("add it", "choose it"))
    card.get_by_label("Why you changed it").fill("clearer wording")
    card.get_by_role("button", name="Preview the edit").click()
    expect(desk.locator(".side.before del")).to_have_text("add")
    expect(desk.locator(".side.after ins")).to_have_text("choose")
    expect(desk.locator(".side.before")).to_contain_text(GIFT_A)
    shoot(desk, "review-diff")
    desk.get_by_role("button", name="Approve the edited answer").click()
    expect(desk.get_by_role("status")).to_contain_text("Edited and approved")
    assert ProposalBook(agent.store).get(proposal.id).status == "approved"

    shop = shopper(browser, service)  # a new shopper, a new conversation
    ask(shop, GIFT_Q)
    log = shop.get_by_label("Messages")
    expect(log.locator(".msg.bot").first).to_contain_text("choose it at checkout", timeout=WAIT_MS)
    expect(log.locator(".msg.sources")).to_contain_text("Learned answer")
    shoot(shop, "chat-learned")

    desk.get_by_role("link", name="Learned").click()  # its provenance, and the edit as a diff
    approved = ProposalBook(agent.store).get(proposal.id)
    expect(desk.locator(f"article#{proposal.id}")).to_contain_text(approved.provenance())
    expect(desk.locator(".diff .side.after ins")).to_have_text("choose")
    shoot(desk, "learned")
    desk.get_by_role("link", name="Gaps").click()  # handed off once, answered once since
    topic = desk.locator("article.topic").filter(has_text=GIFT_Q)
    expect(topic.get_by_role("table")).to_contain_text("50%")
    shoot(desk, "gaps")
