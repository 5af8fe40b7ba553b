"""Sensitive topics: every pack fires on its topics, stays quiet on benign look-alikes, and is scoped."""

from __future__ import annotations

import pytest

from agent.errors import ConfigError
from agent.routing import route
from agent.settings import TriggerSettings
from agent.triggers import sensitive_topics
from tests.triggers.trigger_helpers import run

FIRES = [
    # (vertical, message, topic)
    ("general", "I'm going to sue you", "global.legal_threat"),
    ("general", "my lawyer will be in touch", "global.legal_threat"),
    ("general", "I'll take you to small claims court", "global.legal_threat"),
    ("general", "I will report you to the BBB", "global.legal_threat"),
    ("apparel", "voy a llamar a mi abogado", "global.legal_threat"),
    ("general", "I'm filing a chargeback", "global.chargeback"),
    ("general", "I will dispute the charge with my bank", "global.chargeback"),
    ("general", "we're disputing these charges through the card issuer", "global.chargeback"),
    ("general", "I didn't place this order", "global.fraud"),
    ("general", "there is an unauthorized charge on my card", "global.fraud"),
    ("general", "there's a charge on my statement I don't recognize", "global.fraud"),
    ("home", "this is fraud", "global.fraud"),
    ("general", "my account was hacked", "global.account_takeover"),
    ("general", "someone changed my password and email", "global.account_takeover"),
    ("general", "I had an allergic reaction", "global.allergic_reaction"),
    ("apparel", "my lips are swelling", "global.allergic_reaction"),
    ("general", "I broke out in hives", "global.allergic_reaction"),
    ("general", "I feel suicidal", "global.self_harm"),
    ("general", "I want to kill myself", "global.self_harm"),
    ("general", "I have chest pain", "global.medical_emergency"),
    ("general", "my son can't breathe", "global.medical_emergency"),
    ("general", "I called poison control", "global.medical_emergency"),
    ("general", "she ended up in the hospital", "global.medical_emergency"),
    ("general", "my daughter got injured by it", "global.injury"),
    ("supplements", "how many capsules should I take?", "supplements.dosage"),
    ("supplements", "how much should I take a day", "supplements.dosage"),
    ("supplements", "can I double the dose?", "supplements.dosage"),
    ("supplements", "can I take it with my blood thinners?", "supplements.drug_interaction"),
    ("supplements", "I'm on warfarin, is that ok?", "supplements.drug_interaction"),
    ("supplements", "is it safe with SSRIs", "supplements.drug_interaction"),
    ("supplements", "is it safe during pregnancy?", "supplements.pregnancy"),
    ("supplements", "I'm breastfeeding, can I use this?", "supplements.pregnancy"),
    ("supplements", "estoy embarazada, ¿puedo tomarlo?", "supplements.pregnancy"),
    ("supplements", "it made me sick", "supplements.side_effects"),
    ("supplements", "I get heart palpitations after taking it", "supplements.side_effects"),
    ("supplements", "any side effects?", "supplements.side_effects"),
    ("supplements", "can I see the COA for this batch?", "supplements.lab_testing"),
    ("supplements", "has it been tested for heavy metals", "supplements.lab_testing"),
    ("supplements", "is there lead in your protein powder?", "supplements.lab_testing"),
    ("supplements", "do you have third-party testing certificates?", "supplements.lab_testing"),
    ("supplements", "is it safe for my 6 year old?", "supplements.children"),
    ("supplements", "can I give it to my kids?", "supplements.children"),
    ("beauty", "I got a rash after using the serum", "beauty.skin_reaction"),
    ("beauty", "this cream gave me a terrible breakout", "beauty.skin_reaction"),
    ("beauty", "my face is burning", "beauty.skin_reaction"),
    ("beauty", "I'm allergic to one of the ingredients", "beauty.skin_reaction"),
    ("apparel", "the dye gave me a rash", "apparel.skin_reaction"),
    ("electronics", "the battery is swelling", "electronics.battery_hazard"),
    ("electronics", "my phone is overheating", "electronics.battery_hazard"),
    ("electronics", "the battery is leaking", "electronics.battery_hazard"),
    ("electronics", "smoke came out of the charger", "electronics.fire_smoke"),
    ("electronics", "there's a burning smell", "electronics.fire_smoke"),
    ("electronics", "the charger melted", "electronics.fire_smoke"),
    ("electronics", "sparks came out of the plug", "electronics.fire_smoke"),
    ("electronics", "it gave me an electric shock", "electronics.electric_shock"),
    ("electronics", "I got shocked when I plugged it in", "electronics.electric_shock"),
    ("home", "I smell gas near the stove", "home.gas_leak"),
    ("home", "the carbon monoxide alarm went off", "home.carbon_monoxide"),
    ("home", "the heater caught fire", "home.fire"),
    ("home", "the dresser tipped over onto my son", "home.tip_over"),
    ("home", "the glass top shattered and cut my hand", "home.broken_glass"),
    ("home", "there is mould growing inside the humidifier", "home.mould"),
    # product safety, any store: a foreign object, contamination, something swallowed, illness
    (
        "general",
        "there was a sliver of glass inside the jar of peanut butter",
        "global.product_safety",
    ),
    ("home", "we noticed tiny insects in the bag of flour", "global.product_safety"),
    ("general", "the whole batch looks contaminated", "global.product_safety"),
    ("apparel", "my kitten may have swallowed a button off the sweater", "global.product_safety"),
    (
        "general",
        "our puppy chewed through the rope and ate some of the fibres",
        "global.product_safety",
    ),
    ("general", "the kids got really sick after the snack bars", "global.product_safety"),
    ("general", "mi perra se tragó una pieza del juguete", "global.product_safety"),
    ("general", "il y avait un corps étranger dans la boîte", "global.product_safety"),
    ("general", "meine Katze erbricht seit dem neuen Futter", "global.product_safety"),
    ("general", "encontrei pedaços de vidro no pote", "global.product_safety"),
    ("general", "the granola bar had a live maggot inside it", "global.product_safety"),
    ("general", "the safety seal on the bottle was already broken", "global.product_safety"),
    ("general", "my toddler drank some of the dish soap", "global.product_safety"),
    ("general", "our cat has been lethargic since the new litter", "global.product_safety"),
    (
        "general",
        "we had to rush him to the emergency vet after the chew toy",
        "global.product_safety",
    ),
    ("general", "my cat is foaming at the mouth since the flea drops", "global.product_safety"),
    ("general", "can I give my puppy some tylenol?", "global.product_safety"),
    ("general", "the hair dye burned my scalp", "global.injury"),
    ("general", "the buckle snapped and my son fell off the swing", "global.injury"),
    ("general", "my daughter almost choked on a bead from the necklace", "global.injury"),
    # privacy: data-subject requests (GDPR, CCPA, LGPD...)
    ("general", "under GDPR I ask you to erase everything you hold on me", "global.privacy"),
    ("apparel", "delete all of my personal information please", "global.privacy"),
    ("general", "which personal data does your company keep about me?", "global.privacy"),
    ("general", "I want a copy of my data", "global.privacy"),
    ("general", "please erase whatever you store about me", "global.privacy"),
    ("general", "I believe my information was leaked in a data breach", "global.privacy"),
    ("general", "I am invoking my rights under the consumer privacy act", "global.privacy"),
    ("home", "don't share my info with your marketing partners", "global.privacy"),
    ("general", "solicito que borren mis datos personales", "global.privacy"),
    ("general", "j'exerce mon droit à l'oubli", "global.privacy"),
    ("general", "bitte meine personenbezogenen Daten löschen", "global.privacy"),
    ("general", "quero excluir meus dados pessoais conforme a LGPD", "global.privacy"),
]

BENIGN = [
    ("general", "cancel my newsletter"),
    ("general", "is this fraud-proof packaging?"),
    ("general", "does the box have fraud protection"),
    ("apparel", "the lawyer costume in size M"),
    ("apparel", "is this jacket fire-resistant?"),
    ("home", "is the curtain flame retardant?"),
    ("electronics", "battery life of the headphones"),
    ("electronics", "how long does the battery last"),
    ("apparel", "what are the side pockets made of"),
    ("apparel", "is it safe for pregnant women to wear this dress"),
    ("electronics", "can I charge my phone with it?"),
    ("general", "will I be charged shipping"),
    ("apparel", "is this suede or leather?"),
    ("general", "I have an issue with my order"),
    ("general", "where are the archives of your blog"),
    ("apparel", "shock-absorbing sole?"),
    ("general", "killer deal!"),
    ("apparel", "I'm dying to get this dress"),
    ("general", "this price is criminal"),
    ("general", "hi, this is Sue"),
    ("supplements", "how many capsules are in a bottle?"),
    ("supplements", "how much does it cost"),
    ("supplements", "do you sell prenatal vitamins?"),
    ("supplements", "what's the lead time for delivery?"),
    ("beauty", "is it good for sensitive skin?"),
    ("beauty", "does it help with redness?"),
    ("beauty", "no irritation after using it, love it"),
    ("electronics", "is the battery hot-swappable?"),
    ("electronics", "does it have overheating protection?"),
    ("electronics", "do you sell smoke detectors?"),
    ("electronics", "is this the Fire TV stick?"),
    ("home", "do you have smoke grey cushions?"),
    ("home", "silicone baking molds"),
    ("home", "is the anti-tip kit included?"),
    ("home", "the vase arrived cracked"),
    ("general", "can you deliver it to the hospital where I work?"),
    ("apparel", "the colour is bleeding onto my other clothes"),
    ("apparel", "I work at the hospital, do you have scrubs?"),
    ("electronics", "does it overheat?"),
    ("electronics", "I was shocked at the price"),
    ("home", "can the cushions stay outside without getting mouldy?"),
    ("supplements", "what's the lead time on restocks?"),
    # product questions that name a material or a symptom are not safety reports
    ("beauty", "does the shampoo contain plastic microbeads?"),
    ("home", "is the bowl made of glass or plastic?"),
    ("general", "my dog ate the whole bag in a week, he loves it"),
    ("home", "is the packaging plastic-free?"),
    ("general", "is this food good for cats that throw up hairballs?"),
    ("general", "I'm sick of waiting for my parcel"),
    ("general", "our vet recommended the grain-free formula"),
    ("general", "do you sell vet-approved dental chews?"),
    # privacy questions a policy page answers, and account housekeeping, are not requests
    ("general", "how do you protect my data?"),
    ("general", "what's your privacy policy?"),
    ("general", "please unsubscribe me from your newsletter"),
    ("general", "remove my saved card details"),
    ("general", "Do you keep my card number? I'm worried about fraud."),
    ("electronics", "is the case tamper-proof?"),
    ("general", "I nearly choked on my coffee when I saw the price"),
    ("home", "do you sell privacy screens for the balcony?"),
]


@pytest.mark.parametrize(("vertical", "message", "topic"), FIRES)
def test_topics_fire(vertical: str, message: str, topic: str) -> None:
    result = run(message, vertical=vertical)
    assert topic in result.topics, (message, result.topics)
    hit = next(h for h in result.hits if h.kind == "sensitive" and topic in h.reason)
    assert hit.evidence


@pytest.mark.parametrize(("vertical", "message"), BENIGN)
def test_benign_look_alikes_do_not_fire(vertical: str, message: str) -> None:
    result = run(message, vertical=vertical)
    assert result.topics == [], (message, result.topics)
    assert "sensitive" not in [h.kind for h in result.hits]


@pytest.mark.parametrize(
    "message",
    [
        "I found a piece of metal in the cat food and one of the cats might have eaten some",
        "per the CCPA, tell me what personal data you have about me and then delete it",
    ],
)
def test_product_safety_and_privacy_go_to_compliance(message: str) -> None:
    result = run(message)
    assert "sensitive" in [h.kind for h in result.hits]
    assert route(result.hits, result.intent, result.topics, False) == "compliance"


def test_a_vertical_topic_fires_only_in_its_vertical() -> None:
    message = "is it safe during pregnancy?"
    assert run(message, vertical="supplements").topics == ["supplements.pregnancy"]
    # skincare in pregnancy is a question for a person too (retinoids, salicylic acid...)
    assert run(message, vertical="beauty").topics == ["beauty.pregnancy"]
    for vertical in ("apparel", "electronics", "home"):
        assert run(message, vertical=vertical).topics == [], vertical
    # a general store may sell supplements too: every pack is in force
    assert "supplements.pregnancy" in run(message, vertical="general").topics


def test_a_general_store_gets_every_pack_and_an_unknown_vertical_only_the_global_one() -> None:
    settings = TriggerSettings()
    general = sensitive_topics("general", settings)
    assert {name.split(".")[0] for name in general} == {
        "global",
        "supplements",
        "beauty",
        "apparel",
        "electronics",
        "home",
    }
    unknown = sensitive_topics("pets", settings)
    assert unknown == sensitive_topics("", settings)
    assert all(name.startswith("global.") for name in unknown)
    assert run("my battery is swelling", vertical="pets").topics == []
    assert run("my battery is swelling", vertical="general").topics == [
        "electronics.battery_hazard"
    ]


def test_vertical_names_are_read_loosely() -> None:
    assert run("any side effects?", vertical=" Supplements ").topics == ["supplements.side_effects"]


def test_topic_listing_names_every_pack_topic() -> None:
    names = sensitive_topics("supplements", TriggerSettings())
    assert {
        "global.legal_threat",
        "global.chargeback",
        "supplements.dosage",
        "supplements.lab_testing",
    } <= set(names)
    assert not any(n.startswith("beauty.") for n in names)


def test_store_extras_add_topics() -> None:
    settings = TriggerSettings(sensitive_extra={"recall": [r"recall(?:ed)?", r"rückruf"]})
    assert "store.recall" in sensitive_topics("home", settings)
    assert run("was this kettle recalled?", settings, vertical="home").topics == ["store.recall"]
    assert run("gibt es einen Rückruf?", settings).topics == ["store.recall"]
    assert run("was this kettle recalled?", vertical="home").topics == []


def test_store_extras_are_word_bounded() -> None:
    settings = TriggerSettings(sensitive_extra={"recall": ["recall"]})
    assert run("I can't recall my password", settings).topics == ["store.recall"]
    assert run("recalling", settings).topics == []


def test_disabled_topics_are_removed() -> None:
    settings = TriggerSettings(
        sensitive_disabled=["supplements.lab_testing", "global.legal_threat"]
    )
    names = sensitive_topics("supplements", settings)
    assert "supplements.lab_testing" not in names and "global.legal_threat" not in names
    assert run("can I see the COA?", settings, vertical="supplements").topics == []
    assert run("I'll sue you", settings, vertical="supplements").topics == []
    assert run("any side effects?", settings, vertical="supplements").topics == [
        "supplements.side_effects"
    ]


def test_unknown_disabled_topic_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="sensitive_disabled.*global.legal_threats"):
        sensitive_topics("general", TriggerSettings(sensitive_disabled=["global.legal_threats"]))


def test_bad_store_regex_is_a_config_error_naming_the_topic() -> None:
    with pytest.raises(ConfigError, match="sensitive_extra.broken"):
        run("hello", TriggerSettings(sensitive_extra={"broken": ["(unclosed"]}))


def test_several_topics_fire_together_global_first() -> None:
    result = run(
        "I'm pregnant and it made me sick, my lawyer will hear about this", vertical="supplements"
    )
    assert result.topics == [
        "global.legal_threat",
        "global.product_safety",  # illness after use, in every store
        "supplements.pregnancy",
        "supplements.side_effects",
    ]


@pytest.mark.parametrize(
    "message",
    [
        "these sunglasses give me a headache after an hour, can I swap them?",
        "The new cap is too tight and I get a headache, do you have a bigger size?",
        "el casco me da dolor de cabeza, ¿puedo cambiarlo por una talla más?",
        "Der Helm drückt und verursacht Kopfschmerzen, kann ich ihn umtauschen?",
    ],
)
def test_a_headache_from_worn_gear_that_pinches_is_a_fit_question(message: str) -> None:
    assert "sensitive" not in [h.kind for h in run(message, vertical="general").hits], message


@pytest.mark.parametrize(
    "message",
    [
        "the gummies gave me a headache and nausea",
        "my helmet is fine but the capsules give me headaches",
    ],
)
def test_a_headache_from_something_taken_is_still_a_side_effect(message: str) -> None:
    result = run(message, vertical="general")
    assert "supplements.side_effects" in result.topics, message


@pytest.mark.parametrize(
    "message",
    [
        "the saddle clamp snapped and my friend fell into a fence, who is liable for the repairs?",
        "Are you liable for the damage the battery did to my hallway?",
        "Wer haftet für den Schaden an meinem Auto?",
    ],
)
def test_who_pays_for_harm_done_is_a_legal_question(message: str) -> None:
    assert "global.legal_threat" in run(message, vertical="general").topics, message


def test_who_pays_return_postage_is_not_a_legal_question() -> None:
    assert "sensitive" not in [h.kind for h in run("who is responsible for return shipping?").hits]
