"""evals/build_abcd_set.py: the ABCD sets' builder, on a small synthetic copy of ABCD's files."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from evals.build_abcd_set import (
    FAMILIES,
    SAMPLE_LABELS,
    BuildError,
    Family,
    Source,
    act,
    ans,
    build,
    human,
    main,
    opening,
    sensitive,
    split_of,
    unknown,
    write,
)
from evals.runner import load_set
from evals.schema import read_cases

SETS = Path(__file__).resolve().parents[2] / "evals" / "sets"

MIT = (
    "MIT License\n\nCopyright (c) 2021 ASAPP Research\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining a copy...\n"
)

GUIDELINES = {
    "Product Defect": {
        "description": "refunds and returns",
        "subflows": {
            "Return Due to Size": {
                "instructions": ["Follow these steps:", "Wrap up politely."],
                "actions": [
                    {
                        "type": "interaction",
                        "button": "Pull up Account",
                        "text": "Get Full Name or Account ID for [Pull up Account]",
                        "subtext": [],
                    },
                    {
                        "type": "faq/policy",
                        "button": "Membership Privileges",
                        "text": "Check the membership level.",
                        "subtext": [
                            "Bronze members: > return possible within the last 90 days",
                            "Ask the Oracle if unsure",
                        ],
                    },
                ],
            }
        },
    },
    "Storewide Query": {
        "description": "FAQ questions",
        "subflows": {
            "Pricing FAQ": {
                "instructions": ["Find the question:", "Price of gift wrapping"],
                "actions": [],
            }
        },
    },
}

SAMPLES = [
    {
        "convo_id": 7,
        "scenario": {"flow": "product_defect", "subflow": "return_size"},
        "original": [
            ["agent", "Hi, how can I help?"],
            ["customer", "hello"],
            ["agent", "hello!"],
            ["customer", "I want to return my boots, order 1234567890"],
            ["customer", "they are too small"],
            ["agent", "Sure, your name?"],
            ["customer", "Jo Bloggs"],
        ],
    }
]

SMALL = [
    Family(
        "returns",
        "Product Defect",
        "Return Due to Size",
        [
            ("please return order 4830193725, email me at jo@example.com", act("orders")),
            (
                ("hi", "how long do bronze members have to return things?"),
                ans("Product Defect", "90 days"),
            ),
            ("I never bought this, someone used my card", sensitive()),
            ("get me a person", human("orders")),
        ],
    ),
    Family("store", "Storewide Query", "Pricing FAQ", [("how much is gift wrap?", unknown())]),
]


def _checkout(root: Path, guidelines: dict | None = None) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "data" / "guidelines.json").write_text(json.dumps(guidelines or GUIDELINES), "utf-8")
    (root / "data" / "abcd_sample.json").write_text(json.dumps(SAMPLES), "utf-8")
    (root / "LICENSE").write_text(MIT, "utf-8")
    return root


def _by_id(cases: list[dict]) -> dict[str, dict]:
    return {c["id"]: c for c in cases}


def test_cases_are_labelled_by_the_rules(tmp_path: Path) -> None:
    built = build(Source(_checkout(tmp_path / "abcd")), SMALL)
    cases = _by_id(built.cases)

    action = cases["abcd-returns-01"]["expect"]
    assert (action["decision"], action["trigger"], action["route"]) == (
        "escalate",
        "account_action",
        "orders",
    )
    assert action["escalate_at_turn"] == 1
    assert action["handoff_must_include"] == ["4830193725", "jo@example.com"]

    answer = cases["abcd-returns-02"]
    assert answer["turns"] == ["hi", "how long do bronze members have to return things?"]
    assert answer["expect"]["decision"] == "answer"
    assert answer["expect"]["answer_must_contain"] == ["90 days"]
    assert answer["expect"]["supporting_docs"] == ["product-defect.md"]
    assert "Oracle" in answer["expect"]["answer_must_not_contain"]

    assert cases["abcd-returns-03"]["expect"]["trigger"] == "sensitive"
    assert cases["abcd-returns-03"]["expect"]["route"] == "billing"
    assert cases["abcd-returns-04"]["expect"]["trigger"] == "explicit"
    unanswerable = cases["abcd-store-01"]["expect"]
    assert (unanswerable["decision"], unanswerable["trigger"], unanswerable["route"]) == (
        "escalate",
        "low_confidence",
        None,
    )
    assert all(c["vertical"] == "apparel" for c in built.cases)


def test_a_sample_conversation_gives_the_shoppers_opening_turns(tmp_path: Path) -> None:
    built = build(Source(_checkout(tmp_path / "abcd")), SMALL)
    sample = _by_id(built.cases)["abcd-sample-7"]
    assert sample["turns"] == [
        "hello",
        "I want to return my boots, order 1234567890",
        "they are too small",
    ]
    assert sample["expect"]["escalate_at_turn"] == 2  # the turn that asks, not the aside
    assert sample["expect"]["handoff_must_include"] == ["1234567890"]
    assert opening([["customer", "hi"], ["agent", "hello"]]) == []


def test_a_sample_of_an_unlabelled_subflow_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no label"):
        build(Source(_checkout(tmp_path / "abcd")), SMALL, sample_labels={})


def test_the_kb_is_the_guidelines_verbatim_one_page_per_flow(tmp_path: Path) -> None:
    built = build(Source(_checkout(tmp_path / "abcd")), SMALL)
    assert set(built.kb) == {"product-defect.md", "storewide-query.md"}
    page = built.kb["product-defect.md"]
    assert page.startswith("# Product Defect\n\nrefunds and returns\n")
    assert "## Return Due to Size" in page
    assert "Get Full Name or Account ID for [Pull up Account]" in page
    assert "Bronze members: > return possible within the last 90 days" in page
    # the lead-in before the actions, the wrap-up after them
    assert page.index("Follow these steps:") < page.index("Check the membership level.")
    assert page.index("Check the membership level.") < page.index("Wrap up politely.")


def test_a_fact_the_kb_does_not_state_fails_the_build(tmp_path: Path) -> None:
    changed = json.loads(json.dumps(GUIDELINES))
    sub = changed["Product Defect"]["subflows"]["Return Due to Size"]
    sub["actions"][1]["subtext"][0] = "Bronze members: > return possible within the last 60 days"
    with pytest.raises(BuildError, match="'90 days' is in none of"):
        build(Source(_checkout(tmp_path / "abcd", changed)), SMALL)


def test_a_family_naming_a_flow_the_guidelines_lack_fails_the_build(tmp_path: Path) -> None:
    lost = [Family("gone", "Shipping Issue", "Shipping Status", [("where is it", act("orders"))])]
    with pytest.raises(BuildError, match="no flow 'Shipping Issue'"):
        build(Source(_checkout(tmp_path / "abcd")), lost)


def test_a_missing_file_or_licence_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="neither an ABCD checkout"):
        Source(tmp_path / "nothing")
    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path / "nothing"), "--out", str(tmp_path / "sets")])
    assert stopped.value.code == 2 and not (tmp_path / "sets").exists()
    root = _checkout(tmp_path / "abcd")
    (root / "LICENSE").write_text("All rights reserved.", "utf-8")
    with pytest.raises(BuildError, match="MIT"):
        build(Source(root), SMALL)


def test_write_splits_by_id_and_ships_the_licence(tmp_path: Path) -> None:
    root = _checkout(tmp_path / "abcd")
    built = build(Source(root, "abc123"), SMALL)
    out = tmp_path / "sets"
    counts = write(built, out)
    assert counts["dev"] + counts["test"] == len(built.cases)
    for split in ("dev", "test"):
        folder = out / f"abcd-{split}"
        assert (folder / "LICENSE-abcd.txt").read_text("utf-8") == MIT
        assert not (folder / "kb" / "LICENSE-abcd.txt").exists()
        toml = tomllib.loads((folder / "set.toml").read_text("utf-8"))
        assert toml["split"] == split
        assert "MIT licence" in toml["description"] and "abc123" in toml["description"]
        ids = [json.loads(line)["id"] for line in (folder / "cases.jsonl").open()]
        assert all(split_of(i) == split for i in ids)
        assert (folder / "kb" / "product-defect.md").is_file()
        cases, problems = read_cases(folder / "cases.jsonl")
        assert problems == [] and len(cases) == counts[split]
    assert (out / "abcd-test" / "kb").is_symlink()

    # stable: a second build writes the same split
    before = {p: (out / p / "cases.jsonl").read_text("utf-8") for p in ("abcd-dev", "abcd-test")}
    write(build(Source(root, "abc123"), SMALL), out)
    assert before == {p: (out / p / "cases.jsonl").read_text("utf-8") for p in before}


def test_the_hash_split_is_about_half_and_half() -> None:
    ids = [f"abcd-x-{n:03d}" for n in range(400)]
    dev = sum(split_of(i) == "dev" for i in ids)
    assert 160 < dev < 240
    assert [split_of(i) for i in ids] == [split_of(i) for i in ids]


def test_a_git_directory_is_read_with_git_show(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = _checkout(tmp_path / "work")

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=work, check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "abcd")
    sha = git("rev-parse", "HEAD").strip()
    mirror = tmp_path / "mirror.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(work), str(mirror)], check=True)

    out = tmp_path / "sets"
    source = Source(mirror)
    assert source.git and source.commit == sha
    write(build(source, SMALL), out)
    assert sha in (out / "abcd-dev" / "set.toml").read_text("utf-8")
    assert (out / "abcd-dev" / "LICENSE-abcd.txt").read_text("utf-8") == MIT
    from_checkout = build(Source(work), SMALL)
    from_mirror = build(Source(mirror), SMALL)
    assert from_mirror.kb == from_checkout.kb and from_mirror.cases == from_checkout.cases


def test_the_shipped_abcd_sets_load_and_match_the_builder() -> None:
    seen: set[str] = set()
    for split in ("dev", "test"):
        folder = SETS / f"abcd-{split}"
        eval_set = load_set(folder)
        assert eval_set.split == split
        cases, problems = read_cases(folder / "cases.jsonl")
        assert problems == []
        assert cases and all(split_of(c.id) == split for c in cases)
        assert (folder / "LICENSE-abcd.txt").read_text("utf-8").startswith("MIT License")
        assert any((folder / "kb").glob("*.md"))
        seen |= {c.id for c in cases}
    written = sum(len(f.asks) for f in FAMILIES) + len(SAMPLE_LABELS)
    assert len(seen) == written
    # every answer case cites a page that states its facts
    kb = SETS / "abcd-dev" / "kb"
    for split in ("dev", "test"):
        cases, _ = read_cases(SETS / f"abcd-{split}" / "cases.jsonl")
        for case in cases:
            if case.expect.decision == "answer":
                text = " ".join(
                    " ".join((kb / d).read_text("utf-8").split())
                    for d in case.expect.supporting_docs
                ).lower()
                assert all(f.lower() in text for f in case.expect.answer_must_contain), case.id
