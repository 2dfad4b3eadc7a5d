"""The one place settings are checked against their allowed ranges.

Every config (autoencoder, CPPN, de-emoji, a fit, a CLI option) checks its values here, so a bad
value is refused the same way everywhere: a ``ValueError`` naming the setting, the allowed range
and the value given.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import TypeVar

import numpy as np

E = TypeVar("E", bound=Enum)

MAX_SEED = 2**32 - 1   # numpy's and Keras' seeds are unsigned 32-bit
# choices that earlier versions wrote under another value (files, settings, the CLI)
RENAMED_CHOICES = {"seed": "original-2018", "seed-2018": "original-2018"}


def current_choice(value: str) -> str:
    """A choice as it is called now (a command-line value of an earlier version)."""
    return RENAMED_CHOICES.get(value, value)


class Choice(str, Enum):
    """A setting's choices, written as their values; a value of an earlier version
    (:data:`RENAMED_CHOICES`) reads as the choice it is called now."""

    @classmethod
    def _missing_(cls, value):
        return cls._value2member_map_.get(RENAMED_CHOICES.get(value))


def check_int(name: str, value, lo: int, hi: int) -> int:
    """``value`` as an int if it is a whole number in [lo, hi] (bools are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo:,} to {hi:,}, not {value!r}")
    return int(value)


def check_float(name: str, value, lo: float, hi: float, *, lo_open: bool = False) -> float:
    """``value`` as a float if it is a finite number in [lo, hi] (or (lo, hi] with ``lo_open``)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    above = number > lo if lo_open else number >= lo
    if isinstance(value, (bool, np.bool_)) or not (above and number <= hi):
        bracket = "(" if lo_open else "["
        raise ValueError(f"{name} must be in {bracket}{lo:g}, {hi:g}], not {value!r}")
    return number


def check_choice(name: str, value, choices: type[E]) -> E:
    """``value`` as a member of the enum ``choices`` (given as the member or its value)."""
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(str(c.value) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, not {value!r}") from None


def check_seed(name: str, value) -> int:
    return check_int(name, value, 0, MAX_SEED)
