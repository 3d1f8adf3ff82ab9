"""Ctrl-C: the command stops, what it had not committed is rolled back, and it says so in
one line with exit code 130 (128 + SIGINT), as shells expect; never a traceback.

Python delivers Ctrl-C as KeyboardInterrupt wherever the program is. Raised inside a
finalizer (a database connection being collected), it is "ignored": Python prints a
traceback and the command runs on. So such an interrupt is delivered again a moment later
(SIGALRM), and a second Ctrl-C ends the program at once (the database rolls back what was
not committed, as after a crash).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Any

EXIT_CODE = 130
AGAIN_AFTER = 0.001  # seconds
MESSAGE = "Interrupted (Ctrl-C): nothing this command had not yet committed is stored"


def install() -> None:
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # SIGINT ignored (a background job) or handled by the caller: left so
    signal.signal(signal.SIGINT, _first)
    previous = sys.unraisablehook

    def unraisable(unraisable: Any) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            # Delivered again a moment later, once the finalizer has returned (a signal
            # raised now would be handled here, inside it); should it land in another
            # finalizer, this runs again.
            signal.signal(signal.SIGALRM, _again)
            signal.setitimer(signal.ITIMER_REAL, AGAIN_AFTER)
            return
        previous(unraisable)

    sys.unraisablehook = unraisable


def _again(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _first(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, _second)
    raise KeyboardInterrupt


def _second(signum: int, frame: FrameType | None) -> None:
    os.write(2, f"Error: {MESSAGE}\n".encode())
    os._exit(EXIT_CODE)
