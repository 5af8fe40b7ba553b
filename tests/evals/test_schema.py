import json

from evals.schema import Case, read_cases

GOOD = {
    "id": "apparel-returns-003",
    "vertical": "apparel",
    "customer": {
        "name": "Sarah K.",
        "tier": "vip",
        "orders": [{"id": "4521", "items": [{"sku": "TEE", "qty": 2}]}],
    },
    "agents_online": True,
    "turns": ["Hi", "Can I return it?"],
    "expect": {
        "decision": "answer",
        "escalate_at_turn": None,
        "trigger": None,
        "route": None,
        "answer_must_contain": ["30 days"],
    },
    "notes": "free text",
}


def _write(tmp_path, lines):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_documented_example_parses():
    case = Case.model_validate(GOOD)
    assert case.customer.orders[0].id == "4521"


def test_bad_lines_are_reported_with_line_and_field_and_skipped(tmp_path):
    bad_trigger = {**GOOD, "id": "b", "expect": {**GOOD["expect"], "trigger": "angry"}}
    typo = {**GOOD, "id": "c", "expect": {**GOOD["expect"], "answer_must_contian": ["x"]}}
    late = {**GOOD, "id": "d", "expect": {**GOOD["expect"], "escalate_at_turn": 5}}
    path = _write(
        tmp_path,
        [
            json.dumps(GOOD),
            "{not json",
            json.dumps(bad_trigger),
            "",
            json.dumps(typo),
            json.dumps(late),
            json.dumps(GOOD),
        ],
    )
    cases, problems = read_cases(path)
    assert [c.id for c in cases] == ["apparel-returns-003"]
    described = [(p.line, p.field) for p in problems]
    assert described == [
        (2, "(line)"),
        (3, "expect.trigger"),
        (5, "expect.answer_must_contian"),
        (6, "(case)"),
        (7, "id"),
    ]
    assert all(p.path == str(path) for p in problems)


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    cases, problems = read_cases(tmp_path / "nope.jsonl")
    assert cases == [] and problems[0].field == "(file)"
