"""Phrasings found while playing the sample store's conversations."""

from tests.triggers.trigger_helpers import chat, kinds, run


def test_three_rephrasings_of_a_size_question_are_a_loop():
    history = chat(
        ("shopper", "What size should I get in the Merino Crew Sweater?"),
        ("bot", "Check your chest measurement against our size guide."),
        ("shopper", "OK, but which size would actually fit me in the merino crew?"),
        ("bot", "Slim fit that sits close to the body."),
    )
    text = "So just tell me: what size merino crew sweater should I order?"
    assert "loop" in kinds(text, history=history, vertical="apparel")


def test_a_vip_who_is_mildly_annoyed_by_a_faq_topic_is_answered():
    vip = {"name": "Ava", "tier": "vip"}
    assert "vip" not in kinds(
        "How do I cancel my newsletter? I'm getting too many emails.", customer=vip
    )


def test_a_vip_who_is_clearly_upset_goes_to_a_person():
    vip = {"name": "Ava", "tier": "vip"}
    assert "vip" in kinds(
        "This is really disappointing, the coat I paid for is a mess.", customer=vip
    )


def test_a_rash_described_after_using_a_serum_is_sensitive():
    text = "I started using the Hydra Calm Serum two days ago and now I have a red, itchy rash on my cheeks."
    result = run(text, vertical="beauty")
    assert "beauty.skin_reaction" in result.topics
    assert "sensitive" in [h.kind for h in result.hits]


def test_sensitive_skin_questions_are_not_a_reaction():
    assert "sensitive" not in kinds(
        "I have sensitive skin, is the serum suitable for me?", vertical="beauty"
    )


def test_eval_set_phrasings_of_fraud_legal_and_eye_exposure():
    charge = "There's a $237 charge from Northwind Goods on my card that I didn't make."
    assert run(charge).topics == ["global.fraud"]
    report = "I'm reporting Northwind Goods to the data protection authority."
    assert run(report).topics == ["global.legal_threat"]
    eye = "Got some of the serum in my eye and it's still stinging and red after an hour."
    assert run(eye, vertical="beauty").topics == ["beauty.skin_reaction"]
    assert run("does the serum sting a bit when applied?", vertical="beauty").topics == []
    assert (
        run("do you have maternity dresses for when I'm pregnant?", vertical="apparel").topics == []
    )


def test_eval_set_phrasings_found_in_the_second_pass():
    from tests.triggers.trigger_helpers import kinds

    assert kinds("cna i speek to a reel persn plz") == ["explicit"]
    assert kinds("kiero ablar con alguien d verdad no con un robot") == ["explicit"]
    toddler = run(
        "My toddler got into the vitamin D bottle and swallowed maybe 5 softgels, what do I do??",
        vertical="supplements",
    )
    assert "global.medical_emergency" in toddler.topics
    assert run("The charging case of my Aero Buds is bulging.", vertical="electronics").topics == [
        "electronics.battery_hazard"
    ]
    assert kinds("I'm so stressed, the package for my wedding is lost.") == ["sentiment"]
    assert kinds("my dog is stressed by the noise, is the diffuser ok?") == []
    assert kinds("Please remove the gift wrap from order NW-24791.", vertical="home") == [
        "account_action"
    ]
    assert kinds("can I add gift wrap to an order?", vertical="home") == []
    assert "purchase_intent" in kinds(
        "Could we order 25 Merino Crew Sweaters for the team with a company discount?"
    )
    assert kinds("I want to order 2 more shirts") == []


def test_a_vip_who_got_someone_elses_item_goes_to_a_person():
    from tests.triggers.trigger_helpers import kinds

    text = "I ordered the Hydra Calm serum in order NW-23790 but got someone else's moisturiser instead."
    assert kinds(text, vertical="beauty", customer={"tier": "vip"}) == ["vip"]
    assert kinds("can I get the red one instead?", customer={"tier": "vip"}) == []
