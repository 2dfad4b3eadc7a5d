"""Remembering each tab's last configuration between sessions (QSettings, one group per tab).

A tab lists its controls by name (``settings_widgets``): widgets, or a :class:`TextSetting` for a
value no widget holds (a chosen file). Their values are stored as plain numbers and strings (a
combo box as the value of its choice, never its position, so a list that gains or reorders
entries keeps the user's choice) and restored with signals blocked, after which the tab
refreshes itself once (``settings_restored``).

Whatever the file holds, restoring never raises: each value is checked against what its control
allows (numbers clamped into range, a choice the list has, a finite number, a short string), and
a value that cannot be used leaves that one control at its default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Callable

from PySide6 import QtCore, QtWidgets

SCHEMA = 3   # 3: combo boxes by value (2 stored their index)
MAX_TEXT = 4096


@dataclass
class TextSetting:
    """A remembered string: ``get()`` gives the value to store, ``put(text)`` takes it back."""

    get: Callable[[], str]
    put: Callable[[str], None]


def _number(value) -> float:
    """A float from what QSettings returns (a number or a string), or ValueError."""
    if isinstance(value, (list, tuple, dict, bytes, QtCore.QByteArray)):
        raise ValueError(f"not a number: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _clamped(widget, number: float) -> float:
    return min(max(number, widget.minimum()), widget.maximum())


def _choice(combo: QtWidgets.QComboBox, index: int) -> str:
    """What an entry of a combo box stands for, as a string: its data (an enum's value, the
    parts of a tuple) or, for an entry with none, its text."""
    def plain(value) -> str:
        if isinstance(value, Enum):
            return str(value.value)
        if isinstance(value, tuple):
            return "/".join(plain(part) for part in value)
        return str(value)

    data = combo.itemData(index)
    return combo.itemText(index) if data is None or data == "" else plain(data)


def _get(widget):
    if isinstance(widget, TextSetting):
        return widget.get()
    if isinstance(widget, QtWidgets.QComboBox):
        return _choice(widget, widget.currentIndex())
    if isinstance(widget, QtWidgets.QAbstractButton):
        return int(widget.isChecked())
    return widget.value()  # spin boxes and sliders


def _set(widget, value) -> None:
    """Put a stored value back; raises ValueError when it does not fit the control."""
    if isinstance(widget, TextSetting):
        text = str(value)
        if len(text) > MAX_TEXT or "\0" in text:
            raise ValueError("not a usable text")
        widget.put(text)
    elif isinstance(widget, QtWidgets.QComboBox):
        widget.setCurrentIndex(_find_choice(widget, value))
    elif isinstance(widget, QtWidgets.QAbstractButton):
        flag = str(value).strip().lower()
        if flag not in ("0", "1", "true", "false"):
            raise ValueError(f"not a yes/no value: {value!r}")
        widget.setChecked(flag in ("1", "true"))
    elif isinstance(widget, QtWidgets.QDoubleSpinBox):
        widget.setValue(_clamped(widget, _number(value)))
    else:  # integer spin boxes and sliders
        widget.setValue(int(round(_clamped(widget, _number(value)))))


def _find_choice(combo: QtWidgets.QComboBox, value) -> int:
    """The entry a stored value names; a bare integer is an index, as workspaces of format 1
    kept them. ValueError if the list has no such entry."""
    for index in range(combo.count()):
        if _choice(combo, index) == str(value):
            return index
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < combo.count():
        return value
    raise ValueError(f"no entry {value!r}")


def widget_values(widgets: dict) -> dict:
    """The controls' values as plain JSON-ready data (for a workspace file)."""
    return {key: _get(widget) for key, widget in widgets.items()}


def apply_values(widgets: dict, values: dict) -> None:
    """Put back values from :func:`widget_values` (or QSettings), each checked like a setting,
    with signals blocked; a value that does not fit leaves its control as it is."""
    for key, widget in widgets.items():
        value = values.get(key) if isinstance(values, dict) else None
        if value is None:
            continue
        blocked = widget.blockSignals(True) if isinstance(widget, QtCore.QObject) else None
        try:
            _set(widget, value)
        except (TypeError, ValueError, OverflowError):
            pass  # a value from another version, or damaged: keep what is there
        finally:
            if blocked is not None:
                widget.blockSignals(blocked)


def save_tab(settings: QtCore.QSettings, name: str, widgets: dict) -> None:
    settings.beginGroup(name)
    settings.setValue("schema", SCHEMA)
    for key, value in widget_values(widgets).items():
        settings.setValue(key, value)
    settings.endGroup()


def restore_tab(settings: QtCore.QSettings, name: str, widgets: dict) -> bool:
    """Put back what :func:`save_tab` stored; False (and nothing changed) if there is nothing of
    this version. Values that do not fit are skipped, one by one."""
    settings.beginGroup(name)
    try:
        if read_int(settings, "schema", SCHEMA, SCHEMA) is None:
            return False
        apply_values(widgets, {key: settings.value(key) for key in widgets})
        return True
    finally:
        settings.endGroup()


def read_int(settings: QtCore.QSettings, key: str, lo: int, hi: int) -> int | None:
    """An integer setting in [lo, hi], or None if it is missing or unusable."""
    try:
        number = _number(settings.value(key))
    except (TypeError, ValueError, OverflowError):
        return None
    if number != int(number) or not lo <= number <= hi:
        return None
    return int(number)
