"""A shopper who writes Spanish, French, German or Portuguese hears the fixed texts in that
language, end to end through the runtime; English shoppers hear what they always did."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from agent.llm import Draft
from agent.messages import Messages, bundled
from agent.nodes.respond import render
from agent.runtime import EscalationAgent
from agent.state import Citation
from tests.agent.test_llm import completion
from tests.agent.test_operations import (
    DANA,
    FRIDAY_10AM,
    NO_EMAIL,
    THURSDAY_10PM,
    Clock,
    make_agent,
    store_settings,
)
from tests.fakes import LexicalRetriever, chunk

DAMAGED_ES = "Mi pedido NW-10482 llegó dañado, quiero hablar con una persona."
PERSON = {
    "fr": "Ma commande NW-10482 est arrivée abîmée, je veux parler à une personne.",
    "de": "Meine Bestellung NW-10482 kam beschädigt an, ich möchte mit einer Person sprechen.",
    "pt": "Meu pedido NW-10482 chegou danificado, quero falar com uma pessoa.",
}
LIVE_START = {
    "fr": "Merci, Dana. Je transmets",
    "de": "Danke, Dana. Ich gebe",
    "pt": "Obrigado, Dana.",
}


@pytest.fixture
def open_store(tmp_path):
    agent = make_agent(store_settings(tmp_path), clock := Clock(FRIDAY_10AM))
    agent.set_staff("orders", 1)
    yield agent, clock
    agent.close()


@pytest.fixture
def closed_store(tmp_path):
    agent = make_agent(store_settings(tmp_path), Clock(THURSDAY_10PM))
    yield agent
    agent.close()


def test_a_spanish_handoff_is_told_in_spanish_and_the_agent_sees_the_language(open_store):
    agent, clock = open_store
    reply = agent.send("es1", DAMAGED_ES, customer=DANA)
    assert reply.kind == "handoff"
    assert reply.messages == [
        "Gracias, Dana. Paso ahora esta conversación a nuestro equipo de pedidos. Verán todo lo "
        "que me ha contado, así que no tendrá que repetir nada.",
        "Su turno es el siguiente; la espera es de unos 3–8 minutos.",
    ]
    assert reply.handoff.language == reply.language == "es"
    assert "LANGUAGE: Spanish (es): reply in Spanish" in reply.handoff.context_block
    clock.advance(seconds=150)
    (update,) = agent.due_updates()
    assert update.messages == [
        "Gracias por esperar; no nos hemos olvidado de usted. "
        "Su turno es el siguiente; la espera es de unos 3–8 minutos."
    ]


@pytest.mark.parametrize("language", ["fr", "de", "pt"])
def test_french_german_and_portuguese_shoppers_hear_their_language(open_store, language):
    agent, _ = open_store
    reply = agent.send(f"c-{language}", PERSON[language], customer=DANA)
    assert reply.kind == "handoff" and reply.handoff.language == language
    assert reply.messages[0].startswith(LIVE_START[language])
    assert reply.messages[0] != bundled("en")["handoff.live"]


def test_off_shift_the_ticket_the_reopening_and_the_email_question_are_in_spanish(closed_store):
    reply = closed_store.send("es2", DAMAGED_ES, customer=NO_EMAIL)
    assert reply.messages[0].startswith("Gracias, Lee. Nuestro equipo no está disponible")
    assert reply.messages[1] == (
        "Le responderán mañana a las 9:00, hora del Este de EE. UU., cuando el equipo vuelva. "
        + bundled("es")["email.question"]
    )
    answer = closed_store.send("es2", "prefiero no darlo")
    assert answer.messages == ["No hay problema: le responderemos aquí, en este chat."]


def test_a_german_offline_ticket_reads_as_german(closed_store):
    reply = closed_store.send("de2", PERSON["de"], customer=DANA)
    assert reply.messages[1] == (
        "Sie erhalten morgen um 9:00 Uhr (US-Ostküstenzeit), wenn das Team wieder da ist, "
        "eine Antwort per E-Mail an dana@example.com."
    )


def test_short_lines_keep_the_conversation_language(open_store):
    agent, _ = open_store
    assert agent.send("s1", "hola").messages == ["Hi! What can I help you with?"]  # too short
    hello = agent.send("s1", "Buenos días, soy Ana Torres, mi pedido es NW-10482")
    assert hello.messages == ["¡Hola, Ana! He anotado el pedido NW-10482. ¿En qué puedo ayudarle?"]
    assert agent.send("s1", "ok").messages == [bundled("es")["ack.thanks"]]
    assert agent.send("s1", "").messages == [bundled("es")["reply.empty"]]


def test_an_error_reply_is_in_the_shopper_language(tmp_path):
    class Broken(LexicalRetriever):
        def search(self, query: str, k: int):
            raise RuntimeError("a bug, not an outage")

    agent = EscalationAgent(
        store_settings(tmp_path), retriever=Broken([]), clock=Clock(FRIDAY_10AM)
    )
    reply = agent.send("e1", "¿Cuánto tarda el envío a Valencia, por favor?")
    agent.close()
    assert reply.kind == "error" and reply.language == "es"
    assert reply.messages == [bundled("es")["reply.error"]]


def test_the_store_line_for_meanwhile_is_empty_by_default_and_said_when_set(tmp_path):
    toml = '[handoff]\nwhile_you_wait = "You can follow your order under My account > Orders."\n'
    agent = make_agent(store_settings(tmp_path, toml), Clock(FRIDAY_10AM))
    reply = agent.send("m1", "I want to talk to a person please")
    agent.close()
    assert reply.messages[-1] == "You can follow your order under My account > Orders."
    assert "Account > Orders" not in "".join(bundled("en").values())


def test_a_store_translates_its_own_meanwhile_line(tmp_path):
    toml = (
        '[handoff]\nwhile_you_wait = "Track your order under My account."\n'
        '[language.messages.es.handoff]\nwhile_you_wait = "Puede seguir su pedido en Mi cuenta."\n'
    )
    agent = make_agent(store_settings(tmp_path, toml), Clock(FRIDAY_10AM))
    reply = agent.send("m2", DAMAGED_ES, customer=DANA)
    agent.close()
    assert reply.messages[-1] == "Puede seguir su pedido en Mi cuenta."


# -- answers ------------------------------------------------------------------------------

KB_ES = [
    chunk(
        "politicas/devoluciones.md#0",
        "¿Cuántos días tengo para devolver un artículo? "
        "Puede devolver los artículos en un plazo de 30 días desde la entrega.",
        "Devoluciones",
        "Plazo",
    )
]
ANSWER_ES = {
    "answerable": True,
    "sentences": [
        {
            "text": "Puede devolver los artículos en un plazo de 30 días desde la entrega.",
            "citations": ["politicas/devoluciones.md#0"],
        }
    ],
}
QUESTION_ES = "¿Cuántos días tengo para devolver los artículos?"  # an FAQ-style KB


NOTES = {"summary": "Asked about returns.", "suggested_resolution": "", "citations": []}


def test_with_a_model_the_answer_is_asked_for_in_spanish_and_its_citations_are_checked(tmp_path):
    settings = store_settings(tmp_path, llm={"base_url": "http://llm.test/v1", "max_retries": 0})
    invented = {
        "answerable": True,
        "sentences": [{**ANSWER_ES["sentences"][0], "citations": ["x#9"]}],
    }
    drafts = [ANSWER_ES, invented]

    def model(request: httpx.Request) -> httpx.Response:
        system = json.loads(request.content)["messages"][0]["content"]
        body = drafts.pop(0) if "customer-support assistant" in system else NOTES
        return httpx.Response(200, json=completion(json.dumps(body)))

    with respx.mock(base_url="http://llm.test/v1", assert_all_mocked=True) as mock:
        route = mock.post("/chat/completions").mock(side_effect=model)
        retriever = LexicalRetriever(KB_ES)
        agent = EscalationAgent(settings, retriever=retriever, clock=Clock(FRIDAY_10AM))
        good = agent.send("l1", QUESTION_ES)
        system = json.loads(route.calls[0].request.content)["messages"][0]["content"]
        bad = agent.send("l2", QUESTION_ES)
        agent.close()
    assert "Write every sentence in Spanish" in system
    assert good.kind == "answer", good.handoff and good.handoff.triggers
    assert [c.chunk_id for c in good.citations] == ["politicas/devoluciones.md#0"]
    assert good.messages[0].endswith(
        "Fuentes:\n[1] Devoluciones › Plazo (politicas/devoluciones.md)"
    )
    assert bad.kind == "handoff"  # cites an excerpt that was never retrieved: never sent
    assert any(t.kind == "low_confidence" for t in bad.handoff.triggers)
    assert bad.messages[0].startswith("Gracias. Paso ahora esta conversación")


def test_the_offline_backend_says_in_the_shopper_language_that_the_quote_is_not_translated():
    draft = Draft.model_validate(
        {"answerable": True, "sentences": [{"text": "Returns take 30 days.", "citations": ["r#0"]}]}
    )
    cites = [Citation(chunk_id="r#0", doc_id="r", title="Returns")]
    text = render(draft, cites, extractive=True, msgs=Messages("fr"), kb_language="en")
    assert text == (
        "Je ne peux pas traduire les articles de notre centre d'aide : cet extrait est donc en "
        "anglais, tel qu'il y est écrit.\nExtrait de notre centre d'aide :\n"
        "Returns take 30 days. [1]\n\nSources :\n[1] Returns (r)"
    )
    same = render(draft, cites, extractive=True, msgs=Messages("en"), kb_language="en")
    assert same.startswith("Quoted from our help centre:\nReturns take 30 days. [1]")
