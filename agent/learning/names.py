"""Other people's names in a proposed answer: a colleague, a manager, someone to ask for.

No maintained named-entity model ships inside a PyPI package and runs offline here
(spaCy's ``en_core_web_sm`` is published on GitHub, not on PyPI; what PyPI has under
that name are third-party re-uploads), so this is a heuristic, tuned to flag rather
than miss:

- a word after a role or a request to reach someone: "my colleague Priya", "our
  manager Tom", "ask for Sam", "speak to Alex", "Jordan from our returns team";
- a title: "Mr Patel", "Dr. Okafor", "Mrs Li";
- two or three capitalised words in a row, none of which the knowledge base uses
  ("Priya Shah", "Tom O'Neill"), not at the very start of a sentence alone.

Missed: a lowercase name ("ask tom"), a single first name without a role or request
around it ("Tom will call"), a name the KB also uses as a word ("Rose", "Sage"), and
names in scripts without capitals. False positives: capitalised phrases the KB never
uses ("Black Friday", "Happy Holidays"); the curator sees the words and decides.
"""

from __future__ import annotations

import re

_CAP = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?"
_ROLE = re.compile(
    rf"\b(?i:my|our|a)\s+(?i:colleague|coworker|co-worker|teammate|manager|supervisor|team\s+lead"
    rf"|lead|boss|specialist|rep|representative|agent)\s+(?P<n>{_CAP}(?:\s+{_CAP})?)"
    rf"|\b(?i:ask|asking)\s+for\s+(?P<a>{_CAP})"
    rf"|\b(?i:speak|talk|write|reach\s+out)\s+(?:to|with)\s+(?P<s>{_CAP})"
    rf"|\b(?i:contact|call|email|message)\s+(?P<c>{_CAP})\b(?!\s+(?:Centre|Center|page|form|us))"
    rf"|(?P<f>{_CAP})\s+(?:from|in|on)\s+(?:our|the)\s+\w+\s+(?:team|department|desk)",
)
_TITLE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame)\.?\s+(?P<n>{_CAP})")
_PAIR = re.compile(rf"(?<![\w'])(?P<n>{_CAP}(?:\s+{_CAP}){{1,2}})(?![\w'])")
_NOT_NAMES = frozenset(
    "the a an our your we you i it this that yes no please thanks thank hi hello dear monday tuesday"
    " wednesday thursday friday saturday sunday january february march april may june july august"
    " september october november december account orders order customer service support team help"
    " centre center returns return refunds shipping store".split()
)


def other_names(text: str, kb_words: frozenset[str]) -> list[str]:
    """Why ``text`` seems to name a person (one reason per name)."""
    found: dict[str, str] = {}
    for m in _ROLE.finditer(text):
        name = next(v for v in m.groupdict().values() if v)
        if name.lower() not in _NOT_NAMES and name.split()[0].lower() not in kb_words:
            found.setdefault(name, f"names a person: {name!r} (after a role or a request)")
    for m in _TITLE.finditer(text):
        found.setdefault(m.group("n"), f"names a person: {m.group(0)!r} (a title)")
    for m in _PAIR.finditer(text):
        words = m.group("n").split()
        if any(w.lower() in _NOT_NAMES for w in words):
            continue
        if not any(w.lower().split("'")[0] in kb_words for w in words):
            found.setdefault(m.group("n"), f"names a person: {m.group('n')!r} (unknown to the KB)")
    return list(found.values())
