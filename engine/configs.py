"""Frozen configs (autoencoder, CPPN, de-emoji, a fit) to and from plain JSON-ready dicts.

Enums are written as their values and tuples as lists; reading back goes through the config's
own checks, so a hand-edited or damaged file gives the same messages as a bad setting.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import TypeVar

T = TypeVar("T")
# settings that earlier versions wrote under another name
RENAMED_FIELDS = {"seed_kl_quirks": "kl_2018_quirks",
                  "seed_backprop_quirks": "backprop_2018_quirks"}


def config_to_dict(config) -> dict:
    def plain(value):
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        return value

    return {f.name: plain(getattr(config, f.name)) for f in dataclasses.fields(config)}


def config_from_dict(cls: type[T], data: dict) -> T:
    """A ``cls`` from :func:`config_to_dict`'s output; unknown keys are ignored (a newer file),
    and bad values raise ValueError naming the setting."""
    if not isinstance(data, dict):
        raise ValueError(f"a {cls.__name__} must be a mapping of settings, not {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for name, value in data.items():
        name = RENAMED_FIELDS.get(name, name)
        if name in fields:
            values[name] = tuple(value) if isinstance(value, list) else value
    try:
        return cls(**values)
    except TypeError as exc:
        raise ValueError(f"{cls.__name__}: {exc}") from None
