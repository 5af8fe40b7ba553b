"""Who a KB text is written for: the shopper, or the store's own staff ("internal").

Many stores' knowledge bases are agent-facing wikis ("As a retail agent, you can help
users...", "the customer wants...", "transfer the user to a human agent"). Such text must
never be quoted to a shopper, but it still tells the person who takes a handoff what the
policy is. At ingest every section of a document gets an audience; the chunks carry it; the
retrieve step keeps internal chunks out of what an answer may quote (agent/nodes/retrieve.py).

The heuristic, in order (the first that applies wins):

1. ``knowledge.audience`` in the store's settings (or an eval set's set.toml): a glob over
   the document's path in its folder -> ``internal`` or ``shopper``; the last matching glob
   wins.
2. The document's front matter: ``audience: internal`` or ``audience: shopper``.
3. Each section's sentences are read for staff-facing markers (:data:`STRONG` and
   :data:`WEAK`). A section is internal when one sentence has a strong marker ("As an X
   agent, you...", "internal only"), or when at least :data:`MIN_WEAK_HITS` sentences and at
   least :data:`MIN_WEAK_SHARE` of them carry a weak marker ("the customer wants", "the agent
   should", "ask the user", "tool call", "the database").
   Controls on a screen ("[Pull up Account]", "click the Search button") count as weak
   markers only in a section that already has one of the others: shoppers' help pages name
   buttons too.
4. A document most of whose sections (at least two) are internal is internal as a whole:
   the rest of an agent wiki (its "Domain basics") is written for agents too.

Measured on this project's sets (``escalate kb lint --folder``): no section of the bundled
sample store or the pet store is internal; every section of tau-bench's retail policy wiki
is, and every section of ABCD's agent guidelines (evals/sets/abcd-dev) is.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from knowledge.models import Audience, Document, Flag

__all__ = [
    "Audience",
    "audience_flags",
    "label_document",
    "SectionVerdict",
    "declared_audience",
    "document_audiences",
    "section_verdict",
    "split_front_matter",
]

AUDIENCES: tuple[str, ...] = ("shopper", "internal")
VERSION = "2"
"""Bump when the heuristic changes, so the next ingest labels every document again."""

_STAFF = r"(?:agent|rep|representative|associate|advisor|csr|support staff)"
_PERSON = r"(?:customer|user|shopper|caller|client|guest|member)s?"
_ONE = r"(?:customer|user|shopper|caller|client|member)"
STRONG: dict[str, re.Pattern[str]] = {
    "addresses staff ('as an agent, you')": re.compile(
        rf"\bas an? (?:[\w-]+ ){{0,3}}{_STAFF}s?\b,? (?:you|we)\b", re.I
    ),
    "says it is internal": re.compile(
        r"\b(?:internal(?: use)? only|for (?:internal|staff|agent) use|staff only"
        r"|do not (?:share|read|show) (?:this )?(?:with|to) (?:the )?" + _PERSON + r")\b",
        re.I,
    ),
    "addresses the agent ('you as the agent')": re.compile(
        rf"\byou(?:,)? as (?:the|an?) {_STAFF}\b", re.I
    ),
}
WEAK: dict[str, re.Pattern[str]] = {
    "the customer/user wants...": re.compile(
        rf"\bthe {_PERSON} (?:wants?|needs?|must|should|asks?|requests?|can only|has to|is asking)\b",
        re.I,
    ),
    "the agent must/should...": re.compile(
        rf"\b(?:the |an? )?{_STAFF}s? (?:must|should|can|may|will|needs? to|has to|cannot)\b",
        re.I,
    ),
    "tells staff to act on the customer": re.compile(
        rf"\b(?:ask|tell|remind|inform|confirm with|deny|authenticate|verify|transfer|"
        rf"escalate|help|assist|locate|look up|instruct|advise|guide|walk|notify|greet|thank"
        rf"|direct) (?:the |any )?{_PERSON}\b",
        re.I,
    ),
    "user/customer confirmation or identity": re.compile(
        rf"\b{_PERSON}(?:'s?)? (?:confirmation|identity|id\b)", re.I
    ),
    "tools, APIs, databases": re.compile(
        r"\b(?:tool calls?|(?:the |an? )?api\b|the database|crm\b|ticket(?:ing)? (?:system|queue)"
        r"|macro\b|[a-z]+_[a-z]+_[a-z_]+)",
        re.I,
    ),
    "transfer to a human": re.compile(
        r"\btransfer(?:red)? (?:\w+ ){0,2}to (?:a |the )?(?:human|supervisor|tier)", re.I
    ),
    "speaks of the customer in the third person": re.compile(
        rf"\b(?:if|when|once|unless|whether|until) the {_ONE} (?!is responsible\b)\w+"
        rf"|\bthe {_ONE} (?:believes?|thinks?|says?|said|claims?|heard|chose|chooses|forgot"
        rf"|does(?:n't| not) (?:know|remember|have)|is (?:mistaken|correct|right|wrong|confused"
        rf"|upset|unsure|trying to)|was (?:told|sent|charged)|has (?:a question|an issue|a problem))\b"
        rf"|^(?:\W*){_ONE} (?:has|wants|needs|is asking|asks|believes)\b",
        re.I,
    ),
    "tells staff what to say or do next": re.compile(
        rf"\b(?:let (?:them|the {_ONE}) know|explain to (?:them|the {_ONE})"
        rf"|apologi[sz]e to (?:them|the {_ONE})|(?:end|close|wrap up) the (?:conversation|chat|call)"
        rf"|ask (?:them|if they|whether they)\b|tell them\b"
        rf"|(?:offer|give|send|explain|recommend|suggest) (?:\w+ ){{0,4}}to the {_ONE})",
        re.I,
    ),
    "collects the customer's details": re.compile(
        rf"\b(?:get|ask for|collect|gather|record|obtain|request|note down|enter|look up)\b"
        rf" (?:\w+ ){{0,3}}(?:their|the {_ONE}'s) (?:full )?(?:name|account|username|user name"
        rf"|e-?mail|order|phone|address|zip|membership|id)\b",
        re.I,
    ),
}
CONTROLS = re.compile(
    r"(?<![!\]])\[[A-Z][\w'&/ -]{2,40}\](?![(\[:])"
    r"|\b(?:click|press|hit|toggle|choose|select)\b (?:\w+ ){0,3}(?:button|toggle|switch|option)\b"
    r"|\b(?:input|text) (?:box|field)\b|\bas your action\b",
    re.I,
)
"""Controls on a screen ("[Pull up Account]", "click the Search button"). Help pages for
shoppers name buttons too, so a control counts as a weak marker only in a section that
already speaks of the customer as someone else (one of :data:`WEAK`)."""
MIN_WEAK_HITS = 2
MIN_WEAK_SHARE = 0.3
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_FRONT = re.compile(
    r"\A\ufeff?---[ \t]*\n((?:[ \t]*[\w-]+[ \t]*:.*\n|[ \t]*\n)*?)---[ \t]*(?:\n|\Z)"
)


@dataclass
class SectionVerdict:
    audience: Audience
    reasons: list[str] = field(default_factory=list)
    """Why, with the sentence that shows it (shortened): for `escalate kb lint`."""


def _short(sentence: str) -> str:
    s = " ".join(sentence.split())
    return s if len(s) <= 90 else s[:87] + "..."


def section_verdict(text: str) -> SectionVerdict:
    """The audience of one section's text by its sentences' markers (rule 3)."""
    sentences = [s for s in _SENTENCE.split(text) if len(s.split()) >= 3]
    weak: list[str] = []
    controls: list[str] = []
    for sentence in sentences:
        for name, pattern in STRONG.items():
            if pattern.search(sentence):
                return SectionVerdict("internal", [f"{name}: {_short(sentence)!r}"])
        names = [name for name, pattern in WEAK.items() if pattern.search(sentence)]
        if names:
            weak.append(f"{names[0]}: {_short(sentence)!r}")
        elif CONTROLS.search(sentence):
            controls.append(f"names a control on a screen: {_short(sentence)!r}")
    if weak:
        weak += controls
    if len(weak) >= MIN_WEAK_HITS and len(weak) >= MIN_WEAK_SHARE * len(sentences):
        return SectionVerdict("internal", weak)
    return SectionVerdict("shopper")


def document_audiences(
    sections: list[str], declared: Audience | None = None
) -> list[SectionVerdict]:
    """Each section's verdict (rules 2-4); ``declared`` is the front matter's or a glob's."""
    if declared is not None:
        return [SectionVerdict(declared, [f"declared {declared}"]) for _ in sections]
    verdicts = [section_verdict(text) for text in sections]
    internal = sum(v.audience == "internal" for v in verdicts)
    if internal >= 2 and internal * 2 > len(verdicts):
        reason = f"{internal} of the document's {len(verdicts)} sections are internal"
        for v in verdicts:
            if v.audience == "shopper":
                v.audience, v.reasons = "internal", [reason]
    return verdicts


def declared_audience(path: str, globs: dict[str, str]) -> Audience | None:
    """Rule 1: the last glob of ``knowledge.audience`` that matches the document's path."""
    found: Audience | None = None
    for pattern, audience in globs.items():
        if fnmatch.fnmatchcase(path, pattern) and audience in AUDIENCES:
            found = "internal" if audience == "internal" else "shopper"
    return found


def split_front_matter(text: str) -> tuple[str, dict[str, str]]:
    """A leading ``---`` block of ``key: value`` lines, removed and read (keys lowercased)."""
    match = _FRONT.match(text)
    if not match:
        return text, {}
    meta = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        if key.strip():
            meta[key.strip().lower()] = value.strip().strip("'\"")
    return text[match.end() :], meta


def label_document(doc: Document, globs: dict[str, str]) -> Document:
    """The document with each section's audience set (rules 1-4); ``doc.id`` is its path in
    the folder (before the source's name is put in front of it)."""
    declared = declared_audience(doc.id, globs) or doc.audience
    verdicts = document_audiences([s.text for s in doc.sections], declared)
    sections = [
        s.model_copy(update={"audience": v.audience})
        for s, v in zip(doc.sections, verdicts, strict=True)
    ]
    return doc.model_copy(update={"sections": sections})


def audience_flags(doc: Document) -> list[Flag]:
    """One flag per internal section, for `escalate kb lint` (kept for handoffs, not withheld)."""
    flags = []
    verdicts = document_audiences([s.text for s in doc.sections], doc.audience)
    for section, verdict in zip(doc.sections, verdicts, strict=True):
        if section.audience != "internal":
            continue
        where = " > ".join(section.heading_path) or "(top)"
        why = verdict.reasons[0] if verdict.audience == "internal" else "declared internal"
        flags.append(
            Flag(doc_id=doc.id, kind="internal", detail=f"{where} — {why}", withheld=False)
        )
    return flags
