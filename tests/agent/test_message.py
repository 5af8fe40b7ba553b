from agent.message import clean


def test_control_characters_are_removed_and_noted():
    m = clean("hi\x00 there\x07\u202e", 100)
    assert m.text == "hi there"
    assert "control characters were removed" in m.notes


def test_lone_surrogates_are_replaced():
    m = clean("broken \ud800 text", 100)
    assert m.text.encode("utf-8")  # encodable now
    assert any("surrogate" in n for n in m.notes)


def test_long_message_is_cut_and_noted():
    m = clean("a" * 25_000, 20_000)
    assert len(m.text) == 20_000
    assert "cut from 25000 to 20000" in m.notes[0]


def test_right_to_left_and_mixed_scripts_are_kept():
    text = "مرحبا، أين طلبي NW-10482? 你好"
    assert clean(text, 100).text == text


def test_undecodable_bytes_are_replaced():
    m = clean(b"order \xff\xfe 123", 100)
    assert "order" in m.text and "undecodable bytes were replaced" in m.notes


def test_whitespace_only_becomes_empty():
    assert clean(" \n\t \u200b", 100).text == ""
