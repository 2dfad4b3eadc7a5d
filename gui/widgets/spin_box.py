"""The integer spin box the panels build their settings from."""

from __future__ import annotations

from PySide6 import QtWidgets


def spin_box(lo: int, hi: int, tip: str, value: int | None = None, suffix: str = "",
             tracking: bool = True) -> QtWidgets.QSpinBox:
    """A spin box from ``lo`` to ``hi`` with a tooltip; ``tracking=False`` reports a typed
    value only when the typing ends (for settings that are costly to apply)."""
    box = QtWidgets.QSpinBox()
    box.setRange(lo, hi)
    if value is not None:
        box.setValue(value)
    box.setSuffix(suffix)
    box.setToolTip(tip)
    box.setKeyboardTracking(tracking)
    return box
