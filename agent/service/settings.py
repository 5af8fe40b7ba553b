"""The HTTP service's settings (``[service]`` in a store's TOML, ``ESCALATE_SERVICE__*``)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from agent.settings_checks import strict_scalar

Role = Literal["widget", "agent", "curator", "admin"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


class ServiceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    _strict_scalars = field_validator("*", mode="before")(strict_scalar)

    host: str = "127.0.0.1"
    """Where ``escalate serve`` listens."""
    port: int = Field(8080, ge=1, le=65535)
    """The port ``escalate serve`` listens on."""
    api_keys: dict[Role, list[str]] = {}
    """Per role, the sha256 hashes of its API keys (``sha256:<64 hex>``; make one with
    ``escalate serve --hash-key``). The keys themselves are never stored. A key works for
    its own role only."""
    max_body_bytes: int = Field(256_000, ge=1_000, le=50_000_000)
    """Larger request bodies are refused with 413 before they are read."""
    session_secret: SecretStr | None = None
    """Signs the pages' login cookies. Unset: a random secret per process (logins do not
    survive a restart, and several replicas need it set)."""
    scheduler_interval_s: float = Field(15.0, gt=0, le=3600)
    """How often the service runs its scheduled jobs (wait updates, outbox retries,
    stale-wait clean-up); with several replicas one of them runs each job."""

    @field_validator("api_keys")
    @classmethod
    def _hashed(cls, keys: dict[str, list[str]]) -> dict[str, list[str]]:
        for role, hashes in keys.items():
            for value in hashes:
                if not _HASH.match(value):
                    raise ValueError(
                        f"service.api_keys.{role}: each entry is a key's hash, "
                        "'sha256:<64 hex digits>' (escalate serve --hash-key), not the key"
                    )
        return keys
