"""Read a knowledge-base folder into documents; a bad file becomes a LoadProblem, never a crash."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from agent.errors import KnowledgeError
from knowledge.audience import split_front_matter
from knowledge.formats import Parsed, clean, parse_csv, parse_json, parse_markdown, parse_text
from knowledge.html_text import parse_html
from knowledge.invisible import strip_invisible
from knowledge.models import Audience, DocFormat, Document, LoadProblem
from knowledge.secrets import secret_in_name, secret_in_text

__all__ = ["FORMATS", "SkippedFile", "load_document", "load_folder"]

FORMATS: dict[str, DocFormat] = {
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".csv": "csv",
}
_PARSERS: dict[DocFormat, Callable[[str], Parsed]] = {
    "md": parse_markdown,
    "txt": parse_text,
    "html": parse_html,
    "json": parse_json,
    "csv": parse_csv,
}
_BINARY_PROBE = 8192


class SkippedFile(KnowledgeError):
    """A file that cannot become a document; ``reason`` says why without the path."""

    def __init__(self, doc_id: str, reason: str, refused: bool = False) -> None:
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason
        self.refused = refused
        """Refused for safety rather than unreadable: its previous version is not kept."""


def load_folder(root: Path) -> tuple[list[Document], list[LoadProblem]]:
    """Every supported, non-hidden file under ``root``, sorted by id, plus what went wrong.

    Links are followed only to files inside ``root``; files that look like
    secrets are refused; both are reported in ``problems``.
    """
    if not root.is_dir():
        raise KnowledgeError(f"knowledge base folder not found or not a folder: {root}")
    root = root.resolve()
    documents: list[Document] = []
    problems: list[LoadProblem] = []
    for path in _kb_files(root, problems):
        try:
            documents.append(load_document(path, root, problems))
        except SkippedFile as exc:
            problems.append(LoadProblem(path=exc.doc_id, message=exc.reason, refused=exc.refused))
    return documents, problems


def load_document(path: Path, root: Path, problems: list[LoadProblem] | None = None) -> Document:
    """One file as a Document; raises SkippedFile (a KnowledgeError) when it cannot be used.

    Warnings that do not stop the load (replaced bytes, skipped FAQ rows) are
    appended to ``problems`` when it is given.
    """
    doc_id = _doc_id(path, root)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SkippedFile(doc_id, f"unsupported file type {path.suffix!r}")
    raw = _read_inside(path, root, doc_id)
    text, warnings = _decode(raw, doc_id)
    secret = secret_in_name(path.name) or secret_in_text(text)
    if secret:
        raise SkippedFile(doc_id, f"refused: {secret}", refused=True)
    text, invisible = strip_invisible(text)
    declared: Audience | None = None
    front_warnings: list[str] = []
    if fmt in ("md", "txt"):
        text, declared, front_warnings = _front_matter(text)
    try:
        parsed = _PARSERS[fmt](text)
    except KnowledgeError as exc:  # FormatError: malformed JSON or CSV
        raise SkippedFile(doc_id, f"{exc}, skipped") from exc
    if not parsed.sections:
        raise SkippedFile(doc_id, "no text found, skipped")
    if problems is not None:
        problems.extend(
            LoadProblem(path=doc_id, message=w) for w in warnings + front_warnings + parsed.warnings
        )
    title = clean(parsed.title or "", strip_lines=True).replace("\n", " ") or _pretty(path.stem)
    return Document(
        id=doc_id,
        title=title,
        format=fmt,
        sha256=hashlib.sha256(raw).hexdigest(),
        sections=parsed.sections,
        hidden_dropped=parsed.hidden,
        invisible_dropped=invisible,
        audience=declared,
    )


def _front_matter(text: str) -> tuple[str, Audience | None, list[str]]:
    """The text without its front matter, the ``audience`` it declares, and a warning for a
    value that is neither ``internal`` nor ``shopper`` (the heuristic decides then)."""
    body, meta = split_front_matter(text)
    value = meta.get("audience", "").lower()
    if not value:
        return body, None, []
    if value not in ("internal", "shopper"):
        return body, None, [f"front matter: audience {value!r} is not internal or shopper, ignored"]
    return body, ("internal" if value == "internal" else "shopper"), []


def _read_inside(path: Path, root: Path, doc_id: str) -> bytes:
    """The file's bytes, read through its resolved path, which must lie inside ``root``."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a dangling link or a loop
        raise SkippedFile(doc_id, "a broken link, skipped", refused=True) from exc
    if not real.is_relative_to(root.resolve()):  # root may be relative, or behind a link
        raise SkippedFile(doc_id, "refused: a link to a file outside the folder", refused=True)
    try:
        return real.read_bytes()
    except OSError as exc:
        raise SkippedFile(doc_id, f"cannot read the file ({exc.strerror or exc})") from exc


def _kb_files(root: Path, problems: list[LoadProblem]) -> list[Path]:
    def unreadable(exc: OSError) -> None:
        problems.append(
            LoadProblem(path=str(exc.filename), message=f"cannot list folder ({exc.strerror})")
        )

    found = []
    for folder, subfolders, names in os.walk(root, onerror=unreadable):  # never enters a link
        for name in [n for n in subfolders if Path(folder, n).is_symlink()]:
            problems.append(_linked_folder(Path(folder, name), root))
        subfolders[:] = [
            n for n in subfolders if not n.startswith(".") and not Path(folder, n).is_symlink()
        ]
        for name in names:
            reason = secret_in_name(name)
            if reason:
                problems.append(
                    LoadProblem(
                        path=_doc_id(Path(folder, name), root),
                        message=f"refused: {reason}",
                        refused=True,
                    )
                )
            elif not name.startswith(".") and Path(name).suffix.lower() in FORMATS:
                found.append(Path(folder, name))
    return sorted(found, key=lambda path: _doc_id(path, root))


def _linked_folder(path: Path, root: Path) -> LoadProblem:
    """Why a linked folder was not entered: outside the folder, or read at its own path."""
    inside = path.resolve().is_relative_to(root)
    why = "its files are read at their own path" if inside else "it leads outside the folder"
    return LoadProblem(
        path=_doc_id(path, root), message=f"a link to a folder, skipped: {why}", refused=True
    )


def _decode(raw: bytes, doc_id: str) -> tuple[str, list[str]]:
    """UTF-8 (BOM stripped; UTF-16 when it has a BOM); bad bytes are replaced, not fatal."""
    if not raw:
        raise SkippedFile(doc_id, "empty file, skipped")
    warnings = []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    elif b"\x00" in raw[:_BINARY_PROBE]:
        raise SkippedFile(doc_id, "binary file (NUL bytes), skipped")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = raw.decode("utf-8-sig", errors="replace")
            warnings.append(f"invalid UTF-8 replaced (first bad byte at offset {exc.start})")
    if not text.strip():
        raise SkippedFile(doc_id, "empty file, skipped")
    # Parsers work line by line on "\n"; Windows and old Mac files must look the same.
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _doc_id(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError as exc:
        raise KnowledgeError(f"{path} is not inside the knowledge base folder {root}") from exc


def _pretty(stem: str) -> str:
    """'return-policy_v2' -> 'Return policy v2'."""
    words = re.sub(r"[-_\s]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else stem
