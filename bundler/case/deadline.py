"""A time limit on one piece of work done on untrusted input (opening a PDF, rendering a
document), so that a hostile or absurd file cannot hold a build for ever.

Takes a number of seconds and the label of the file being worked on; gives a context
manager that raises ``TimeLimitError`` naming the file and the limit when the work inside
it runs past the limit. It uses the interval timer (``SIGALRM``), so it works in the
main thread of a process (the command line, and each render worker); elsewhere (a
thread of a host program) it does not limit, rather than fail. Work inside a single
call into a C library is stopped when that call returns.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ..errors import BundleError

__all__ = ["TimeLimitError", "time_limit"]


class TimeLimitError(BundleError):
    """A piece of work on one file ran past its time limit."""


class _Expired(BaseException):
    """Raised by the timer inside the work; becomes a TimeLimitError outside it. A
    BaseException, so that no ``except Exception`` in the work can swallow it."""


@contextmanager
def time_limit(seconds: float | None, label: str, what: str = "converting it") -> Iterator[None]:
    """Stop the work inside after ``seconds`` with a TimeLimitError naming ``label``."""
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no outer limit running
    )
    if not usable:
        yield
        return
    assert seconds is not None

    expired = False

    def expire(signum: int, frame: FrameType | None) -> None:
        nonlocal expired
        expired = True
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    # after the limit the timer fires again every quarter second: an exception raised
    # inside a C callback (Pango's, through cffi) is printed and dropped, so one alarm
    # may not stop the work; the next one lands elsewhere
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        try:
            yield
        finally:  # the timer stops first: if it fires on the way here, it is still caught below
            signal.setitimer(signal.ITIMER_REAL, 0)
        if expired:  # every alarm was swallowed and the work ran to its end: still too long
            raise _Expired
    except _Expired:
        raise TimeLimitError(
            f"{label}: {what} took longer than {seconds:g} seconds, the limit for one document "
            "(raise it with --max-seconds if the file is genuine)"
        ) from None
    finally:
        signal.signal(signal.SIGALRM, previous)
