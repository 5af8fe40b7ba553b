"""Where handoffs are delivered: the ``[helpdesk]`` section of a store's TOML.

    [helpdesk]
    kind = "zendesk"            # local | zendesk | freshdesk | gorgias | webhook

    [helpdesk.zendesk]
    subdomain = "acme"          # acme.zendesk.com
    email = "bot@acme.com"
    api_token = "..."           # or ESCALATE_HELPDESK__ZENDESK__API_TOKEN

Only the chosen vendor's section is needed; a missing one is reported by its key.
"""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from agent.settings_checks import strict_scalar

Kind = Literal["local", "zendesk", "freshdesk", "gorgias", "webhook"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    _strict_scalars = field_validator("*", mode="before")(strict_scalar)


def _host(value: str, suffix: str) -> str:
    """'acme' -> 'acme.zendesk.com'; a full host name is kept as given."""
    value = value.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not value:
        raise ValueError("must not be empty")
    return value if "." in value else f"{value}.{suffix}"


class ZendeskSettings(_Section):
    subdomain: str
    """'acme' for acme.zendesk.com."""
    email: str
    """The agent the API token belongs to (basic auth ``{email}/token:{api_token}``)."""
    api_token: SecretStr
    """A Zendesk API token (Admin Center > Apps and integrations > Zendesk API)."""
    webhook_secret: SecretStr | None = None
    """The signing secret of the Zendesk webhook that calls ``/v1/webhooks/zendesk``
    (Admin Center > Webhooks > the webhook > Signing secret). Unset: that endpoint refuses
    every request (docs/helpdesk-sync.md)."""

    @property
    def host(self) -> str:
        return _host(self.subdomain, "zendesk.com")


class FreshdeskSettings(_Section):
    domain: str
    """'acme' or 'acme.freshdesk.com'."""
    api_key: SecretStr
    """An agent's API key (basic auth ``{api_key}:X``)."""
    webhook_secret: SecretStr | None = Field(None, min_length=16)
    """A shared secret (16+ characters) that Freshdesk's automation webhooks send in the
    ``X-Escalate-Webhook-Secret`` header to ``/v1/webhooks/freshdesk`` (Freshdesk signs
    nothing; docs/helpdesk-sync.md). Unset: that endpoint refuses every request."""

    @property
    def host(self) -> str:
        return _host(self.domain, "freshdesk.com")


class GorgiasSettings(_Section):
    domain: str
    """'acme' or 'acme.gorgias.com'."""
    email: str
    """The Gorgias user the API key belongs to; also the author of the internal note."""
    api_key: SecretStr
    """A Gorgias REST API key (basic auth ``{email}:{api_key}``)."""
    webhook_secret: SecretStr | None = Field(None, min_length=16)
    """A shared secret (16+ characters) that the Gorgias HTTP integration sends in the
    ``X-Escalate-Webhook-Secret`` header to ``/v1/webhooks/gorgias`` (Gorgias signs
    nothing; docs/helpdesk-sync.md). Unset: that endpoint refuses every request."""

    @property
    def host(self) -> str:
        return _host(self.domain, "gorgias.com")


class WebhookSettings(_Section):
    url: str
    """Where ``handoff.created`` events are POSTed (https in production)."""
    secret: SecretStr = Field(min_length=16)
    """The signing secret (16+ characters): ``whsec_`` + base64 of the key, as Standard
    Webhooks libraries expect, or any other string, used as its UTF-8 bytes."""

    @field_validator("secret")
    @classmethod
    def _whsec_is_base64(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if raw.startswith("whsec_"):
            try:
                base64.b64decode(raw.removeprefix("whsec_"), validate=True)
            except binascii.Error:
                raise ValueError("a whsec_ secret must be base64 after the prefix") from None
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http:// or https:// URL")
        return value


class HelpdeskSettings(_Section):
    """The adapter handoffs go to, its credentials, and how hard the outbox retries."""

    kind: Kind = "local"
    """local: the built-in inbox in the records store (no helpdesk needed)."""
    zendesk: ZendeskSettings | None = None
    """Credentials for ``kind = "zendesk"``."""
    freshdesk: FreshdeskSettings | None = None
    """Credentials for ``kind = "freshdesk"``."""
    gorgias: GorgiasSettings | None = None
    """Credentials for ``kind = "gorgias"``."""
    webhook: WebhookSettings | None = None
    """Where and how to sign for ``kind = "webhook"``."""
    base_url: str | None = None
    """Override the vendor's API root (a self-hosted proxy, a test server)."""
    timeout_s: float = Field(10.0, gt=0, le=120)
    """Per-request timeout (connect is capped at 5 s)."""
    max_attempts: int = Field(8, ge=1, le=100)
    """Failed deliveries (timeouts, 5xx) before an item is marked failed; 429s do not count."""
    backoff_s: float = Field(30.0, gt=0)
    """Wait after the first failure; doubled after each further one."""
    backoff_cap_s: float = Field(3600.0, gt=0)
    """Longest wait between two attempts (a Retry-After header may ask for longer)."""
    lease_s: float = Field(120.0, gt=0)
    """How long a sender owns an item; another process may take it over after that."""

    @model_validator(mode="after")
    def _chosen_kind_is_configured(self) -> HelpdeskSettings:
        if self.kind != "local" and getattr(self, self.kind) is None:
            needs = {
                "zendesk": "subdomain, email, api_token",
                "freshdesk": "domain, api_key",
                "gorgias": "domain, email, api_key",
                "webhook": "url, secret",
            }[self.kind]
            raise _invalid(
                f"helpdesk.{self.kind} is missing: kind = {self.kind!r} needs [helpdesk.{self.kind}] with {needs}"
            )
        if self.backoff_cap_s < self.backoff_s:
            raise _invalid("helpdesk.backoff_cap_s must be at least helpdesk.backoff_s")
        if self.lease_s < 3 * self.timeout_s:
            raise _invalid(
                "helpdesk.lease_s must be at least 3 x helpdesk.timeout_s (a delivery may take two requests)"
            )
        return self


def _invalid(message: str) -> PydanticCustomError:
    """A validation error whose message is ours alone (no 'Value error, ' prefix)."""
    return PydanticCustomError("helpdesk_settings", message)
