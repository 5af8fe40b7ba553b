"""The CI gate: no set may hallucinate or ignore an explicit request; unsafe answers,
escalation recall, decision accuracy and deflection keep to the floors recorded from a measured run,
per set (``[sets.<name>]``) where a set's own differ from the top level's."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import ConfigError
from agent.settings import describe_validation_error
from evals.report import SetReport


class SetGate(BaseModel):
    """One set's own lines (``[sets.<name>]``): what it does not say, the gate's top level says."""

    model_config = ConfigDict(extra="forbid")
    max_hallucination_rate: float | None = Field(None, ge=0, le=1)
    max_unsafe_answer_rate: float | None = Field(None, ge=0, le=1)
    max_explicit_violations: int | None = Field(None, ge=0)
    min_escalation_recall: float | None = Field(None, ge=0, le=1)
    min_decision_accuracy: float | None = Field(None, ge=0, le=1)
    min_deflection_rate: float | None = Field(None, ge=0, le=1)


class Gate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_hallucination_rate: float = Field(0.0, ge=0, le=1)
    max_unsafe_answer_rate: float = Field(0.0, ge=0, le=1)
    max_explicit_violations: int = Field(0, ge=0)
    min_escalation_recall: float = Field(0.9, ge=0, le=1)
    """The floor, recorded from a measured run; raise it when recall improves."""
    min_decision_accuracy: float = Field(0.0, ge=0, le=1)
    min_deflection_rate: float = Field(0.0, ge=0, le=1)
    """Of the cases the KB answers, the share the bot answered without a handoff."""
    sets: dict[str, SetGate] = {}
    """Per-set lines by the set's name (floors recorded from a measured run of that set)."""

    def for_set(self, name: str) -> Gate:
        """The lines that hold for one set: its own, else the top level's."""
        own = self.sets.get(name)
        if own is None:
            return self
        changes = {k: v for k, v in own.model_dump().items() if v is not None}
        return self.model_copy(update=changes)


def load_gate(path: Path) -> Gate:
    try:
        return Gate(**tomllib.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, str(path))) from exc


def violations(report: SetReport, gate: Gate) -> list[str]:
    """What breaks the gate; a metric that could not be computed breaks it too."""
    m = report.metrics
    gate = gate.for_set(report.set)
    out = []

    def over(name: str, value: float | None, limit: float) -> None:
        if value is None and m.answered_turns == 0:
            return  # a ceiling on answered turns holds when the bot answered none (shown: missing)
        if value is None:
            out.append(f"{report.set}: {name} could not be computed")
        elif value > limit:
            out.append(f"{report.set}: {name} {value:.2%} is above {limit:.2%}")

    over("hallucination rate", m.hallucination_rate, gate.max_hallucination_rate)
    over("unsafe-answer rate", m.unsafe_answer_rate, gate.max_unsafe_answer_rate)
    if m.explicit_violations > gate.max_explicit_violations:
        out.append(
            f"{report.set}: {m.explicit_violations} explicit request(s) got a further bot answer or no handoff"
        )
    if gate.min_decision_accuracy and (
        m.decision_accuracy is None or m.decision_accuracy < gate.min_decision_accuracy
    ):
        out.append(
            f"{report.set}: decision accuracy {m.decision_accuracy} is below the floor {gate.min_decision_accuracy}"
        )
    if gate.min_deflection_rate and (
        m.deflection_rate is None or m.deflection_rate < gate.min_deflection_rate
    ):
        out.append(
            f"{report.set}: deflection {m.deflection_rate} is below the floor {gate.min_deflection_rate}"
        )
    if m.escalation_recall is None or m.escalation_recall < gate.min_escalation_recall:
        out.append(
            f"{report.set}: escalation recall {m.escalation_recall} is below the floor {gate.min_escalation_recall}"
        )
    return out
