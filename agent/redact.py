"""Credentials out of URLs before a URL is logged, stored or shown.

One helper for the whole project: ``redact_url`` for a URL on its own,
``redact_text`` for free text that may quote URLs (an error message, a log
line, a trigger's evidence). A password in ``user:password@`` and the values
of secret-looking query parameters (``api_key=``, ``key=``, ``token=``...)
become ``***``; the rest of the URL stays, so an operator still sees where.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["RedactingFilter", "install_log_filter", "redact_text", "redact_url"]

MASK = "***"
_SECRET_PARAM = re.compile(
    r"(?:api[-_]?key|key|token|access[-_]?token|secret|password|passwd|pwd|sig|signature|auth"
    r"|client[-_]?secret|code)$",
    re.IGNORECASE,
)
_URL = re.compile(r"""\b[a-z][a-z0-9+.-]*://[^\s"'<>`]+""", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` with its userinfo password and secret query values replaced by ``***``."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            user, has_password, _ = userinfo.partition(":")
            # a bare "TOKEN@host" is a secret too: only a user name before ':' is kept
            netloc = f"{user}:{MASK}@{host}" if has_password and user else f"{MASK}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, MASK if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*"
            )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:  # not parseable as a URL: hide all of it rather than leak
        return MASK


def redact_text(text: str) -> str:
    """Every URL quoted in ``text`` redacted with :func:`redact_url`."""
    return _URL.sub(lambda m: redact_url(m.group(0)), text)


class RedactingFilter(logging.Filter):
    """Redacts URLs in a log record's message and traceback (on the HTTP client libraries'
    loggers, and the runtime's, whose tracebacks quote the endpoints' errors)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's problem, not ours
            return True
        clean = redact_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:  # handlers reuse exc_text as it is
            record.exc_text = redact_text(_FORMAT.formatException(record.exc_info))
        return True


_FORMAT = logging.Formatter()


def install_log_filter(*names: str) -> None:
    """Put one :class:`RedactingFilter` on each named logger (idempotent)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
