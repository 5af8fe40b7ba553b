"""The one door to helpdesk APIs: every request, and every failure translated, here.

    2xx                              -> the JSON body (or {} when there is none)
    429, 408, 425, 5xx               -> TransientDeliveryError (429/503 keep Retry-After)
    timeout, connection, protocol    -> TransientDeliveryError
    any other 4xx (401/403/404/422)  -> PermanentDeliveryError with the vendor's message

Messages name the vendor, the status and what the vendor said; never a credential.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from agent.errors import PermanentDeliveryError, TransientDeliveryError
from agent.redact import redact_url

TRANSIENT_STATUS = frozenset({408, 425, 429})
_MAX_MESSAGE = 300


class HelpdeskHTTP:
    """A lazily opened httpx client with our timeouts, for one vendor."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        *,
        timeout_s: float,
        auth: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.vendor = vendor
        self.base_url = (
            base_url  # the vendors strip their trailing slash; a webhook URL is kept as given
        )
        self.timeout_s = timeout_s
        self._auth = auth
        self._headers = {"Accept": "application/json", **(headers or {})}
        self._client: httpx.Client | None = None
        self._opening = threading.Lock()

    def _http(self) -> httpx.Client:
        with self._opening:  # one pooled client, opened on first use, shared by threads
            if self._client is None:
                self._client = httpx.Client(
                    auth=self._auth,
                    headers=self._headers,
                    timeout=httpx.Timeout(self.timeout_s, connect=min(5.0, self.timeout_s)),
                    follow_redirects=False,
                )
            return self._client

    def post(
        self,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST to base_url + path; the decoded JSON object, or our delivery errors."""
        if content is not None:
            return self._send("POST", path, content=content, headers=headers)
        return self._send("POST", path, json=json_body, headers=headers)

    def put(
        self, path: str, *, json_body: Any, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """PUT JSON to base_url + path (Zendesk's ticket update); errors as for POST."""
        return self._send("PUT", path, json=json_body, headers=headers)

    def get(self, path: str, *, params: dict[str, str]) -> dict[str, Any]:
        """GET base_url + path with a query (a lookup before creating); errors as for POST."""
        return self._send("GET", path, params=params)

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = self.base_url + path
        where = f"{self.vendor} {method} {urlsplit(url).path or '/'}"  # never the query: it may hold a token
        try:
            resp = self._http().request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientDeliveryError(
                f"{where}: timed out after {self.timeout_s:g}s ({type(exc).__name__})"
            ) from exc
        except httpx.TransportError as exc:  # connect, DNS, TLS, protocol, reset
            raise TransientDeliveryError(
                f"{where}: cannot reach {urlsplit(redact_url(url)).netloc}: {exc or type(exc).__name__}"
            ) from exc
        return _decode(resp, where)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _decode(resp: httpx.Response, where: str) -> dict[str, Any]:
    status = resp.status_code
    if 200 <= status < 300:
        try:
            body = resp.json() if resp.content else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {}
        return body if isinstance(body, dict) else {"body": body}
    said = vendor_message(resp)
    message = f"{where}: HTTP {status}" + (f": {said}" if said else "")
    if status in TRANSIENT_STATUS or status >= 500:
        raise TransientDeliveryError(message, retry_after=retry_after(resp), status=status)
    raise PermanentDeliveryError(message)


def retry_after(resp: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: '120' or an HTTP date; None when absent or unreadable."""
    value = resp.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def vendor_message(resp: httpx.Response) -> str:
    """What the vendor said, from the error shapes Zendesk, Freshdesk and Gorgias use."""
    try:
        body = resp.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return " ".join(resp.text.split())[:_MAX_MESSAGE]
    return _flatten(body)[:_MAX_MESSAGE]


_KNOWN = ("error", "title", "msg", "message", "description", "details", "errors", "data")


def _flatten(body: Any) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        return "; ".join(filter(None, (_flatten(b) for b in body)))
    if not isinstance(body, dict):
        return "" if body is None else str(body)
    if "field" in body and "message" in body:  # Freshdesk: {"field", "message", "code"}
        return f"{body['field']}: {body['message']}"
    known = [k for k in _KNOWN if body.get(k) not in (None, "", [], {})]
    if known:
        return " - ".join(dict.fromkeys(filter(None, (_flatten(body[k]) for k in known))))
    return "; ".join(f"{k}: {_flatten(v)}" for k, v in body.items())
