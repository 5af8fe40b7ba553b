"""How much a question word the knowledge base never uses should count against a draft.

The grounding gate's ``unknown`` signal (:mod:`agent.grounding`) lists the question's words
that appear nowhere in the KB. Not all of them say the question is about something the KB
does not cover:

- an inflection of a KB word is not unknown at all ("shipped" when the KB says "ships",
  "returned" for "return"): :func:`inflections` gives the forms a word's stem takes;
- a word of the shopper's story ("I bought a bag of kibble 3 weeks ago, ...") counts less
  than a word of the clause that asks ("... can I still return it?"), when that clause
  names what it asks about (:func:`asking_clause`); "..., do you have any?" names nothing,
  so there the story is the subject and its words count in full;
- a word the question barely hinges on counts less: one whose removal hardly moves the
  question's embedding ("slept" in "my dog slept on it one night, can I still return the
  bed?"), unlike "bitcoin" in "can I pay with bitcoin?" (:mod:`agent.hinge`);
- a word close in meaning to a word of the quoted sentences ("Honolulu" beside "Hawaii",
  "torn" for "ripped") counts less, by the embedder's cosine of the two words. A product
  or place the quote does not name ("saddles", "Narnia") stays near nothing and counts in
  full.

:func:`weights` gives each unknown word a weight in [0, 1]; the gate's feature is
``1 - 0.5 ** sum(weights)``. Only the few unknown words and the quote's words are
embedded, and word vectors are cached, so a turn with no unknown word costs nothing.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from agent.claim_check import stem
from agent.claims import STOPWORDS
from agent.hinge import hinges
from agent.offline import SentenceVectors
from agent.triggers.text import fold

Embed = Callable[[list[str]], list[list[float]]]

STORY_WEIGHT = 0.5
"""A word outside the clause that asks, when that clause names what it asks about."""
NEAR_FROM, NEAR_TO = 0.45, 0.75
"""Cosine of an unknown word and the nearest quoted word: below ``NEAR_FROM`` the word
counts in full, from ``NEAR_TO`` not at all, linearly between."""
DISTINCT = 0.1
"""How far the nearest quoted word must stand above the next for coverage credit
(:func:`covered`)."""

_SUFFIXES = (
    "", "s", "es", "e", "ed", "ing", "er", "ers", "ery", "y", "ies", "ied", "ion", "ions",
    "ation", "ment", "ments", "able", "ably", "al", "ly", "ness",
)  # fmt: skip
_CLAUSE = re.compile(r"[.!?;]+\s*|,\s+|\s+[-–—]\s+|\s+(?:but|so|and then)\s+", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_]+")
# How a clause that asks begins, in the five languages (a question mark also marks one).
_ASKS = frozenset(
    """can could do does did is are was were will would should may might must shall have has
    what whats how where when which who whom whose why any
    puedo puede pueden puedes podria se como cuando donde que cual cuales cuanto cuanta
    cuantos cuantas hay tienen tiene es son esta estan hacen
    puis peut peuvent pouvez pourriez est comment quand ou quel quelle quels quelles combien
    pourquoi avez faites faut
    kann kannst konnen koennen konnt wie wann wo was welche welcher welches warum gibt ist
    sind habt haben hat darf durfen muss
    posso pode podem podes poderia como quando onde qual quais quanto quanta quantos quantas
    tem temos existe sao fazem""".split()
)
# Words that ask without naming what about: a clause of only these names nothing.
_EMPTY = frozenset(
    """do does did can could would will should may might must shall is are was were be been
    have has had get got go going make made what whats how where when which who why any one
    ones some it them this that these those there here so then now still also just really
    again ever yet else""".split()
)


# English irregular verbs: base, past, past participle ("wore" is a form of "wear" and "worn").
_IRREGULAR = """
arise arose arisen|be was been|be were been|bear bore borne|beat beat beaten|become became become
begin began begun|bend bent bent|bite bit bitten|bleed bled bled|blow blew blown
break broke broken|bring brought brought|build built built|burn burnt burnt|buy bought bought
catch caught caught|choose chose chosen|come came come|cost cost cost|cut cut cut
deal dealt dealt|dig dug dug|do did done|draw drew drawn|drink drank drunk|drive drove driven
eat ate eaten|fall fell fallen|feed fed fed|feel felt felt|fight fought fought|find found found
fit fit fit|fly flew flown|forget forgot forgotten|freeze froze frozen|get got gotten|give gave given
go went gone|grow grew grown|hang hung hung|have had had|hear heard heard|hide hid hidden
hold held held|hurt hurt hurt|keep kept kept|know knew known|lay laid laid|lead led led
leave left left|lend lent lent|lie lay lain|light lit lit|lose lost lost|make made made
mean meant meant|meet met met|pay paid paid|put put put|quit quit quit|read read read
ride rode ridden|ring rang rung|rise rose risen|run ran run|say said said|see saw seen
seek sought sought|sell sold sold|send sent sent|set set set|shake shook shaken
shine shone shone|shoot shot shot|show showed shown|shrink shrank shrunk|shut shut shut
sing sang sung|sink sank sunk|sit sat sat|sleep slept slept|slide slid slid|speak spoke spoken
spend spent spent|spill spilt spilt|spin spun spun|split split split|spread spread spread
stand stood stood|steal stole stolen|stick stuck stuck|sting stung stung|strike struck struck
swear swore sworn|sweep swept swept|swim swam swum|swing swung swung|take took taken
teach taught taught|tear tore torn|tell told told|think thought thought|throw threw thrown
understand understood understood|wake woke woken|wear wore worn|weave wove woven|win won won
wind wound wound|write wrote written"""
_FORMS: dict[str, set[str]] = {}
for _entry in _IRREGULAR.split("|"):
    _family = set(_entry.split())
    for _form in _family:
        _FORMS.setdefault(_form, set()).update(_family)


def inflections(word: str) -> set[str]:
    """Forms of ``word``'s stem: "shipped" gives "ship", "ships", "shipping", "shipment";
    an irregular verb's forms come with it ("wore": "wear", "worn", "wearing")."""
    found = set()
    for form in _FORMS.get(word, {word}):
        found |= _regular(form)
    return found


def derived(word: str, said: AbstractSet[str]) -> bool:
    """Whether ``said`` (lower-cased words) has a word of ``word``'s family the stemmer
    keeps apart: "delivered" and "delivery", "shipment" and "shipping"."""
    if not inflections(word).isdisjoint(said):
        return True
    return any(word in inflections(w) for w in said if w[:3] == word[:3])


def _regular(word: str) -> set[str]:
    root = stem(word)
    roots = {root, root + root[-1]} if root and root[-1] not in "aeiouy" else {root}
    if root.endswith("i"):
        roots.add(root[:-1] + "y")  # "deliveri" is the stem of "delivery"
    return {r + s for r in roots for s in _SUFFIXES if len(r + s) > 2}


def asking_clause(question: str) -> str | None:
    """The clause the shopper asks in, when the message also says something else ("I bought
    kibble last month, never opened it. Can I still return it?" asks "Can I still return
    it"); None when the whole message is the question, or no clause clearly asks."""
    parts = [p for p in _CLAUSE.split(question) if _TOKEN.search(p)]
    if len(parts) < 2:
        return None
    marked = [m.start() for m in re.finditer(r"\?", question)]
    asking = None
    for part in parts:
        words = _TOKEN.findall(fold(part))
        if not words:
            continue
        ends = question.find(part) + len(part)
        asks = words[0] in _ASKS or any(ends <= m <= ends + 2 for m in marked)
        if asks:
            asking = part.strip(" ¿¡\"'")
    return asking


def story_stems(question: str) -> set[str]:
    """Stems of the words only the shopper's story uses (see :func:`story_words`)."""
    story = story_words(question)
    if not story:
        return set()
    asking = asking_clause(question) or ""
    return {stem(w) for w in story} - {stem(w) for w in _TOKEN.findall(asking.lower())}


def story_words(question: str) -> set[str]:
    """Lower-cased words outside the clause that asks, when that clause names its subject
    (a word other than an asking, stop or pronoun word); empty otherwise."""
    asking = asking_clause(question)
    if asking is None:
        return set()
    named = [w for w in _TOKEN.findall(fold(asking)) if w not in _EMPTY and w not in STOPWORDS]
    if not named:
        return set()  # "..., do you have any?": the story says what is asked about
    inside = set(_TOKEN.findall(asking.lower()))
    return {w for w in _TOKEN.findall(question.lower()) if w not in inside}


_VECTORS: weakref.WeakKeyDictionary[object, SentenceVectors] = weakref.WeakKeyDictionary()


def _vectors(embed: Embed) -> SentenceVectors:
    """A caching view of ``embed``: word vectors recur from turn to turn."""
    if isinstance(embed, SentenceVectors):
        return embed
    owner = getattr(embed, "__self__", embed)
    try:
        found = _VECTORS.get(owner)
        if found is None:
            found = _VECTORS[owner] = SentenceVectors(embed, size=5_000)
    except TypeError:  # an owner that cannot be weakly referenced: no cache
        return SentenceVectors(embed, size=5_000)
    return found


def _content(quoted: Sequence[str]) -> list[str]:
    """The quoted sentences' content words, once each."""
    return list(
        dict.fromkeys(
            w
            for text in quoted
            for w in _TOKEN.findall(text.lower())
            if len(w) > 2 and w not in STOPWORDS
        )
    )


def nearest(words: Sequence[str], quoted: Sequence[str], embed: Embed) -> dict[str, float]:
    """Each word's highest cosine with a content word of the quoted sentences."""
    said = _content(quoted)
    if not words or not said:
        return {w: 0.0 for w in words}
    vectors = _vectors(embed)
    asked = vectors.matrix(list(words)).astype(np.float64)
    known = vectors.matrix(said).astype(np.float64)
    best = (asked @ known.T).max(axis=1)
    return {w: float(max(0.0, b)) for w, b in zip(words, best, strict=True)}


def closeness(cosine: float) -> float:
    """How near a word is to the quote, in [0, 1]: 0 below ``NEAR_FROM``, 1 from ``NEAR_TO``."""
    return max(0.0, min(1.0, (cosine - NEAR_FROM) / (NEAR_TO - NEAR_FROM)))


def covered(words: Sequence[str], quoted: Sequence[str], embed: Embed | None) -> dict[str, float]:
    """How much of ``words`` (question words the KB never uses, absent from the quote) the
    quote still says in its own words: each counts by its :func:`closeness` to the nearest
    quoted word ("kibble" beside "food", "meds" beside "medication").

    Only words the KB never uses get this credit: a word the KB uses elsewhere ("blue" when
    the quote says "red") names something the quote is not about. And only when one quoted
    word stands out as the neighbour (``DISTINCT`` above the next): a word about as near
    several quoted words ("Japan" beside "Germany", "Australia", "Canada") is one more
    member of the list the quote gives, which the list leaves out."""
    said = _content(quoted)
    if embed is None or not words or not said:
        return {}
    vectors = _vectors(embed)
    asked = vectors.matrix(list(words)).astype(np.float64)
    known = vectors.matrix(said).astype(np.float64)
    found = {}
    for word, row in zip(words, asked @ known.T, strict=True):
        best = np.sort(row)[::-1]
        runner_up = float(best[1]) if len(best) > 1 else 0.0
        if float(best[0]) - runner_up >= DISTINCT and closeness(float(best[0])) > 0:
            found[word] = closeness(float(best[0]))
    return found


def weights(
    question: str, unknown: Sequence[str], quoted: Sequence[str], embed: Embed | None = None
) -> dict[str, float]:
    """Each unknown word's weight in [0, 1]: 1 for a word of the asked clause that is near
    no quoted word, less for a story word or a word near one (see the module)."""
    if not unknown:
        return {}
    story = story_words(question)
    near = nearest(unknown, quoted, embed) if embed is not None else {}
    hinged = hinges(question, unknown, _vectors(embed)) if embed is not None else {}
    out = {}
    for word in unknown:
        weight = STORY_WEIGHT if word in story else 1.0
        weight *= hinged.get(word, 1.0)
        out[word] = round(weight * (1.0 - closeness(near.get(word, 0.0))), 4)
    return out


def discount(question: str, word: str, weight: float) -> str:
    """Why an unknown word counts less than in full, for the gate's problems ('' if not)."""
    if weight >= 1.0:
        return ""
    story = word in story_words(question)
    less = weight < (STORY_WEIGHT if story else 1.0)
    why = " and ".join(
        w
        for w, on in (
            ("told in the shopper's story", story),
            ("the question barely hinges on it or it is close to a quoted word", less),
        )
        if on
    )
    return f" (counted {weight:.2f}: {why})"
