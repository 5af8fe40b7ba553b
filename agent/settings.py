"""Every knob, in one pydantic-settings model, read once and injected.

Sources, strongest first: keyword arguments, a store's TOML file
(``Settings.load(path)``), ``ESCALATE_*`` environment variables
(``ESCALATE_LLM__BASE_URL``), the defaults below. Unknown keys are rejected by
name so that a typo in a store's TOML fails loudly.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.errors import ConfigError
from agent.helpdesk.settings import HelpdeskSettings
from agent.messages.settings import LanguageSettings
from agent.ops.hours import Hours
from agent.ops.rules import RoutingRule, check_rules, effective_rules
from agent.service.settings import ServiceSettings
from agent.settings_checks import strict_scalar, unsafe_regex

Vertical = Literal["apparel", "beauty", "supplements", "electronics", "home", "general"]
# The built-in queues (the eval format scores these); a store may add its own (QueueName).
Queue = Literal["billing", "compliance", "technical", "sales", "orders", "vip", "general"]
QueueName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
VERTICALS: tuple[str, ...] = Vertical.__args__  # type: ignore[attr-defined]
QUEUES: tuple[str, ...] = Queue.__args__  # type: ignore[attr-defined]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    _strict_scalars = field_validator("*", mode="before")(strict_scalar)


class LLMSettings(_Section):
    base_url: str | None = None
    """OpenAI-compatible endpoint (``https://.../v1``). None: the offline extractive backend."""
    api_key: SecretStr = SecretStr("not-needed")
    """Sent as a bearer token; local servers (vLLM, Ollama, llama.cpp) ignore it."""
    model: str = "gpt-4o-mini"
    """Chat model that drafts answers and writes handoff summaries."""
    timeout_s: float = Field(20.0, gt=0)
    """Per-request timeout; the client's own default (600 s) is far too long for a chat."""
    max_retries: int = Field(2, ge=0, le=10)
    """Retries on 429/5xx/timeouts, honouring Retry-After."""
    temperature: float = Field(0.0, ge=0, le=2)
    """Sampling temperature; 0 keeps drafts as repeatable as the server allows."""
    turn_deadline_s: float = Field(12.0, gt=0, le=120)
    """All model and embeddings calls of one shopper turn, retries and Retry-After waits
    included, end by this many seconds; then the turn is answered without them or handed off."""
    breaker_failures: int = Field(3, ge=1, le=100)
    """Failed calls in a row after which an endpoint is skipped (the circuit opens)."""
    breaker_cooldown_s: float = Field(30.0, gt=0, le=3600)
    """How long an open circuit skips the endpoint before one trial call goes through."""


class EmbeddingSettings(_Section):
    backend: Literal["local", "openai"] = "local"
    """local: all-MiniLM-L6-v2 on ONNX Runtime from packaged files. openai: the LLM endpoint."""
    model: str = "text-embedding-3-small"
    """Model name for the openai backend (ignored by the local one)."""
    base_url: str | None = None
    """Embeddings endpoint; defaults to ``llm.base_url``."""
    threads: int = Field(2, ge=1, le=64)
    """ONNX Runtime intra-op threads for the local model."""


class KnowledgeSettings(_Section):
    chroma_path: Path | None = None
    """Embedded Chroma folder; default ``<data_dir>/chroma``."""
    chroma_url: str | None = None
    """A Chroma server (``http://host:8000``); overrides chroma_path."""
    chroma_timeout_s: float = Field(10.0, gt=0)
    """Per-request timeout for a Chroma server (a hung server then hands the turn off)."""
    chunk_max_tokens: int = Field(160, ge=32, le=2000)
    """Upper bound of a chunk in cl100k tokens (the local embedder's window is ~180)."""
    top_k: int = Field(4, ge=1, le=20)
    """Chunks retrieved per question."""
    prune_limit: int = Field(3, ge=0)
    """An ingest that would remove more documents than this from a source stops unless
    ``--prune`` is given (or confirmed on a terminal)."""
    url_allow_hosts: list[str] = []
    """The store's own domains: links to them (or their subdomains) in KB files are not flagged."""
    serve_flagged_instructions: bool = False
    """Write KB chunks that read like instructions to the bot anyway (they are still flagged)."""
    audience: dict[str, Literal["internal", "shopper"]] = {}
    """Who documents are written for, by a glob over their path in the KB folder
    (``"agent-wiki/**" = "internal"``); the last matching glob wins over a document's front
    matter and the heuristic. Internal text is never quoted to a shopper; it still feeds the
    handoff's suggested resolution (docs/knowledge-base.md)."""


class TriggerSettings(_Section):
    explicit_extra_phrases: list[str] = []
    """More ways this store's shoppers ask for a person."""
    sensitive_extra: dict[str, list[str]] = {}
    """Store topics: name -> regular expressions (case-insensitive) that trip it. A pattern
    that could backtrack catastrophically (a quantifier inside a quantifier) is refused."""
    sensitive_disabled: list[str] = []
    """Default topics this store turns off (by name, see ``escalate triggers``)."""
    intent_examples: Path | None = None
    """A folder of the store's own example banks (TOML, docs/intents.md): a file named like a
    built-in bank adds examples to it, any other name is a new intent."""
    sentiment_threshold: float = Field(-0.55, ge=-1, le=0)
    """VADER compound score at or below which the shopper is taken to be upset."""
    loop_similarity: float = Field(0.72, gt=0, le=1)
    """How alike two shopper messages must be to count as the same question."""
    loop_repeats: int = Field(2, ge=1)
    """Asking the same thing this many more times (three strikes: 2) hands off."""
    failed_answers: int = Field(2, ge=1)
    """Consecutive answers the shopper rejects before we hand off."""
    vip_tiers: list[str] = ["vip", "platinum", "gold"]
    """Customer-record tiers treated as VIP (never what the shopper claims)."""
    vip_lifetime_value: float | None = 1500.0
    """Lifetime value at or above which a customer is VIP; None disables the rule."""
    vip_policy: Literal["problems", "always", "never"] = "problems"
    """problems: a VIP with an order problem or a complaint goes to a person."""
    purchase_value_threshold: float = Field(1000.0, ge=0)
    """A buying question at or above this amount goes to sales."""
    purchase_quantity_threshold: int = Field(10, ge=2)
    """A buying question for this many units or more goes to sales."""
    complexity_questions: int = Field(3, ge=2)
    """Distinct questions in one message that make it too complex to answer."""

    @field_validator("sensitive_extra", mode="after")
    @classmethod
    def _safe_patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for topic, patterns in value.items():
            for pattern in patterns:
                problem = unsafe_regex(pattern)
                if problem:
                    raise ValueError(f"topic {topic!r}: pattern {pattern!r} {problem}")
        return value


class GroundingSettings(_Section):
    threshold: float = Field(0.5, ge=0, le=1)
    """Grounding confidence below which a draft is never sent."""
    threshold_by_vertical: dict[Vertical, float] = {"supplements": 0.55, "beauty": 0.52}
    """Stricter thresholds where a wrong answer costs more."""
    min_retrieval_score: float = Field(0.3, ge=0, le=1)
    """Below this cosine similarity the best chunk is not about the question."""

    def threshold_for(self, vertical: str) -> float:
        return self.threshold_by_vertical.get(vertical, self.threshold)  # type: ignore[call-overload]


class QueueSettings(_Section):
    team: str
    """How the shopper hears the team named."""
    wait_minutes: int = Field(5, ge=0)
    """Typical wait to reach a person in this queue while on shift."""
    typical_handle_minutes: float | None = Field(None, gt=0)
    """Minutes an agent usually spends on one handoff; the wait estimate uses it until the
    queue has a history of its own. None: ``wait_minutes``."""
    skills: list[str] = []
    """What this queue's people handle (``["returns", "exchanges"]``), for the helpdesk."""
    hours: Hours | None = None
    """This queue's own hours; the fields it sets override ``handoff.hours``."""

    @property
    def typical_handle_s(self) -> float:
        minutes = self.typical_handle_minutes
        return 60.0 * (minutes if minutes is not None else self.wait_minutes)


def _default_queues() -> dict[str, QueueSettings]:
    names = {
        "billing": ("our billing team", 6),
        "compliance": ("our product safety specialists", 10),
        "technical": ("our technical support team", 8),
        "sales": ("our sales advisors", 4),
        "orders": ("our order support team", 5),
        "vip": ("your dedicated VIP concierge", 2),
        "general": ("our customer care team", 5),
    }
    return {q: QueueSettings(team=t, wait_minutes=w) for q, (t, w) in names.items()}


class HandoffSettings(_Section):
    queues: dict[QueueName, QueueSettings] = Field(default_factory=_default_queues)
    """Per-queue team name and wait; a store's TOML overrides the queues it names, keeps the rest,
    and may add its own (``[handoff.queues.returns_team]``, which must name its ``team``)."""
    rules: list[RoutingRule] = []
    """The store's routing rules, tried in order before the built-in ones; first match wins."""
    replace_default_rules: bool = False
    """True: only the store's rules route (no match: the general queue)."""
    hours: Hours = Hours()
    """Business hours of every queue. Default: always open."""
    email_wait_minutes: int = Field(15, ge=0)
    """Off shift with no email on record, the ticket waits this long for the answer to the
    one email question before it goes to the helpdesk anyway (replies then come in the chat)."""
    offline_reply_hours: int = Field(24, ge=1)
    """Promise made in the offline-ticket message."""
    while_you_wait: str = ""
    """The 'something useful to do meanwhile' line, in the store's own words (e.g. where its
    shoppers find their orders). Empty: no such line. Said as written, in every language;
    override ``handoff.while_you_wait`` in a language's messages to translate it."""

    @field_validator("queues", mode="before")
    @classmethod
    def _over_default_queues(cls, value: Any) -> Any:
        """A store names only what it changes: ``[handoff.queues.vip.hours]`` keeps the VIP team."""
        if not isinstance(value, dict):
            return value
        defaults = _default_queues()
        return {
            name: {**defaults[name].model_dump(), **q}
            if name in defaults and isinstance(q, dict)
            else q
            for name, q in value.items()
        }

    @field_validator("queues", mode="after")
    @classmethod
    def _keep_default_queues(cls, value: dict[str, QueueSettings]) -> dict[str, QueueSettings]:
        return {**_default_queues(), **value}

    @model_validator(mode="after")
    def _rules_reach_known_queues(self) -> HandoffSettings:
        if self.rules:  # the built-in rules reach built-in queues only (and stay unread until used)
            check_rules(self.routing_rules(), self.queues)
        return self

    def routing_rules(self) -> list[RoutingRule]:
        """The store's rules, then the built-in ones (unless replaced)."""
        return effective_rules(self.rules, self.replace_default_rules)

    def hours_for(self, queue: str) -> Hours:
        """The queue's hours: ``handoff.hours`` with the fields the queue sets replaced."""
        own = self.queues[queue].hours if queue in self.queues else None
        if own is None:
            return self.hours
        return self.hours.model_copy(update={k: getattr(own, k) for k in own.model_fields_set})


class LearningSettings(_Section):
    propose: bool = True
    """Turn each resolved handoff into a proposed learned answer (a curator approves it)."""
    public_contacts: list[str] = []
    """The store's own email addresses and phone numbers: learned answers keep them."""
    gap_min_handoffs: int = Field(5, ge=1)
    """A topic handed off at least this many times in the window is a knowledge gap."""
    gap_window_days: int = Field(7, ge=1)
    """The trailing window, in days, for knowledge gaps."""
    gap_similarity: float = Field(0.72, gt=0, le=1)
    """Cosine at or above which two handed-off questions share a topic (with the same intent)."""


class Settings(BaseSettings):
    """Everything a store can set. Load with :meth:`Settings.load`."""

    model_config = SettingsConfigDict(
        env_prefix="ESCALATE_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    store_name: str = "our store"
    """How the bot names the shop."""
    vertical: Vertical = "general"
    """Default vertical: selects sensitive packs and thresholds."""
    data_dir: Path = Path(".escalate")
    """Conversations (SQLite) and, by default, the vector store live here."""
    database_url: SecretStr | None = None
    """``postgresql://user@host/db``: conversations and records in PostgreSQL (several
    runtime processes can then share them). Unset: one SQLite file in ``data_dir``."""
    retention_days: int | None = Field(None, ge=1)
    """Delete conversations, outbox items and inbox tickets, and clear the shopper's words from
    metric events, once they are this many days old (``escalate retention --apply`` or
    ``EscalationAgent.apply_retention()`` from a scheduler). Unset: keep everything."""
    max_message_chars: int = Field(20_000, ge=100)
    """Longer shopper messages are cut to this many characters (and the cut is noted)."""
    llm: LLMSettings = LLMSettings()
    """The chat model: any OpenAI-compatible server, or none (the offline extractive backend)."""
    embedding: EmbeddingSettings = EmbeddingSettings()
    """The embedding model for the knowledge base and the questions."""
    knowledge: KnowledgeSettings = KnowledgeSettings()
    """The vector store, chunking and retrieval."""
    triggers: TriggerSettings = TriggerSettings()
    """When a conversation goes to a person before any answer is tried."""
    grounding: GroundingSettings = GroundingSettings()
    """The gate every draft answer passes: below the threshold it is never sent."""
    handoff: HandoffSettings = HandoffSettings()
    """Queues, routing rules, business hours and what the shopper hears at a handoff."""
    learning: LearningSettings = LearningSettings()
    """Proposed answers from people's resolutions, and knowledge-gap reports."""
    helpdesk: HelpdeskSettings = HelpdeskSettings()
    """Where handoff packages are delivered."""
    language: LanguageSettings = LanguageSettings()
    """The shopper's language: detection, and the message catalogues the bot speaks from."""
    service: ServiceSettings = ServiceSettings()
    """The HTTP service (``escalate serve``): API keys per role, limits, the scheduler."""

    _strict_scalars = field_validator("*", mode="before")(strict_scalar)

    @classmethod
    def load(cls, path: Path | str | None = None, **overrides: Any) -> Settings:
        """Read a store's TOML file (optional) and validate everything, naming bad keys."""
        data: dict[str, Any] = {}
        where = "settings"
        if path is not None:
            where = str(path)
            try:
                data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except FileNotFoundError as exc:
                raise ConfigError(f"{where}: file not found") from exc
            except IsADirectoryError as exc:
                raise ConfigError(f"{where}: is a folder, not a settings file") from exc
            except OSError as exc:
                raise ConfigError(f"{where}: cannot be read: {exc.strerror or exc}") from exc
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
        data.update(overrides)
        try:
            return cls(**data)
        except ValidationError as exc:
            raise ConfigError(describe_validation_error(exc, where)) from exc

    @property
    def chroma_path(self) -> Path:
        return self.knowledge.chroma_path or self.data_dir / "chroma"

    @property
    def conversations_path(self) -> Path:
        return self.data_dir / "conversations.sqlite"


def describe_validation_error(exc: ValidationError, where: str) -> str:
    """One line per problem, each naming the dotted key, e.g. ``triggers.loop_repets``."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(root)"
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        lines.append(f"{where}: {key}: {msg}")
    return "\n".join(lines)
