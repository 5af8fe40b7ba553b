"""The eval runner and command end to end on a tiny set, with the real local embedder."""

import json

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.errors import ConfigError
from agent.settings import Settings
from evals.gate import Gate, load_gate, violations
from evals.report import build, markdown
from evals.runner import load_set, run_set, set_settings

CASES = [
    {
        "id": "ok-1",
        "vertical": "apparel",
        "turns": ["How many days do I have to return unworn items?"],
        "expect": {
            "decision": "answer",
            "answer_must_contain": ["30 days"],
            "answer_must_not_contain": ["60 days"],
            "supporting_docs": ["returns.md"],
        },
    },
    {
        "id": "person-1",
        "vertical": "general",
        "customer": {"name": "Dana"},
        "turns": ["Hi, it's Dana, order NW-10482", "can I talk to a human"],
        "expect": {
            "decision": "escalate",
            "escalate_at_turn": 2,
            "trigger": "explicit",
            "handoff_must_include": ["NW-10482", "Dana"],
        },
    },
    {
        "id": "gap-1",
        "vertical": "general",
        "turns": ["Do you ship to Antarctica by icebreaker?"],
        "expect": {"decision": "escalate", "escalate_at_turn": 1, "trigger": "low_confidence"},
    },
]


@pytest.fixture
def eval_set(tmp_path):
    root = tmp_path / "tiny"
    (root / "kb").mkdir(parents=True)
    (root / "kb" / "returns.md").write_text(
        "# Returns\n\n## Window\n\nYou can return unworn items within 30 days of delivery.\n"
    )
    (root / "kb" / "shipping.md").write_text(
        "# Shipping\n\n## Rates\n\nStandard shipping costs $5.95 and takes 5-7 business days.\n"
    )
    lines = [json.dumps(c) for c in CASES] + ['{"id": "broken", "turns": []}']
    (root / "cases.jsonl").write_text("\n".join(lines) + "\n")
    (root / "set.toml").write_text('name = "tiny"\n[grounding]\nthreshold = 0.45\n')
    return root


def test_a_set_runs_through_the_runtime_and_scores(eval_set, tmp_path):
    run = run_set(eval_set, Settings.load(data_dir=tmp_path / "d"))
    assert [r.case.id for r in run.records] == ["ok-1", "person-1", "gap-1"]
    assert run.problems[0].line == 4 and run.problems[0].field == "turns"
    report = build(run, "offline-extractive")
    m = report.metrics
    assert (m.hallucination_rate, m.unsafe_answer_rate, m.explicit_compliance) == (0.0, 0.0, 1.0)
    assert m.escalation_recall == 1.0 and m.repeat_info_rate == 0.0
    assert report.failed == []
    assert "# Eval report: tiny" in markdown(report)
    # the gate's verdict is recorded per turn: passed for the answer, named when it declines
    sent = run.records[0].turns[0].gate
    assert sent is not None and sent.passed and sent.declined_by is None and "30 days" in sent.draft
    gap = run.records[2].turns[0].gate
    assert gap is not None and not gap.passed and gap.declined_by
    assert report.reliability is not None and report.reliability.answered == 1
    again = run_set(eval_set, Settings.load(data_dir=tmp_path / "d"))  # the store is cached
    assert again.ingest_seconds < run.ingest_seconds + 1


def test_set_toml_overrides_settings_and_names_its_file_on_error(eval_set):
    assert set_settings(Settings.load(), load_set(eval_set)).grounding.threshold == 0.45
    (eval_set / "set.toml").write_text("[grounding]\nthreshhold = 1\n")
    with pytest.raises(ConfigError, match=r"set.toml: grounding.threshhold: unknown key"):
        set_settings(Settings.load(), load_set(eval_set))


def test_the_gate_names_what_breaks(eval_set, tmp_path):
    report = build(run_set(eval_set, Settings.load(data_dir=tmp_path / "d")), "offline")
    assert violations(report, Gate()) == []
    strict = report.model_copy(
        update={
            "metrics": report.metrics.model_copy(
                update={"hallucination_rate": 0.1, "escalation_recall": 0.5}
            )
        }
    )
    broken = violations(strict, Gate(min_escalation_recall=0.9))
    assert (
        len(broken) == 2 and "hallucination rate 10.00%" in broken[0] and "recall 0.5" in broken[1]
    )
    bad = tmp_path / "gate.toml"
    bad.write_text("max_halucination_rate = 0\n")
    with pytest.raises(ConfigError, match="max_halucination_rate: unknown key"):
        load_gate(bad)


def test_a_sets_own_gate_lines_replace_the_top_levels(eval_set, tmp_path):
    report = build(run_set(eval_set, Settings.load(data_dir=tmp_path / "d")), "offline")
    weak = report.model_copy(
        update={
            "metrics": report.metrics.model_copy(
                update={"unsafe_answer_rate": 0.2, "decision_accuracy": 0.6}
            )
        }
    )
    path = tmp_path / "gate.toml"
    path.write_text(
        "max_unsafe_answer_rate = 0.0\nmin_decision_accuracy = 0.9\n"
        f"[sets.{report.set}]\nmax_unsafe_answer_rate = 0.25\n"
    )
    broken = violations(weak, load_gate(path))
    assert len(broken) == 1 and "decision accuracy 0.6 is below the floor 0.9" in broken[0]
    other = weak.model_copy(update={"set": "another-set"})
    assert any("unsafe-answer rate 20.00%" in b for b in violations(other, load_gate(path)))
    low = weak.model_copy(
        update={"metrics": weak.metrics.model_copy(update={"deflection_rate": 0.4})}
    )
    path.write_text(
        f"[sets.{report.set}]\nmax_unsafe_answer_rate = 0.25\nmin_deflection_rate = 0.5\n"
    )
    assert violations(low, load_gate(path)) == [
        f"{report.set}: deflection 0.4 is below the floor 0.5"
    ]
    missing = weak.model_copy(
        update={"metrics": weak.metrics.model_copy(update={"deflection_rate": None})}
    )
    assert "deflection None is below" in violations(missing, load_gate(path))[0]
    path.write_text("[sets.x]\nmax_unsafe = 1\n")
    with pytest.raises(ConfigError, match="max_unsafe: unknown key"):
        load_gate(path)


def test_eval_command_writes_reports_and_fails_on_the_gate(eval_set, tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATE_DATA_DIR", str(tmp_path / "d"))
    out = tmp_path / "out"
    gate = tmp_path / "gate.toml"
    gate.write_text("min_escalation_recall = 0.5\n")
    result = CliRunner().invoke(
        app, ["eval", str(eval_set), "--out", str(out), "--gate", str(gate), "--no-plots"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / "tiny.json").read_text())["metrics"]["hallucination_rate"] == 0.0
    assert (out / "tiny.md").read_text().startswith("# Eval report: tiny")
    (eval_set / "cases.jsonl").write_text(
        json.dumps({**CASES[2], "expect": {"decision": "answer"}}) + "\n"
    )
    failing = CliRunner().invoke(
        app, ["eval", str(eval_set), "--out", str(out), "--gate", str(gate), "--no-plots"]
    )
    assert failing.exit_code == 1 and "gate:" in failing.output


def test_a_set_runs_with_an_openai_compatible_model_through_respx(eval_set, tmp_path):
    import re

    import httpx
    import respx

    def reply(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        schema = body["response_format"]["json_schema"]["name"]
        prompt = body["messages"][1]["content"]
        if schema == "Draft":
            first = re.search(r"\[([^\]]+#\d+(?:@\w+)?)\] \([^)]*\)\n(.+)", prompt)
            content = {
                "answerable": True,
                "sentences": [{"text": first.group(2), "citations": [first.group(1)]}],
                "note": "",
            }
        else:
            content = {
                "summary": "The shopper asked for a person.",
                "suggested_resolution": "",
                "citations": [],
            }
        return httpx.Response(
            200,
            json={
                "id": "c",
                "object": "chat.completion",
                "created": 1,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {
                            "role": "assistant",
                            "content": json.dumps(content),
                            "refusal": None,
                        },
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            },
        )

    settings = Settings.load(
        data_dir=tmp_path / "d", llm={"base_url": "http://llm.test/v1", "max_retries": 0}
    )
    with respx.mock(base_url="http://llm.test/v1", assert_all_mocked=True) as mock:
        mock.post("/chat/completions").mock(side_effect=reply)
        run = run_set(eval_set, settings)
        assert mock.calls.call_count >= 2
    report = build(run, "openai:m")
    ok = next(r for r in run.records if r.case.id == "ok-1")
    assert ok.turns[0].kind == "answer" and "30 days" in ok.turns[0].answer_text
    assert report.metrics.hallucination_rate == 0.0
    assert (
        next(r for r in run.records if r.case.id == "person-1").handoff.summary
        == "The shopper asked for a person."
    )


def test_the_docs_table_puts_bundled_and_unseen_sets_side_by_side(eval_set, tmp_path):
    from evals.readme import BEGIN, COMPARE_BEGIN, COMPARE_END, END, update

    bundled = build(run_set(eval_set, Settings.load(data_dir=tmp_path / "d")), "offline")
    (eval_set / "set.toml").write_text('name = "tiny-test"\nsplit = "test"\n')
    unseen = build(run_set(eval_set, Settings.load(data_dir=tmp_path / "d2")), "offline")
    assert (bundled.split, unseen.split) == (None, "test")
    page = tmp_path / "evals.md"
    page.write_text(f"# E\n\n{COMPARE_BEGIN}\nold\n{COMPARE_END}\n\n{BEGIN}\nold\n{END}\n")
    update(page, [unseen, bundled], "escalate eval tiny")
    table = page.read_text().split(COMPARE_BEGIN)[1].split(COMPARE_END)[0]
    assert "old" not in table and "Produced by `escalate eval tiny`" in table
    header = next(line for line in table.splitlines() if line.startswith("| metric"))
    assert header.index("tiny (bundled, 3)") < header.index("tiny-test (unseen, test, 3)")
    row = next(line for line in table.splitlines() if line.startswith("| decision accuracy"))
    assert row.count(f"{bundled.metrics.decision_accuracy:.1%}") == 2
    assert "| explicit recall (cases) | 100.0% (1) | 100.0% (1) |" in table


def test_a_rate_over_answered_turns_passes_when_nothing_was_answered(eval_set, tmp_path):
    report = build(run_set(eval_set, Settings.load(data_dir=tmp_path / "d")), "offline")
    none = {"hallucination_rate": None, "unsafe_answer_rate": None}
    silent = report.model_copy(
        update={"metrics": report.metrics.model_copy(update={**none, "answered_turns": 0})}
    )
    assert violations(silent, Gate()) == []
    lost = report.model_copy(
        update={"metrics": report.metrics.model_copy(update={**none, "answered_turns": 3})}
    )
    broken = violations(lost, Gate())
    assert any("hallucination rate could not be computed" in b for b in broken)
    assert any("unsafe-answer rate could not be computed" in b for b in broken)
