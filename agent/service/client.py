"""The CLI's ``--server`` mode: the same commands, sent to a running service over HTTP.

Commands that change a running service's state (``reply``, ``resolve``, ``pick-up``,
``kb review``, ``kb learned --revoke``) call its API instead of opening the store, so the
service's event streams and caches see the change at once. The key comes from ``--key`` or
``ESCALATE_API_KEY`` (an ``agent`` key for the conversation commands, a ``curator`` key for
``kb``). The server's errors are raised as :class:`~agent.errors.EscalationError` with its
code and message, which ``escalate`` prints on one line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from agent.errors import EscalationError
from agent.redact import redact_url


class ServiceClient:
    def __init__(self, url: str, key: str | None, timeout_s: float = 30.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise EscalationError(f"--server must be an http:// or https:// URL, not {url!r}")
        self.url = url.rstrip("/")
        headers = {"Accept": "application/json", "User-Agent": "escalate-cli"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout_s)

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        query = {k: v for k, v in params.items() if v is not None}
        return self._call("GET", path, params=query)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, json={k: v for k, v in body.items() if v is not None})

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        where = redact_url(self.url)
        try:
            answer = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise EscalationError(f"cannot reach the service at {where}: {exc}") from None
        try:
            body = answer.json()
        except ValueError:
            body = None
        if answer.is_success and isinstance(body, dict):
            return body
        error = (body or {}).get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            detail = f"{error.get('code', 'error')}: {error.get('message', '')}"
        else:
            detail = answer.text[:200] or answer.reason_phrase
        raise EscalationError(f"the service at {where} answered {answer.status_code} ({detail})")


def conversation_path(conversation_id: str, action: str = "") -> str:
    path = f"/v1/agent/conversations/{quote(conversation_id, safe='')}"
    return f"{path}/{action}" if action else path


def proposal_path(proposal_id: str, action: str) -> str:
    return f"/v1/curator/proposals/{quote(proposal_id, safe='')}/{action}"
