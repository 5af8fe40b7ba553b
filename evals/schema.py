"""The eval case format (docs/eval-format.md) as pydantic: a public contract.

:func:`read_cases` never stops at a bad line: each malformed case becomes a
:class:`CaseProblem` naming the file, the line and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.settings import Queue, Vertical
from agent.state import Customer, TriggerKind


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["answer", "escalate"]
    escalate_at_turn: int | None = Field(None, ge=1)
    trigger: TriggerKind | None = None
    route: Queue | None = None
    answer_must_contain: list[str] = []
    answer_must_not_contain: list[str] = []
    supporting_docs: list[str] = []
    handoff_must_include: list[str] = []


class Case(BaseModel):
    """One conversation of an eval set."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    vertical: Vertical = "general"
    customer: Customer = Customer()
    agents_online: bool = True
    turns: list[str] = Field(min_length=1)
    expect: Expect
    notes: str | None = None
    topic: str | None = None
    agent_resolution: str | None = None

    @model_validator(mode="after")
    def _turn_in_range(self) -> Case:
        at = self.expect.escalate_at_turn
        if at is not None and at > len(self.turns):
            raise ValueError(
                f"expect.escalate_at_turn is {at} but the case has {len(self.turns)} turns"
            )
        return self


class CaseProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


def parse_line(raw: str, path: str, line: int) -> Case | CaseProblem:
    """One JSONL line to a case, or a problem naming what is wrong."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return CaseProblem(
            path=path, line=line, field="(line)", message=f"not valid JSON: {exc.msg}"
        )
    if not isinstance(data, dict):
        return CaseProblem(
            path=path, line=line, field="(line)", message="a case must be a JSON object"
        )
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(case)"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        return CaseProblem(path=path, line=line, field=where, message=msg + more)


def read_cases(path: Path) -> tuple[list[Case], list[CaseProblem]]:
    """Every valid case of a cases.jsonl file, and every problem; blank lines are skipped."""
    cases: list[Case] = []
    problems: list[CaseProblem] = []
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return [], [CaseProblem(path=str(path), line=0, field="(file)", message=str(exc))]
    seen: set[str] = set()
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        result = parse_line(raw, str(path), n)
        if isinstance(result, Case) and result.id in seen:
            result = CaseProblem(
                path=str(path), line=n, field="id", message=f"duplicate case id {result.id!r}"
            )
        if isinstance(result, CaseProblem):
            problems.append(result)
        else:
            seen.add(result.id)
            cases.append(result)
    return cases, problems
