"""Structured logs: one JSON line per request on the ``escalate.http`` logger."""

from __future__ import annotations

import json
import logging
import sys

HTTP_LOG = "escalate.http"


class JsonLines(logging.Formatter):
    """The record's message is already a JSON object (see the request log middleware)."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


def configure_http_log(stream: object = None) -> logging.Logger:
    """``escalate serve``: request lines to stderr as JSON, whatever the root logger does."""
    log = logging.getLogger(HTTP_LOG)
    if not any(getattr(h, "_escalate", False) for h in log.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
        handler.setFormatter(JsonLines())
        handler._escalate = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return log


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str)
