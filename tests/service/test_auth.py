"""Role keys: hashed in the settings, each key good for its own role only."""

from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from agent.errors import ConfigError
from agent.service import errors
from agent.service.auth import hash_key, key_matches, new_key, require_role
from agent.settings import Settings


def _app(dev: bool, keys: dict[str, list[str]]) -> FastAPI:
    app = FastAPI()
    app.state.dev, app.state.api_keys = dev, keys
    errors.install(app)

    @app.get("/w")
    def widget_only(role: str = Depends(require_role("widget"))) -> dict:
        return {"role": role}

    return app


def test_a_key_works_for_its_own_role_only() -> None:
    widget, agent = new_key(), new_key()
    client = TestClient(_app(False, {"widget": [hash_key(widget)], "agent": [hash_key(agent)]}))
    assert client.get("/w", headers={"Authorization": f"Bearer {widget}"}).json() == {
        "role": "widget"
    }
    assert client.get("/w", headers={"X-API-Key": widget}).status_code == 200
    refused = client.get("/w", headers={"Authorization": f"Bearer {agent}"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    missing = client.get("/w")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthorized"


def test_dev_mode_needs_no_key() -> None:
    assert TestClient(_app(True, {})).get("/w").status_code == 200


def test_hashes_not_keys_in_the_settings() -> None:
    key = new_key()
    assert key_matches(key, ["sha256:" + "0" * 64, hash_key(key)])
    assert not key_matches(key + "x", [hash_key(key)])
    Settings.load(service={"api_keys": {"widget": [hash_key(key)]}})
    with pytest.raises(ConfigError, match="not the key"):
        Settings.load(service={"api_keys": {"widget": [key]}})
    with pytest.raises(ConfigError, match="unknown key|Input should be"):
        Settings.load(service={"api_keys": {"shopper": [hash_key(key)]}})


def test_a_hash_removed_from_the_settings_refuses_its_key_at_once() -> None:
    """The presented key's digest is remembered between requests, never the verdict."""
    key = new_key()
    keys = {"widget": [hash_key(key)]}
    client = TestClient(_app(False, keys))
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/w", headers=headers).status_code == 200
    assert client.get("/w", headers=headers).status_code == 200
    keys["widget"] = []
    assert client.get("/w", headers=headers).status_code == 403
    keys["widget"] = [hash_key(key)]
    assert client.get("/w", headers=headers).status_code == 200


def test_the_key_check_takes_no_trip_to_the_thread_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """An async route behind require_role runs wholly on the event loop: a plain ``def``
    dependency would cost a thread hop on every request."""
    import anyio.to_thread

    trips = []
    real = anyio.to_thread.run_sync

    async def counting(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        trips.append(func)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    key = new_key()
    app = _app(False, {"widget": [hash_key(key)]})

    @app.get("/a")
    async def on_the_loop(role: str = Depends(require_role("widget"))) -> dict:
        return {"role": role}

    client = TestClient(app)
    assert client.get("/a", headers={"X-API-Key": key}).json() == {"role": "widget"}
    assert client.get("/a").status_code == 401
    assert trips == []
