"""Explicit requests for a person: many languages, typos, and the near-misses that must not fire."""

from __future__ import annotations

import pytest

from agent.settings import TriggerSettings
from agent.triggers.explicit import correct
from tests.triggers.trigger_helpers import run

ASKS = [
    # English
    "operator",
    "Operator?",
    "agent please",
    "talk to a human",
    "real person",
    "is anyone real there?",
    "can I speak to someone",
    "representative",
    "customer service rep",
    "live chat with a person",
    "I'd like to speak with a representative please",
    "can I get a human please",
    "I want to speak to your manager",
    "transfer me to a live agent",
    "TALK TO A HUMAN NOW!!!",
    "is there anyone there?",
    "please escalate this",
    "Get me someone who can actually help",
    # Spanish
    "hablar con una persona",
    "quiero hablar con un agente",
    "quiero un humano",
    "¿Puedo hablar con alguien?",
    "necesito hablar con un asesor",
    # French
    "parler à un conseiller",
    "je voudrais parler à une personne",
    "un vrai humain",
    "Y a-t-il quelqu'un ?",
    # German
    "Ich möchte mit einem Menschen sprechen",
    "Mitarbeiter bitte",
    "Kann ich mit einem Mitarbeiter sprechen?",
    "Ich will mit einem echten Menschen reden",
    # Portuguese
    "falar com um atendente",
    "quero falar com uma pessoa",
    "preciso falar com alguém",
    # Italian, Dutch
    "vorrei parlare con un operatore",
    "ik wil een medewerker spreken",
]

TYPOS = [
    ("opertor", "opertor->operator"),
    ("agnet please", "agnet->agent"),
    ("talk to a humna", "humna->human"),
    ("reprisentative", "reprisentative->representative"),
    ("speek to somone", "somone->someone"),
    ("i want to talk to a real persn", "persn->person"),
    ("quiero hablar con un agnete", "agnete->agente"),
    ("parler a un conseiler", "conseiler->conseiller"),
    ("mit einem Mitarbeitr sprechen", "mitarbeitr->mitarbeiter"),
]

NEAR_MISSES = [
    "is this a real leather bag?",
    "which shipping agent do you use",
    "the travel agent kit",
    "what does a human-grade supplement mean",
    "persona 5 t-shirt",
    "I'm a real fan of this brand",
    "is this the real price?",
    "operators manual for the blender",
    "do you have the operator's manual?",
    "I need the operator manual",
    "my agent code didn't work",
    "I spoke to an agent yesterday and they said 30 days",
    "I talked to customer service last week",
    "can someone tell me where my order is?",
    "I need a human hair wig",
    "how many people fit on the sofa",
    "how do I manage my subscription",
    "what are the live agent chat hours?",
    "are these real people reviews?",
    "es para una persona alta?",
    "¿tienen agentes de envío en México?",
    "un vrai cuir ?",
    "c'est pour une personne de 1m80",
    "Ist das Sofa für Menschen mit Rückenproblemen?",
    "Ich bin mit dem Kundenservice unzufrieden",
    "serve para uma pessoa alta?",
    "posso falar sobre o tamanho?",
]


def explicit_hits(message: str, **fields: object) -> list:
    return [h for h in run(message, **fields).hits if h.kind == "explicit"]


@pytest.mark.parametrize("message", ASKS)
def test_requests_for_a_person_fire(message: str) -> None:
    assert explicit_hits(message), message


@pytest.mark.parametrize(("message", "typo"), TYPOS)
def test_typos_fire_and_are_named_in_the_evidence(message: str, typo: str) -> None:
    hits = explicit_hits(message)
    assert hits, message
    assert typo in hits[0].evidence
    assert hits[0].score is not None and 0.6 <= hits[0].score < 1.0


@pytest.mark.parametrize("message", NEAR_MISSES)
def test_near_misses_do_not_fire(message: str) -> None:
    assert explicit_hits(message) == [], message


def test_button_always_fires_even_without_words() -> None:
    hits = explicit_hits("", action="talk_to_person")
    assert [h.reason for h in hits] == ["talk-to-a-person button"]


def test_button_fires_on_an_unrelated_message_too() -> None:
    assert explicit_hits("what is your return window?", action="talk_to_person")


def test_real_words_are_not_corrected_into_person_words() -> None:
    # "manage" is one letter from "manager", "humane" from "human": never read as typos.
    assert explicit_hits("I want to manage my account") == []
    assert explicit_hits("is this a humane trap?") == []


def test_store_extra_phrases_fire_fuzzily() -> None:
    settings = TriggerSettings(explicit_extra_phrases=["put me on with the concierge"])
    assert explicit_hits("put me on with the concierge") == []  # needs the setting
    hits = [h for h in run("put me on with the conceirge", settings).hits if h.kind == "explicit"]
    assert hits and "concierge" in hits[0].reason


def test_extra_phrases_stay_word_aligned() -> None:
    settings = TriggerSettings(explicit_extra_phrases=["talk to the stylist team"])
    assert [
        h for h in run("I talked to the stylist team", settings).hits if h.kind == "explicit"
    ] == []


def test_accents_and_case_do_not_matter() -> None:
    assert explicit_hits("PARLER À UN CONSEILLER")
    assert explicit_hits("parler a un conseiller")


@pytest.mark.parametrize(
    ("word", "read_as"),
    [
        ("opertor", "operator"),
        ("reprsentativ", "representative"),  # two edits allowed from 9 letters up
        ("spek", "spek"),  # under 5 letters: too close to other words to correct
        ("humane", "humane"),  # a real word, listed in not_typos
        ("wuman", "wuman"),  # a different first letter is never a typo here
        ("personal", "personal"),
    ],
)
def test_typo_correction_rules(word: str, read_as: str) -> None:
    assert correct(word)[0] == read_as
