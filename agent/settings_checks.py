"""Checks the settings model runs on values a store writes: strict scalars, safe regexes."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import ValidationInfo

__all__ = ["strict_scalar", "unsafe_regex"]

_TRUE, _FALSE = {"true", "1"}, {"false", "0"}
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _kinds(annotation: Any) -> set[Any]:
    """The plain types a field accepts: ``int | None`` -> {int, NoneType}."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set(typing.get_args(annotation))
    return {annotation}


def strict_scalar(cls: Any, value: Any, info: ValidationInfo) -> Any:
    """A boolean setting takes true or false only ("no" is not true); a number is not a
    boolean. Strings "true"/"false"/"1"/"0" are accepted, as environment variables give."""
    field = cls.model_fields.get(info.field_name or "")
    if field is None or value is None:
        return value
    kinds = _kinds(field.annotation)
    if bool in kinds and not isinstance(value, bool):
        word = value.strip().lower() if isinstance(value, str) else None
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise ValueError(f"must be true or false, not {value!r}")
    if isinstance(value, bool) and kinds & {int, float} and bool not in kinds:
        raise ValueError(f"must be a number, not {value!r}")
    return value


def _walk(parsed: Any, inside_repeat: bool) -> str | None:
    """The first nested quantifier in a parsed pattern, described; None if there is none."""
    for op, av in parsed:
        name = str(op)
        if name in _REPEATS:
            low, high, sub = av
            unbounded = high > 1  # MAXREPEAT, or a count above one
            if unbounded and inside_repeat:
                return "repeats a group that itself repeats (catastrophic backtracking)"
            found = _walk(sub, inside_repeat or unbounded)
        elif name == "SUBPATTERN":
            found = _walk(av[-1], inside_repeat)
        elif name == "BRANCH":
            found = next((f for b in av[1] if (f := _walk(b, inside_repeat))), None)
        elif name in ("ASSERT", "ASSERT_NOT"):
            found = _walk(av[1], inside_repeat)
        elif name == "ATOMIC_GROUP":
            found = _walk(av, inside_repeat)
        else:
            found = None
        if found:
            return found
    return None


def unsafe_regex(pattern: str) -> str | None:
    """Why ``pattern`` is refused (a quantifier inside a quantifier such as ``(a+)+``, which
    can take exponential time on a near-miss); None when it is safe. A pattern that does not
    compile is left to the trigger rules' own check, which names the topic."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern)
    except re.error:
        return None
    return _walk(parsed, inside_repeat=False)
