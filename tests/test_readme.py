"""The README's examples must keep working."""

import re
import tomllib
from pathlib import Path

from agent.settings import Settings
from agent.triggers import sensitive_topics

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_store_config_loads(tmp_path):
    block = re.search(r"```toml\n(.*?)```", README, re.S).group(1)
    path = tmp_path / "store.toml"
    path.write_text(block, encoding="utf-8")
    settings = Settings.load(path)
    assert settings.handoff.queues["vip"].team == "your personal stylist"
    assert settings.handoff.queues["billing"].team  # queues not named keep their defaults
    topics = sensitive_topics("home", settings.triggers)
    assert "store.recall" in topics and "home.mould" not in topics
    assert tomllib.loads(block)["llm"]["model"] == "llama3.1"


def test_the_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    assert block.strip().splitlines() == ["make demo", "make test"]
