"""Each format parses into the right sections; bad files become LoadProblems, never crashes."""

from __future__ import annotations

import codecs
import hashlib
import json
from pathlib import Path

import pytest

from agent.errors import KnowledgeError
from knowledge.documents import load_document, load_folder

MARKDOWN = """\
# Returns policy

You can return most items.

## Exchanges

Swap for another size.

### Sizes ###

Sizes run small.

```python
# not a heading
```

## Refunds

Money goes back to the card.

# Appendix

Last words.
"""


def paths_and_texts(doc):
    return [(s.heading_path, s.text) for s in doc.sections]


def test_markdown_headings_nest_under_the_last_shallower_heading(write, tmp_path):
    doc = load_document(write("returns.md", MARKDOWN), tmp_path / "kb")
    assert doc.title == "Returns policy"
    assert doc.format == "md"
    assert paths_and_texts(doc) == [
        (["Returns policy"], "You can return most items."),
        (["Returns policy", "Exchanges"], "Swap for another size."),
        (
            ["Returns policy", "Exchanges", "Sizes"],
            "Sizes run small.\n\n```python\n# not a heading\n```",
        ),
        (["Returns policy", "Refunds"], "Money goes back to the card."),
        (["Appendix"], "Last words."),
    ]


def test_markdown_without_h1_takes_title_from_file_name(write, tmp_path):
    doc = load_document(
        write("return-policy_v2.markdown", "Intro.\n\n## Part\nBody #hashtag"), tmp_path / "kb"
    )
    assert doc.title == "Return policy v2"
    assert paths_and_texts(doc) == [([], "Intro."), (["Part"], "Body #hashtag")]


HTML = """<html><head><title>Shipping | Acme</title><style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> Menu</nav>
<h1>Shipping</h1>
<p>We ship in
   3 days &amp; track it.</p>
<ul><li>Standard</li><li>Express</li></ul>
<h2>International <em>orders</em></h2><div>Customs may apply.</div>
<script>var secret = "not text";</script>
<footer>(c) Acme Inc</footer></body></html>"""


def test_html_sections_title_and_dropped_furniture(write, tmp_path):
    doc = load_document(write("ship.html", HTML), tmp_path / "kb")
    assert doc.title == "Shipping | Acme"
    assert doc.format == "html"
    assert paths_and_texts(doc) == [
        (["Shipping"], "We ship in 3 days & track it.\n\nStandard\nExpress"),
        (["Shipping", "International orders"], "Customs may apply."),
    ]
    everything = " ".join(s.text for s in doc.sections)
    for furniture in ("Menu", "secret", "color", "Acme Inc"):
        assert furniture not in everything


def test_html_without_title_uses_first_h1(write, tmp_path):
    doc = load_document(
        write("a/b.htm", "<h1>Warranty</h1><p>Two years.</p><br>More"), tmp_path / "kb"
    )
    assert (doc.id, doc.title) == ("a/b.htm", "Warranty")
    assert paths_and_texts(doc) == [(["Warranty"], "Two years.\n\nMore")]


def test_txt_is_one_section_titled_from_the_stem(write, tmp_path):
    doc = load_document(
        write("support_hours.txt", "We answer 9-5.\n\nClosed Sundays.\n"), tmp_path / "kb"
    )
    assert (doc.title, doc.format) == ("Support hours", "txt")
    assert paths_and_texts(doc) == [([], "We answer 9-5.\n\nClosed Sundays.")]


FAQ = [
    {"question": "Do you ship abroad?", "answer": "Yes, to 30 countries."},
    {"question": "Gift wrap?", "answer": "No."},
]


@pytest.mark.parametrize(
    "payload", [FAQ, {"faqs": FAQ}, {"FAQs": FAQ}, {"questions": FAQ, "title": "Shipping FAQ"}]
)
def test_json_faq_shapes(write, tmp_path, payload):
    doc = load_document(write("faq.json", json.dumps(payload)), tmp_path / "kb")
    assert paths_and_texts(doc) == [
        (["Do you ship abroad?"], "Yes, to 30 countries."),
        (["Gift wrap?"], "No."),
    ]
    assert doc.title == ("Shipping FAQ" if "title" in payload else "Faq")


def test_csv_faq_header_any_case_extra_columns_and_quoting(write, tmp_path):
    text = (
        'id,Question , ANSWER\n1,"Can I pay later, in parts?","Yes.\nWith Klarna."\n\n2,Cash?,No\n'
    )
    doc = load_document(write("faq.csv", text), tmp_path / "kb")
    assert doc.format == "csv"
    assert paths_and_texts(doc) == [
        (["Can I pay later, in parts?"], "Yes.\nWith Klarna."),
        (["Cash?"], "No"),
    ]


def test_folder_is_recursive_sorted_and_skips_hidden_and_unknown(write, tmp_path):
    for name in (
        "b.md",
        "a/z.txt",
        "a/c.html",
        ".hidden.md",
        ".git/x.md",
        "notes.docx",
        "img.png",
        "UP.MD",
    ):
        write(name, "# T\ntext")
    documents, problems = load_folder(tmp_path / "kb")
    assert [d.id for d in documents] == ["UP.MD", "a/c.html", "a/z.txt", "b.md"]
    assert problems == []


def test_sha256_is_of_the_raw_bytes_and_crlf_parses_like_lf(write, tmp_path):
    raw = "# Title\r\ncaf\u00e9\r\n## Part ##\r\n```\r\n# code\r\n```\r\n".encode()
    doc = load_document(write("a.md", raw), tmp_path / "kb")
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.title == "Title"
    assert paths_and_texts(doc) == [
        (["Title"], "caf\u00e9"),
        (["Title", "Part"], "```\n# code\n```"),
    ]


def test_text_is_normalised(write, tmp_path):
    raw = "Cafe\u0301 bell\x07 here\r\nkeep\ttab\r\n\r\n\r\n\r\n\x00next   \n"
    doc = load_document(write("n.txt", raw.replace("\x00", "")), tmp_path / "kb")
    assert doc.sections[0].text == "Caf\u00e9 bell here\nkeep\ttab\n\nnext"


def test_invalid_utf8_is_replaced_with_a_warning(write, tmp_path):
    write("bad.md", b"# Title\nprice \xff\xfe 10")
    documents, problems = load_folder(tmp_path / "kb")
    assert documents[0].sections[0].text == "price \ufffd\ufffd 10"
    assert [(p.path, p.message.split(" (")[0]) for p in problems] == [
        ("bad.md", "invalid UTF-8 replaced")
    ]


def test_bom_is_stripped_so_the_first_heading_still_counts(write, tmp_path):
    write("bom.md", codecs.BOM_UTF8 + b"# Title\nBody")
    write("bom.csv", codecs.BOM_UTF8 + b"question,answer\nQ,A\n")
    write("utf16.txt", "hello \u00e9".encode("utf-16"))
    documents, problems = load_folder(tmp_path / "kb")
    assert problems == []
    by_id = {d.id: d for d in documents}
    assert by_id["bom.md"].title == "Title"
    assert paths_and_texts(by_id["bom.csv"]) == [(["Q"], "A")]
    assert by_id["utf16.txt"].sections[0].text == "hello \u00e9"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bin.md", b"PK\x03\x04\x00\x00binary", "binary file"),
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"  \n\t\n", "empty file"),
        ("headings-only.md", b"# A\n## B\n", "no text found"),
        ("broken.json", b'[{"question": "a",\n "answer": ]', "invalid JSON at line 2"),
        ("shape.json", b'{"items": []}', "expected a list"),
        ("nothing.json", b'[{"question": "no answer"}]', "no question/answer pairs"),
        ("quote.csv", b'question,answer\nok,fine\n"bad"x,y\n', "invalid CSV at line 3"),
        ("header.csv", b"q,a\nx,y\n", "line 1: the header row needs question and answer"),
    ],
)
def test_unusable_files_are_problems_not_crashes(write, tmp_path, name, content, message):
    write(name, content)
    write("good.md", "# Fine\ntext")
    documents, problems = load_folder(tmp_path / "kb")
    assert [d.id for d in documents] == ["good.md"]
    assert len(problems) == 1
    assert problems[0].path == name
    assert message in problems[0].message
    assert "skipped" in problems[0].message


def test_bad_faq_items_are_skipped_with_a_warning_naming_them(write, tmp_path):
    write("faq.json", json.dumps([FAQ[0], "junk", {"question": "Q?", "answer": 3}, FAQ[1]]))
    write("faq.csv", "question,answer\nA?,yes\n,orphan\nB?\n")
    documents, problems = load_folder(tmp_path / "kb")
    assert [len(d.sections) for d in documents] == [1, 2]
    assert [(p.path, p.message) for p in problems] == [
        ("faq.csv", "line 3: no question, skipped"),
        ("faq.csv", "line 4: no answer, skipped"),
        ("faq.json", "item 2: no question, skipped"),
        ("faq.json", "item 3: no answer, skipped"),
    ]


def test_load_document_raises_knowledge_error_for_unusable_file(write, tmp_path):
    path = write("bin.txt", b"\x00\x01")
    with pytest.raises(KnowledgeError, match=r"bin.txt: binary file"):
        load_document(path, tmp_path / "kb")


def test_load_folder_rejects_a_missing_or_non_folder_root(tmp_path):
    (tmp_path / "file.md").write_text("x")
    for root in (tmp_path / "missing", tmp_path / "file.md"):
        with pytest.raises(KnowledgeError, match="not a folder"):
            load_folder(root)


def test_markdown_emphasis_and_links_are_not_quoted_to_shoppers(tmp_path):
    from knowledge.documents import load_document

    path = tmp_path / "p.md"
    path.write_text(
        "# Serum\n\n**Price:** $42 · **Size:** 30 mL\n\nSee [returns](policies/returns.md).\n\n```\n**kept** in code\n```\n"
    )
    text = load_document(path, tmp_path).sections[0].text
    assert "Price: $42 · Size: 30 mL" in text and "See returns." in text
    assert "**kept** in code" in text


def test_a_folder_named_by_a_relative_path_is_read_like_any_other(write, tmp_path, monkeypatch):
    """A plain file under a folder given as ``kb`` (relative) is inside it, not a link out."""
    path = write("returns.md", MARKDOWN)
    monkeypatch.chdir(tmp_path)
    doc = load_document(path.relative_to(tmp_path), Path("kb"))
    assert doc.id == "returns.md" and doc.title == "Returns policy"
    documents, problems = load_folder(Path("kb"))
    assert [d.id for d in documents] == ["returns.md"] and problems == []
