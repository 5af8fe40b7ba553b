"""Claims, not words: does each clause of a sentence say what its sources say?

The word-overlap score of :mod:`agent.grounding` cannot see "You can not
return…" (negation words are stop words), an appended link, "forty-five days",
or ", and we also give every customer a free gift card". :func:`check_claim`
looks at each clause of a sentence and fails it when:

- its polarity differs from the source clause it restates: a negation, "only",
  "except" or "unless" on one side and not the other, or "un-"/"non-" flipping a
  word the source uses;
- it gives a link, email address or phone number the sources do not give;
- it states a number, amount, duration or percentage they do not state (numbers
  in words are read as digits first);
- it uses a content word (stemmed: "shipping" is "ship") no source uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import cache

import snowballstemmer  # type: ignore[import-untyped]

from agent.claims import STOPWORDS, unsupported_quantities
from agent.contacts import contacts, without_contacts
from agent.numbers import normalise_numbers
from agent.passages import source_sentences

_STEMMER = snowballstemmer.stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_SCOPE = re.compile(r"\b(?:per|each|every)\s+([a-z]+)")
"""A claim's scope ("once per item", "each order"): like a unit, it must be the source's."""
NEGATIONS = frozenset("not no never cannot nothing none nobody nowhere neither nor without".split())
RESTRICTIONS = frozenset("only except unless excluding exclusively solely".split())
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred dozen""".split()
)
"""Left to the quantity check, which reads them as numbers."""
_MEANINGFUL = frozenset("off".split())
"""Stop words that change a claim: "noise cancellation off"."""
GLUE = frozenset("yes sure happy glad help note simply absolutely certainly great".split())
"""Words an answer may add without claiming anything."""
_CLAUSE = re.compile(
    r";|:\s|\s[—–]\s|,\s*(?:and|but|plus|so|while|which|or|though)\s"
    r"|\s(?:and|but)\s+(?=(?:we|you|they|it|also|every|all)\b)|\sas well as\s|\splus\s",
    re.IGNORECASE,
)


@cache
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def lemmas(text: str) -> set[str]:
    """Stemmed content words; numbers and contractions are left to other checks."""
    words = (w for t in _tokens(text) for w in t.split("-"))
    return {
        stem(w)
        for w in words
        if (w not in STOPWORDS or w in _MEANINGFUL)
        and w not in _NUMBER_WORDS
        and w not in NEGATIONS
        and len(w) > 1
        and not w[0].isdigit()
        and "'" not in w
    }


def clauses(sentence: str) -> list[str]:
    """The parts of a sentence that each make a claim of their own."""
    return [c.strip(" ,.") for c in _CLAUSE.split(sentence) if len(c.strip(" ,.")) > 1]


def polarity(text: str) -> set[str]:
    """'not' when the text negates, plus each restricting word it uses."""
    words = _tokens(text)
    found = {w for w in words if w in RESTRICTIONS}
    if any(w in NEGATIONS or w.endswith("n't") for w in words):
        found.add("not")
    return found


def scopes(text: str) -> set[str]:
    """The stems a claim is scoped to: "per item", "each order", "every customer"."""
    return {stem(m) for m in _SCOPE.findall(text.lower())}


def _flips(claim: str, source: str) -> list[str]:
    """Words one side prefixes with un-/non- where the other uses the bare word."""
    flips = []
    for a, b in ((claim, source), (source, claim)):
        bare, words, theirs = lemmas(b), set(_tokens(a)), set(_tokens(b))
        for w in words:
            if w in theirs:  # both say "non-electric" (lemmas split it at the hyphen)
                continue
            for prefix in ("non-", "non", "un"):
                flipped = w.startswith(prefix) and len(w) > len(prefix) + 3
                if flipped and stem(w[len(prefix) :]) in bare and stem(w) not in bare:
                    flips.append(w)
    return flips


def _source_clauses(sources: Iterable[str]) -> list[str]:
    return [c for s in sources for sent in source_sentences(s) for c in clauses(sent)]


def _closest(clause: str, pool: list[str]) -> str | None:
    words = lemmas(clause)
    scored = [(len(words & lemmas(c)), -len(c), c) for c in pool]
    best = max(scored, default=None)
    return best[2] if best and best[0] > 0 else None


def _tied(clause: str, pool: list[str]) -> list[str]:
    """The pool's sentences sharing the most words with ``clause`` (none if none share one),
    shortest first."""
    words = lemmas(clause)
    scored = [(len(words & lemmas(c)), c) for c in pool]
    best = max((n for n, _ in scored), default=0)
    return sorted((c for n, c in scored if n == best and n > 0), key=len)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _clause_problems(
    clause: str,
    given: list[str],
    glue: AbstractSet[str],
    one: bool,
    own: AbstractSet[str] = frozenset(),
) -> list[str]:
    """A clause must use the sources' words, keep their polarity and, when ``one``, restate
    a single source sentence. ``own``: the clauses of the source sentence the whole sentence
    quotes verbatim (a table row): a clause among them restates itself, not its nearest
    neighbour ("never free" is not the header "Free over")."""
    problems = []
    words = lemmas(clause) - glue
    extra = sorted(words - set().union(*(lemmas(s) for s in given)))
    if extra:
        problems.append(f"adds {', '.join(extra)}, which no source says")
    body = [sent for s in given for sent in source_sentences(s.split("\n", 1)[-1])]
    tied = _tied(clause, body)
    titles = [s.split("\n", 1)[0] for s in given if "\n" in s]
    # of the sentences it restates equally well, the one that states its figures
    said = next((t for t in tied if not unsupported_quantities(clause, [t, *titles])), "")
    said = said or (tied[0] if tied else "")
    # a title word ("Aero Buds Pro") may name what a sentence is about, unless the
    # chunk uses it in another sentence ("returns policy" next to "returned")
    others = set().union(*(lemmas(b) for b in body if b != said))
    heads = set().union(*(lemmas(s.split("\n", 1)[0]) for s in given if "\n" in s))
    mixed = sorted(words - lemmas(said) - set(extra) - (heads - others))
    if said:  # a clause of bare figures ("$169") was checked against the whole chunk above
        moved = unsupported_quantities(clause, [said, *titles])
        mixed += [f"{v:g}{' ' + u if u else ''}" for v, u in moved]
        mixed += [f"per {s}" for s in sorted(scopes(clause) - scopes(said))]
    if mixed and one:
        problems.append(f"puts {', '.join(mixed)} where the source does not ({said!r:.60})")
    source = clause if _norm(clause) in own else _closest(clause, _source_clauses(given))
    if source is not None:
        if polarity(clause) != polarity(source):
            shown = ", ".join(sorted(polarity(clause) ^ polarity(source)))
            problems.append(f"{shown!r} on one side only (source: {source[:60]!r})")
        flipped = _flips(clause, source)
        if flipped:
            problems.append(f"{', '.join(sorted(flipped))} flips the source ({source[:60]!r})")
    return problems


def check_claim(
    sentence: str, sources: list[str], glue: Iterable[str] = (), single_source: bool = True
) -> list[str]:
    """Why ``sentence`` is not a faithful restatement of ``sources`` (empty: it is).

    ``glue`` words may be added freely; ``single_source=False`` lets a clause combine
    words of several source sentences (a summary of a conversation does).
    """
    said, given = normalise_numbers(sentence), [normalise_numbers(s) for s in sources]
    problems = [
        f"gives {c!r}, which no source gives"
        for c in sorted(contacts(said) - contacts(" ".join(given)))
    ]
    for value, unit in unsupported_quantities(said, given):
        problems.append(f"states {value:g}{' ' + unit if unit else ''}, which no source states")
    allowed = GLUE | {stem(w) for w in glue}
    quoted = next(
        (sent for s in given for sent in source_sentences(s) if _norm(sent) == _norm(said)), ""
    )
    own = {_norm(c) for c in clauses(quoted)}
    for clause in clauses(without_contacts(said)):
        problems += _clause_problems(clause, given, allowed, single_source, own)
    return problems
