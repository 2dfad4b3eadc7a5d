"""What the terminal commands (``main.py train``, ``main.py deemoji``) share: argument types that
name the option when a value is out of range, printing that survives a missing console, and
Ctrl-C / SIGTERM asking a run to stop at its next step (a second Ctrl-C quits at once)."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Callable

from engine.runs.control import RunControl
from engine.validation import check_int


def checked(parse: Callable, check: Callable) -> Callable[[str], object]:
    """An argparse type: parse the text, then check it (argparse names the option on failure)."""
    def convert(text: str):
        try:
            return check(parse(text))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return convert


def int_in(lo: int, hi: int) -> Callable[[str], object]:
    """An argparse type: a whole number from ``lo`` to ``hi``."""
    return checked(int, lambda v: check_int("it", v, lo, hi))


def say(*parts, error: bool = False, end: str = "\n") -> None:
    """Print to stdout (stderr with ``error``); nothing where there is no console."""
    stream = sys.stderr if error else sys.stdout
    if stream is not None:
        print(*parts, file=stream, end=end, flush=True)


def file_error(exc: OSError, path: object = "") -> str:
    """"error: <file>: <what went wrong>" for an OSError, naming ``path`` when the error names
    no file."""
    return f"error: {exc.filename or path}: {exc.strerror or exc}"


def stop_on_signals(control: RunControl, what_happens: str) -> None:
    """The first Ctrl-C or SIGTERM calls ``control.stop()`` and says ``what_happens``; a second
    Ctrl-C quits at once."""
    def handle(signum, _frame):
        if control.stop_requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        control.stop()
        say(f"\n{signal.Signals(signum).name}: {what_happens} (Ctrl-C again to quit at once)",
            error=True)

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
