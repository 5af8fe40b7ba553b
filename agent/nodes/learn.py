"""learn: a person's resolution becomes a *proposed* learned answer, for a curator to review.

Nothing here reaches retrieval: only a curator's approval does
(:mod:`agent.learning.curation`). Learning never costs a conversation: if the
proposal cannot be made, the resolution stands and the reason is logged.
"""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import Context
from agent.learning.book import ProposalBook
from agent.learning.propose import (
    Checks,
    draft_proposal,
    file_proposal,
    not_worth_learning,
    similarity_for,
)
from agent.state import ConversationState

log = logging.getLogger(__name__)


def learn(state: ConversationState, runtime: Runtime[Context]) -> dict:
    ctx = runtime.context
    resolution = state.get("resolution")
    if not resolution or runtime.store is None or not ctx.settings.learning.propose:
        return {}
    try:
        book = ProposalBook(runtime.store)
        if why := not_worth_learning(dict(state), resolution):
            return {"resolution": {**resolution, "proposal": why}}
        proposal = draft_proposal(dict(state), resolution, Checks(ctx.retriever, ctx.settings))
        if proposal is None:
            return {"resolution": {**resolution, "proposal": "no question to learn from"}}
        if book.get(proposal.id) is None:  # a retried step files it once
            proposal = file_proposal(proposal, book, similarity_for(ctx))
        return {"resolution": {**resolution, "proposal": proposal.id}}
    except Exception as exc:  # noqa: BLE001 - the resolution stands whatever learning does
        log.exception("no proposal from conversation %s", state.get("conversation_id"))
        return {"resolution": {**resolution, "proposal": f"failed: {exc}"}}
