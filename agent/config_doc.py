"""The configuration reference (docs/configuration.md), generated from the settings model.

Every key, its type, its default and its docstring come from :class:`agent.settings.Settings`
and the models nested in it, so the page cannot drift from the code. Regenerate with::

    make docs          # or: python -m agent.config_doc > docs/configuration.md
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
import types
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from agent.config_doc_intro import INTRO


@cache
def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field (``x: int = 1`` then ``\"\"\"...\"\"\"``), inherited too."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError):
            continue
        first = tree.body[0] if tree.body else None
        body = first.body if isinstance(first, ast.ClassDef) else []
        for node, after in zip(body, [*body[1:], None], strict=True):
            doc = after.value if isinstance(after, ast.Expr) else None
            text = doc.value if isinstance(doc, ast.Constant) else None
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(text, str) and isinstance(target, ast.Name):
                docs[target.id] = " ".join(inspect.cleandoc(text).split())
    return docs


def _strip_optional(ann: Any) -> tuple[Any, bool]:
    if get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    if get_origin(ann) in (Union, types.UnionType):
        args = [a for a in get_args(ann) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return ann, False


def nested_model(ann: Any) -> tuple[str, type[BaseModel]] | None:
    """('', M) for M or M | None; ('.<name>', M) for dict[str, M]; ('[]', M) for list[M]."""
    inner, _ = _strip_optional(ann)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return "", inner
    args = get_args(inner)
    last = args[-1] if args else None
    if isinstance(last, type) and issubclass(last, BaseModel):
        origin = get_origin(inner)
        return (".<name>" if origin is dict else "[]" if origin is list else ""), last
    return None


def type_name(ann: Any) -> str:
    """A reader's name for a type: ``"local" or "openai"``, ``list of string``, ``number``."""
    inner, optional = _strip_optional(ann)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return "table (optional)" if optional else "table"
    origin, args = get_origin(inner), get_args(inner)
    if origin is Literal:
        name = " or ".join(json.dumps(a) for a in args)
    elif origin is list:
        name = f"list of {type_name(args[0])}"
    elif origin is dict:
        name = f"table of {type_name(args[0])} to {type_name(args[1])}"
    elif origin in (Union, types.UnionType):
        name = " or ".join(type_name(a) for a in args if a is not type(None))
    else:
        plain: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
        plain.update({Path: "path", SecretStr: "secret string"})
        name = plain.get(inner, getattr(inner, "__name__", str(inner)))
    return f"{name} (optional)" if optional else name


def _bounds(info: FieldInfo) -> str:
    signs = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "min_length": "length ≥"}
    out = [f"{s} {getattr(m, k)}" for m in info.metadata for k, s in signs.items() if hasattr(m, k)]
    return f", {', '.join(out)}" if out else ""


def _toml(value: Any) -> str:
    if isinstance(value, BaseModel):
        return "see its section"
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, dict):
        if any(isinstance(v, BaseModel) for v in value.values()):
            return ", ".join(f"`{k}`" for k in value)
        pairs = ", ".join(f"{k} = {_toml(v)}" for k, v in value.items())
        return f"{{ {pairs} }}" if pairs else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def default_text(info: FieldInfo) -> str:
    """The default as a store would write it in TOML, or *required*."""
    if info.is_required():
        return "*required*"
    value = info.get_default(call_default_factory=True)
    shown = _toml(value)
    return shown if isinstance(value, BaseModel) or "`" in shown else f"`{shown}`"


def sections(
    model: type[BaseModel], path: str = "", doc: str = ""
) -> Iterator[tuple[str, type[BaseModel], str]]:
    """(dotted path, model, the parent field's docstring) for the model and every nested one."""
    yield path, model, doc
    docs = field_docs(model)
    for name, info in model.model_fields.items():
        nested = nested_model(info.annotation)
        if nested is not None:
            suffix, sub = nested
            sub_path = f"{path}.{name}{suffix}".lstrip(".")
            yield from sections(sub, sub_path, docs.get(name, ""))


def _cell(text: str) -> str:
    """Docstring text as a Markdown table cell: RST roles and double backticks made plain."""
    text = re.sub(r":\w+:`([^`]+)`", r"`\1`", text).replace("``", "`")
    return text.replace("|", "\\|").replace("\n", " ")


def section_markdown(path: str, model: type[BaseModel], parent_doc: str) -> list[str]:
    heading = "Top level" if not path else f"`[{path}]`"
    if path.endswith("[]"):
        heading = f"`[[{path[:-2]}]]`"
    lines = [f"## {heading}", ""]
    intro = parent_doc or (inspect.getdoc(model) if model.__doc__ else "") or ""
    if intro:
        lines += [_cell(" ".join(intro.split())), ""]
    lines += ["| key | type | default | description |", "|---|---|---|---|"]
    docs = field_docs(model)
    for name, info in model.model_fields.items():
        kind = type_name(info.annotation) + _bounds(info)
        where = nested_model(info.annotation)
        desc = docs.get(name, "")
        if where is not None:
            desc = (desc + " " if desc else "") + "See its own section below."
        lines.append(f"| `{name}` | {_cell(kind)} | {default_text(info)} | {_cell(desc)} |")
    return [*lines, ""]


def render() -> str:
    """The whole page, Markdown."""
    from agent.settings import Settings

    out = [INTRO.strip(), ""]
    for path, model, doc in sections(Settings):
        out += section_markdown(path, model, doc)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
