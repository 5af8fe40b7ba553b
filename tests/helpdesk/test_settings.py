"""The [helpdesk] section: the chosen kind must be configured, and errors name the key."""

import pytest
from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.helpdesk.settings import HelpdeskSettings

ZENDESK = {"subdomain": "acme", "email": "bot@acme.com", "api_token": "zd-token"}


def test_the_default_is_the_local_inbox_with_bounded_retries():
    s = HelpdeskSettings()
    assert s.kind == "local"
    assert (s.timeout_s, s.max_attempts, s.backoff_s) == (10.0, 8, 30.0)


@pytest.mark.parametrize(
    ("kind", "needs"),
    [
        ("zendesk", "subdomain, email, api_token"),
        ("freshdesk", "domain, api_key"),
        ("gorgias", "domain, email, api_key"),
        ("webhook", "url, secret"),
    ],
)
def test_a_kind_without_its_section_names_the_missing_key(kind, needs):
    with pytest.raises(ValidationError, match=rf"helpdesk\.{kind} is missing.*{needs}"):
        HelpdeskSettings(kind=kind)


def test_a_missing_field_in_the_section_is_named():
    with pytest.raises(ValidationError) as info:
        HelpdeskSettings(kind="zendesk", zendesk={"subdomain": "acme", "email": "bot@acme.com"})
    assert [e["loc"] for e in info.value.errors()] == [("zendesk", "api_token")]


def test_a_typo_is_rejected_by_name():
    with pytest.raises(ValidationError) as info:
        HelpdeskSettings(kind="zendesk", zendesk={**ZENDESK, "api_tokn": "x"})
    assert ("zendesk", "api_tokn") in [e["loc"] for e in info.value.errors()]


def test_hosts_accept_a_subdomain_or_a_full_host():
    assert HelpdeskSettings(kind="zendesk", zendesk=ZENDESK).zendesk.host == "acme.zendesk.com"
    fd = HelpdeskSettings(
        kind="freshdesk", freshdesk={"domain": "https://help.acme.com/", "api_key": "k"}
    )
    assert fd.freshdesk.host == "help.acme.com"


def test_secrets_stay_out_of_reprs():
    s = HelpdeskSettings(kind="zendesk", zendesk=ZENDESK)
    assert "zd-token" not in repr(s) and "zd-token" not in str(s.model_dump())


def test_webhook_needs_a_real_url_and_a_long_secret():
    with pytest.raises(ValidationError, match="http"):
        HelpdeskSettings(kind="webhook", webhook={"url": "hooks.acme.example", "secret": "s" * 32})
    with pytest.raises(ValidationError, match="16"):
        HelpdeskSettings(
            kind="webhook", webhook={"url": "https://hooks.acme.example", "secret": "short"}
        )


def test_retry_knobs_must_make_sense():
    with pytest.raises(ValidationError, match="backoff_cap_s"):
        HelpdeskSettings(backoff_s=60, backoff_cap_s=30)
    with pytest.raises(ValidationError, match="lease_s"):
        HelpdeskSettings(timeout_s=60, lease_s=90)


def test_frozen():
    with pytest.raises(ValidationError):
        HelpdeskSettings().kind = "zendesk"  # type: ignore[misc]


class _StoreSettings(BaseSettings):
    """How agent.settings.Settings will carry the section."""

    model_config = SettingsConfigDict(
        env_prefix="ESCALATE_", env_nested_delimiter="__", extra="forbid"
    )
    helpdesk: HelpdeskSettings = HelpdeskSettings()


def test_credentials_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ESCALATE_HELPDESK__KIND", "zendesk")
    monkeypatch.setenv("ESCALATE_HELPDESK__ZENDESK__SUBDOMAIN", "acme")
    monkeypatch.setenv("ESCALATE_HELPDESK__ZENDESK__EMAIL", "bot@acme.com")
    monkeypatch.setenv("ESCALATE_HELPDESK__ZENDESK__API_TOKEN", "from-env")
    s = _StoreSettings().helpdesk
    assert s.kind == "zendesk" and s.zendesk.api_token.get_secret_value() == "from-env"


def test_the_store_toml_error_is_one_line_naming_the_key():
    from agent.settings import describe_validation_error

    with pytest.raises(ValidationError) as info:
        _StoreSettings(helpdesk={"kind": "gorgias"})
    assert describe_validation_error(info.value, "store.toml") == (
        "store.toml: helpdesk: helpdesk.gorgias is missing: kind = 'gorgias' needs "
        "[helpdesk.gorgias] with domain, email, api_key"
    )
