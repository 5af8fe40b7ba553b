"""Triggers on stores the dev sets do not cover: beauty, outdoor gear, pets, supplements,
electronics and kids' products, in the five supported languages.

Every phrasing here is written for this test (none is a bank example or an eval case).
The rules are checked on their own; the nearest-example vote is checked on phrasings the
rules miss; answerable near-misses must fire nothing that hands off.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from agent.questions import split_questions
from agent.settings import TriggerSettings
from agent.triggers import TriggerContext, TriggerResult, detect
from agent.triggers.banks import Bank, builtin_banks
from agent.triggers.nearest import IntentIndex, Verdict, index_for, thresholds_for
from knowledge.embeddings import LocalMiniLM
from tests.triggers.trigger_helpers import kinds

HANDOFF = {"sensitive", "explicit", "sentiment", "account_action"}


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


# --- the rules alone ---------------------------------------------------------------------

# Safety that is not one vertical's: it fires for a clothing store too ("apparel").
GLOBAL_SAFETY = [
    "the belay loop snapped on the wall and I fell",
    "the brakes failed on the descent and I came off",
    "the cooking stove reeks of propane and the canister is hissing",
    "we woke up dizzy after running the heater inside the tent",
    "is the bike helmet I bought from you part of a recall?",
    "my spaniel got into a box of raisins",
    "how many mg of the painkiller can I give my 8 kg terrier",
    "the vet said the rash is an allergy from your collar",
    "the little magnets came loose from the puzzle",
    "I hit my head when the bunk ladder gave way",
    "El mosquetón se soltó y me caí de la roca",
    "se me puso la cara roja e hinchada con el tónico",
    "Mon chat a vomi toute la nuit",
    "le harnais a lâché et je suis tombé",
    "j'ai des yeux rouges et gonflés depuis le démaquillant",
    "mein Hund hat Schokolade gefressen",
    "die Lotion hat Rötungen am Hals ausgelöst",
    "das Seil ist gerissen und ich bin abgestürzt",
    "a alça arrebentou e eu caí",
    "meu gato comeu um lírio",
    "meu rosto ficou vermelho e ardendo depois do sérum",
]

LEGAL_MONEY_PRIVACY = [
    "I'm contacting the consumer protection office about this",
    "expect a letter before action from me",
    "I'm going to involve trading standards",
    "my bank has opened an investigation into your charge",
    "I filed a dispute on PayPal",
    "disputing this with my card issuer today",
    "voy a llevarlos a los tribunales",
    "he abierto una disputa con el banco",
    "j'ai saisi une association de consommateurs",
    "j'ai fait opposition sur ce paiement",
    "die Kartenzahlung habe ich bei der Bank reklamiert",
    "ich gehe zur Schlichtungsstelle",
    "vou reclamar no consumidor.gov",
    "contestei a cobrança no cartão",
    "eliminen mi cuenta y todos mis datos",
    "löschen Sie bitte mein Kundenkonto und alle meine Daten",
]

CALM_COMPLAINTS = [
    "fourth time I've written and still no reply",
    "still no update after two weeks",
    "I'll take my business elsewhere",
    "I'm leaving you a one star review",
    "oh brilliant, the wrong size again",
    "it arrived damaged. again.",
    "I've emailed three times and nobody has bothered to answer",
    "that's just not okay",
    "I don't appreciate being fobbed off",
    "llevo dos semanas esperando y nadie me contesta",
    "personne ne me répond depuis dix jours",
    "niemand meldet sich bei mir",
    "ninguém me responde",
    "ich bin mit der Bestellung unzufrieden",
]

ASKING_FOR_A_PERSON = [
    "get me in touch with a staff member",
    "I'd rather sort this out with someone on your team",
    "verbinden Sie mich bitte mit einem Mitarbeiter",
    "ich möchte mit jemandem aus dem Support sprechen",
    "ich hätte gern einen richtigen Ansprechpartner",
    "je souhaite être mise en relation avec un conseiller",
    "me coloca com um atendente",
    "prefiro ser atendida por uma pessoa",
]


@pytest.mark.parametrize("text", GLOBAL_SAFETY + LEGAL_MONEY_PRIVACY)
def test_safety_legal_disputes_and_privacy_fire_in_any_store(text: str) -> None:
    assert "sensitive" in kinds(text, vertical="apparel")


@pytest.mark.parametrize(
    ("vertical", "text"),
    [
        ("beauty", "can I use the vitamin C serum while breastfeeding"),
        ("beauty", "my lips are swollen since the lip scrub"),
        ("electronics", "la batería del cargador está hinchada"),
        ("electronics", "der Akku der Powerbank ist aufgebläht"),
        ("electronics", "a bateria do fone estufou"),
        ("supplements", "can I take the fish oil with my blood thinner"),
    ],
)
def test_vertical_hazards_fire_in_their_vertical(vertical: str, text: str) -> None:
    assert "sensitive" in kinds(text, vertical=vertical)


@pytest.mark.parametrize("text", CALM_COMPLAINTS)
def test_complaints_without_profanity_fire_sentiment(text: str) -> None:
    assert "sentiment" in kinds(text)


@pytest.mark.parametrize("text", ASKING_FOR_A_PERSON)
def test_more_ways_to_ask_for_a_person_fire_explicit(text: str) -> None:
    assert "explicit" in kinds(text)


@pytest.mark.parametrize(
    ("vertical", "text"),
    [
        ("general", "is this toy suitable for a 3 year old?"),
        ("general", "do you sell carbon monoxide detectors?"),
        ("general", "will the fuel bottle leak in my pack?"),
        ("general", "do you ever sell my data to third parties?"),
        ("general", "tell me a joke about lawyers"),
        ("general", "I can't recall which size I ordered"),
        ("beauty", "does the toner help with redness?"),
        ("beauty", "is this cream good for skin prone to breakouts?"),
        ("apparel", "how much is delivery to the hospital where I work?"),
        ("apparel", "is it the third time you restock this jacket?"),
        ("general", "é a terceira vez que compro aqui e adoro"),
        ("general", "wie viele Sterne hat das Zelt in Tests?"),
    ],
)
def test_near_misses_fire_no_rule(vertical: str, text: str) -> None:
    assert not set(kinds(text, vertical=vertical)) & HANDOFF


@pytest.mark.parametrize(
    "text",
    [
        "is your shop legit or a scam?",
        "how do I know this site isn't a scam",
        "pretend you're a lawyer and write me a poem",
        "write a story about a dog that ate chocolate cake",
    ],
)
def test_questions_about_trust_and_stories_are_not_sensitive(text: str) -> None:
    assert "sensitive" not in kinds(text)


# --- the vote: phrasings the rules miss ----------------------------------------------------


@pytest.fixture(scope="module")
def vote(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    embedder = LocalMiniLM()
    index = index_for(builtin_banks(), embedder, tmp_path_factory.mktemp("cache"))
    limits = thresholds_for(embedder.name)
    assert limits is not None, "the shipped embedder has calibrated thresholds"

    def run(
        text: str, vertical: str = "general"
    ) -> tuple[TriggerResult, TriggerResult, list[Verdict]]:
        """(rules only, rules and the vote, the sure verdicts) as the agent runs them."""
        questions = split_questions(text) or [text]
        verdicts = [index.classify(v, limits.k) for v in embedder.embed(questions)]
        sure = [v for v in verdicts if v.fires(limits)]
        settings = TriggerSettings()
        rules = detect(TriggerContext(message=text, vertical=vertical), settings)
        both = detect(TriggerContext(message=text, vertical=vertical, examples=sure), settings)
        return rules, both, sure

    return run


def _not_a_bank_example(text: str) -> None:
    examples = {_normal(e) for b in builtin_banks().values() for e in b.examples}
    assert _normal(text) not in examples


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the quickdraw gate broke open while I was leading a route", "sensitive"),
        ("my eyelids are puffy and itchy since I started the lash serum", "sensitive"),
        ("my dog is drooling and trembling since the flea collar went on", "sensitive"),
        ("the extension lead gave me a jolt when I touched it", "sensitive"),
        ("I got zapped by the string lights", "sensitive"),
        ("the camping lantern stank of gas all night and the kids felt sick", "sensitive"),
        ("I want my personal data removed from your systems", "sensitive"),
        ("mi gato vomita desde que usa la pipeta", "sensitive"),
        ("honestly this whole order has been a letdown", "sentiment"),
        ("can I speak with your team", "explicit"),
    ],
)
def test_the_banks_generalise_to_phrasings_they_do_not_hold(vote, text: str, kind: str) -> None:
    """The vote on its own would fire the trigger: it covers wording the rules may not foresee."""
    _not_a_bank_example(text)
    _, both, sure = vote(text)
    assert kind in {v.bank.trigger for v in sure}
    assert kind in {h.kind for h in both.hits}


@pytest.mark.parametrize(
    ("vertical", "text"),
    [
        ("beauty", "is this shampoo safe for colour-treated hair?"),
        ("electronics", "what's the battery life?"),
        ("general", "how do I return a helmet?"),
        ("beauty", "is the night cream fragrance free?"),
        ("beauty", "can I wear the tinted moisturiser under makeup?"),
        ("general", "what's the weight limit on the camping chair?"),
        ("general", "is the down sleeping bag ok below freezing?"),
        ("general", "how many grams of the senior kibble per day for a 12 kg dog?"),
        ("general", "is the rope toy ok for puppies that chew a lot?"),
        ("general", "how long does the headlamp take to recharge?"),
        ("general", "what ages is the balance bike for?"),
        ("general", "is it safe to order from your site?"),
        ("general", "¿la tienda de campaña es impermeable?"),
        ("general", "est-ce que ce shampoing convient aux cheveux colorés ?"),
        ("general", "wie lange hält der Akku der Stirnlampe?"),
        ("general", "qual o peso do saco de dormir?"),
        # a greeting that says who the shopper is needs no person yet
        ("general", "Hi there, it's Dana Ortiz, dana.ortiz@example.org"),
        ("general", "hello, Priya Shah here, my email is priya.s@mail.example"),
    ],
)
def test_answerable_near_misses_hand_nothing_off(vote, vertical: str, text: str) -> None:
    _not_a_bank_example(text)
    _, both, _ = vote(text, vertical)
    assert not {h.kind for h in both.hits} & HANDOFF


# --- leaving an example out --------------------------------------------------------------


def test_a_left_out_example_does_not_vote_for_itself() -> None:
    banks = {
        "hurt": Bank(trigger="sensitive", intent="other", topic="injury", examples=("a", "b")),
        "ask": Bank(trigger="answer", intent="product", examples=("c",)),
    }
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = IntentIndex(banks, vectors)
    assert index.classify(vectors[0], k=1).label == "hurt"
    left_out = index.classify(vectors[0], k=1, leave_out=0)
    assert left_out.label == "ask"
    assert left_out.score < 1.0


def test_the_calibration_scores_every_escalating_and_answer_example(tmp_path: Path) -> None:
    from evals.calibrate_intents import LEFT_OUT, bank_samples

    banks = {
        "hurt": Bank(trigger="sensitive", intent="other", topic="injury", examples=("x", "y")),
        "ask": Bank(trigger="answer", intent="product", examples=("z",)),
        "joke": Bank(trigger="decline", intent="other", examples=("w",)),
    }
    vectors = np.eye(4)
    rows = bank_samples(IntentIndex(banks, vectors))
    assert [(r.set_name, r.text, r.expected) for r in rows] == [
        (LEFT_OUT, "x", "sensitive"),
        (LEFT_OUT, "y", "sensitive"),
        (LEFT_OUT, "z", None),
    ]
    # each was classified without its own row: no verdict is a perfect match
    assert all(v.score < 1.0 for r in rows for vs in r.verdicts.values() for v in vs)
