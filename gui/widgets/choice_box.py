"""A combo box of named choices: each entry's text and the value it stands for."""

from __future__ import annotations

from PySide6 import QtWidgets


def choice_box(choices, tooltip: str) -> QtWidgets.QComboBox:
    """A combo box holding ``(text, value)`` pairs, in order, that says what it chooses."""
    box = QtWidgets.QComboBox()
    for text, value in choices:
        box.addItem(text, value)
    box.setToolTip(tooltip)
    return box
