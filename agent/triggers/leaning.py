"""Label a handoff that happens anyway: its intent (so its queue) and reasons, by example.

The vote that may *cause* a handoff (``Thresholds.trigger``) is strict: a false
alarm there hands an answerable question to a person. When the bot hands off for
another reason (typically ``low_confidence``: the knowledge base could not ground an
answer), the vote decides nothing about escalating; it only labels the handoff that
happens regardless:

- the intent of the winning bank becomes the handoff's intent, so a promo code that
  will not apply or a password reset that never arrives reaches the queue of its
  intent, not the one a keyword picked ("code" is no keyword of any intent);
- an escalating bank's trigger (``account_action``, ``explicit``, ``sensitive``,
  ``sentiment``) joins the handoff's reasons when it is not there yet: the person
  sees "verify the shopper, then make the change", and the account-action rules route it.

A wrong label costs a transfer between queues, not a needless handoff, so the
limits are the vote's own (``Thresholds.label``, per trigger, next to the strict ones
in ``packs/intent_thresholds.toml``): for the shipped embedder an account action
labels with 3 of the 5 nearest examples agreeing (a handoff needs all 5), the nearest
at least 0.68 similar and 0.06 nearer than any other trigger's; an answer bank names
the intent with 3 of 5 at 0.5 (0.6 to name it on a turn the bot answers). ``python -m evals.calibrate_intents`` chooses
them on the dev sets and the tune half of the probe phrasings only: among the
messages the strict vote leaves unlabelled, each trigger's label limits maximise
right reasons plus right queues minus ``LABEL_COST`` times wrong reasons (a reason
added to a message expecting another one, or to an answerable message) and wrong
queues. A message whose vote is below every label floor keeps its keyword intent.

Nothing here changes whether the bot answers or escalates: ``label`` runs in the
handoff node, after the decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.state import TriggerHit
from agent.triggers.banks import ESCALATING
from agent.triggers.nearest import Thresholds, Verdict

__all__ = ["LABELLING", "Labelled", "label", "leaning"]

LABELLING: tuple[str, ...] = (*ESCALATING, "answer")
"""Triggers whose vote may label a handoff, the first one winning among several questions."""


@dataclass(frozen=True)
class Labelled:
    """A handoff's reasons, intent and sensitive topics after the vote labelled it."""

    hits: list[TriggerHit]
    intent: str
    topics: list[str]
    by: Verdict | None = None
    """The verdict that labelled it; None: the handoff is as the triggers left it."""


def leaning(verdicts: list[Verdict], limits: Thresholds) -> Verdict | None:
    """The verdict that labels the handoff: none when the strict vote already fired (its
    intent and trigger are on the turn already), else the first of ``LABELLING`` order
    (nearest first among equals) that clears its label limits."""
    if any(v.fires(limits) for v in verdicts):
        return None
    rank = {kind: i for i, kind in enumerate(LABELLING)}
    near = [v for v in verdicts if v.meets(limits.label.get(v.bank.trigger))]
    near.sort(key=lambda v: (rank.get(v.bank.trigger, len(rank)), -v.score))
    return near[0] if near else None


def label(
    hits: list[TriggerHit],
    intent: str,
    topics: list[str],
    verdict: Verdict | None,
    message: str,
) -> Labelled:
    """The handoff's reasons, intent and topics labelled by ``verdict`` (see the module
    docstring); None: unchanged."""
    if verdict is None:
        return Labelled(list(hits), intent, list(topics))
    kind = verdict.bank.trigger
    hits, topics = list(hits), list(topics)
    if kind in ESCALATING and all(h.kind != kind for h in hits):
        hits.append(
            TriggerHit(
                kind=kind,  # type: ignore[arg-type]
                reason=f"labels the handoff: like the {verdict.label} examples "
                f"({verdict.votes} nearest, similarity {verdict.score:.2f})",
                evidence=message.strip()[:200],
                score=round(verdict.score, 3),
            )
        )
        if kind == "sensitive":
            topics.append(f"examples.{verdict.bank.topic}")
        # the order detect reports in: the escalating kinds first, then the rest as they were
        order = {k: i for i, k in enumerate(ESCALATING)}
        hits.sort(key=lambda h: order.get(h.kind, len(order)))
    return Labelled(hits, verdict.bank.intent, topics, verdict)
