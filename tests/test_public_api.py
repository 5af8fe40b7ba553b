import agent


def test_public_surface_is_pinned():
    assert agent.__all__ == [
        "BotReply",
        "ConfigError",
        "Conversation",
        "ConversationError",
        "CurationError",
        "Customer",
        "DeliveryError",
        "EscalationAgent",
        "EscalationError",
        "HandoffPackage",
        "InputError",
        "KnowledgeError",
        "LLMError",
        "Settings",
        "StorageError",
        "__version__",
    ]
    for name in agent.__all__:
        if name != "__version__":
            assert getattr(agent, name).__name__ == name


def test_version_is_the_installed_distributions():
    from importlib.metadata import version

    assert agent.__version__ == version("escalation-agent")
    assert agent.__version__[0].isdigit()


def test_version_without_installed_metadata_is_a_valid_placeholder(monkeypatch):
    from importlib import metadata

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert agent.__version__ == "0+unknown"


def test_only_the_doors_import_openai_and_chromadb():
    from pathlib import Path

    root = Path(agent.__file__).parent.parent
    for path in [
        *root.glob("agent/**/*.py"),
        *root.glob("knowledge/**/*.py"),
        *root.glob("evals/**/*.py"),
    ]:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        if "import openai" in text or "from openai" in text:
            assert rel == "agent/llm.py", rel
        if "import chromadb" in text or "from chromadb" in text:
            assert rel == "knowledge/store.py", rel
        if "import psycopg" in text or "from psycopg" in text or "checkpoint.postgres" in text:
            assert rel == "agent/storage_postgres.py", rel
