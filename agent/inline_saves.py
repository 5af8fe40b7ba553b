"""LangGraph's end-of-turn checkpoint save, run in the calling thread instead of a new one.

With ``durability="exit"`` LangGraph saves the checkpoint once, as the run ends, and waits
for the save before ``invoke`` returns. It submits that save to a background executor, and
it makes a new thread pool for every ``invoke`` (``langchain_core``'s
``get_executor_for_config``): each turn starts a thread, hands the save to it, waits, and
joins it. The save is the only task a turn of our graph submits (no parallel branches, no
node cache, no ``async`` writes), so the thread buys nothing; on a busy two-core machine the
hand-off costs a measurable share of a turn.

:func:`inline_saves` (a context manager around one ``invoke``) makes that executor run each
submitted task at once in the calling thread. Nothing else changes: the save still happens
before ``invoke`` returns, in the same order, and an error in it is still raised by
``invoke`` (the executor's future carries it, and LangGraph re-raises it on exit).
Durability is exactly that of ``durability="exit"``.

This reaches into a private module (``langgraph.pregel._executor``). :func:`installed` says
whether the patch took; when a LangGraph upgrade moves what it patches, nothing is patched,
a warning is logged, and turns use LangGraph's own background thread as before (correct,
only slower). ``tests/agent/test_inline_saves.py`` fails in that case, so an upgrade that
breaks it is noticed.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["InlineExecutor", "inline_saves", "installed"]

_INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("escalate_inline", default=False)


class InlineExecutor(concurrent.futures.Executor):
    """An executor that runs each task when it is submitted, in the submitting thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - the future carries it, as a pool's would
            future.set_exception(exc)
        return future


@contextmanager
def inline_saves() -> Iterator[None]:
    """Within this block (this thread or task), graph runs save in the calling thread."""
    token = _INLINE.set(True)
    try:
        yield
    finally:
        _INLINE.reset(token)


def installed() -> bool:
    """Whether LangGraph's executor is patched (else saves run in its background thread)."""
    return _installed


def _install() -> bool:
    """Patch LangGraph's executor factory; False (and nothing patched) when it has moved."""
    try:
        from langgraph.pregel import _executor
    except ImportError:
        log.warning("langgraph.pregel._executor is gone: checkpoint saves stay in a thread")
        return False
    original = getattr(_executor, "get_executor_for_config", None)
    background = getattr(_executor, "BackgroundExecutor", None)
    uses_it = background is not None and "get_executor_for_config" in getattr(
        getattr(background.__init__, "__code__", None), "co_names", ()
    )
    if original is None or not uses_it:
        log.warning("LangGraph's executor changed: checkpoint saves stay in a thread")
        return False
    if getattr(original, "_escalate_inline", False):
        return True  # already ours

    @contextmanager
    def executor_for_config(config: Any) -> Iterator[concurrent.futures.Executor]:
        if _INLINE.get():
            yield InlineExecutor()
        else:
            with original(config) as executor:
                yield executor

    executor_for_config._escalate_inline = True  # type: ignore[attr-defined]
    _executor.get_executor_for_config = executor_for_config
    return True


_installed = _install()
