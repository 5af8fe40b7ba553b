"""Does a KB file look like it holds a secret? Then it is refused, never ingested.

A file's name is checked first (``.env``, ``*.pem``, ``id_rsa``, a settings
TOML...), then its text: private-key blocks, well-known token shapes, and
``api_key = "..."``-style assignments. The reason names the kind and the line,
never the secret itself. False positives cost a curator a rename; a false
negative can put a key in front of a shopper, so the patterns lean wide.
"""

from __future__ import annotations

import re

__all__ = ["secret_in_name", "secret_in_text"]

_NAMES = re.compile(
    r"""(?ix)^(?:
        \.env(?:\..*)?|.*\.env|\.netrc|\.npmrc|\.pypirc|\.htpasswd|\.git-credentials
        |id_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?|.*\.(?:pem|key|p12|pfx|jks|keystore|kdbx|asc|gpg)
        |(?:credentials|secrets?)(?:\.(?:json|ya?ml|txt|env))?|.*\.toml|.*\.ini|.*\.cfg|.*\.conf
    )$"""
)
_KEY_WORDS = r"(?:api[_-]?key|secret|password|passwd|passphrase|token|private[_-]?key|access[_-]?key|client[_-]?secret|auth)"
_TOKENS: list[tuple[str, re.Pattern[str]]] = [
    ("a private key block", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    (
        "an OpenAI-style API key (sk-...)",
        re.compile(r"\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}"),
    ),
    ("an AWS access key id (AKIA...)", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a GitHub token (ghp_...)",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,})"),
    ),
    ("a Slack token (xox...)", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    (
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    (
        "a credential assignment (api_key/secret/password/token = ...)",
        re.compile(
            rf"""(?imx)^[ \t]*(?:export[ \t]+)?["']?[\w.-]*{_KEY_WORDS}[\w.-]*["']?[ \t]*[=:][ \t]*
            (?:"[^"\s]{{6,}}"|'[^'\s]{{6,}}'|(?=[^\s"']*\d)[A-Za-z0-9_\-./+=]{{12,}})[ \t,]*$"""
        ),
    ),
    (
        "a URL with a password in it",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@[\w.-]+"),
    ),
]


def secret_in_name(name: str) -> str | None:
    """Why a file called ``name`` is refused (a key, a .env or settings file), or None."""
    if _NAMES.match(name):
        return "its name looks like a secrets, key or settings file"
    return None


def secret_in_text(text: str) -> str | None:
    """Why ``text`` is refused: the kind of secret and its line, never the secret; or None."""
    for kind, pattern in _TOKENS:
        found = pattern.search(text)
        if found:
            line = text.count("\n", 0, found.start()) + 1
            return f"it contains {kind} on line {line}"
    return None
