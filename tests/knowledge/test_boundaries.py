"""The package's doors: only store.py imports chromadb; nothing imports openai; no import-time work."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_store_imports_chromadb_and_nothing_imports_openai():
    modules = sorted(KNOWLEDGE.glob("*.py"))
    assert len(modules) >= 8
    chroma_users = [p.name for p in modules if "chromadb" in imported_roots(p)]
    assert chroma_users == ["store.py"]
    assert [p.name for p in modules if "openai" in imported_roots(p)] == []


def test_agent_is_only_reached_through_its_errors_and_redaction_modules():
    leaves = {"agent.errors", "agent.redact"}  # both import nothing of the project's
    for path in KNOWLEDGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("agent"):
                assert node.module in leaves, f"{path.name} imports {node.module}"
    for leaf in leaves:
        source = KNOWLEDGE.parent / (leaf.replace(".", "/") + ".py")
        assert imported_roots(source) & {"agent", "knowledge", "evals"} == set(), leaf


def test_importing_the_package_loads_no_model_and_no_chroma_client():
    code = (
        "import sys, knowledge.ingest, knowledge.embedder_bench\n"
        "assert 'onnxruntime' not in sys.modules, 'onnxruntime imported at import time'\n"
    )
    root = KNOWLEDGE.parent
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=120)
