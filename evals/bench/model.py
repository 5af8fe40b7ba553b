"""The model's share of a turn: LLM calls and tokens, counted through a mocked
OpenAI-compatible endpoint (respx) that answers like a real server would.

The mock drafts from the first excerpt it is given (its first sentence, cited),
or declines when there is none; handoff notes summarise the facts. Token counts
are cl100k counts of what was sent and returned, as a server reports them.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import httpx

from agent.settings import Settings
from evals.bench.kb import learned_answers
from evals.bench.setup import approve_learned, close
from knowledge.tokens import count_tokens

__all__ = ["BASE_URL", "measure_model", "reply_to"]

BASE_URL = "https://bench.invalid/v1"
_EXCERPT = re.compile(r"^\[(?P<id>[^\]\n]+)\] \([^\n]*\)\n(?P<text>[^\n]+)", re.MULTILINE)


def _content(schema: str, user: str) -> dict[str, Any]:
    found = _EXCERPT.search(user)
    if schema == "HandoffNotes":
        return {
            "summary": "The shopper asked a question the bot could not answer from the help centre.",
            "suggested_resolution": "",
            "citations": [],
        }
    if found is None:
        return {"answerable": False, "sentences": [], "note": "no excerpt answers it"}
    sentence = re.split(r"(?<=[.!?])\s", found["text"].strip())[0]
    return {"answerable": True, "sentences": [{"text": sentence, "citations": [found["id"]]}]}


def reply_to(request: httpx.Request) -> httpx.Response:
    """A chat.completions body with structured output, as an OpenAI-compatible server sends it."""
    body = json.loads(request.content)
    schema = body["response_format"]["json_schema"]["name"]
    prompt = "\n".join(m["content"] for m in body["messages"])
    content = json.dumps(_content(schema, body["messages"][-1]["content"]))
    prompt_tokens, completion_tokens = count_tokens(prompt) + 7, count_tokens(content)
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1763700000,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "logprobs": None,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
    )


def measure_model(settings: Settings, questions: list[str], learned: int = 0) -> dict[str, Any]:
    """Calls and tokens per answered turn and per handoff (each question a new conversation)."""
    try:
        import respx
    except ImportError:
        return {"skipped": "respx is not installed (pip install -e '.[dev]')"}
    from agent.runtime import EscalationAgent

    counts: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="escalate-bench-model-") as tmp:
        llm = settings.llm.model_copy(update={"base_url": BASE_URL, "max_retries": 0})
        agent = EscalationAgent(settings.model_copy(update={"llm": llm, "data_dir": Path(tmp)}))
        approve_learned(agent, learned_answers(learned))
        usage = agent.context.llm.usage
        with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
            mock.post(f"{BASE_URL}/chat/completions").mock(side_effect=reply_to)
            for n, question in enumerate(questions):
                before = (usage.calls, usage.prompt_tokens, usage.completion_tokens)
                kind = agent.send(f"bench-model-{n}", question).kind
                row = counts.setdefault(kind, {"turns": 0, "calls": 0, "max_calls": 0,
                                               "prompt_tokens": 0, "completion_tokens": 0})  # fmt: skip
                calls = usage.calls - before[0]
                row["turns"] += 1
                row["calls"] += calls
                row["max_calls"] = max(row["max_calls"], calls)
                row["prompt_tokens"] += usage.prompt_tokens - before[1]
                row["completion_tokens"] += usage.completion_tokens - before[2]
        close(agent)
    return counts
