"""Remembering each tab's last configuration between sessions (QSettings, one group per tab).

A tab lists its controls by name (``settings_widgets``); their values are stored as plain
numbers and restored with signals blocked, after which the tab refreshes itself once
(``settings_restored``). Window geometry and the last tab are kept by the main window.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

SCHEMA = 1


def _get(widget: QtWidgets.QWidget):
    if isinstance(widget, QtWidgets.QComboBox):
        return widget.currentIndex()
    if isinstance(widget, QtWidgets.QAbstractButton):
        return int(widget.isChecked())
    return widget.value()  # spin boxes and sliders


def _set(widget: QtWidgets.QWidget, value) -> None:
    try:
        if isinstance(widget, QtWidgets.QComboBox):
            if 0 <= int(value) < widget.count():
                widget.setCurrentIndex(int(value))
        elif isinstance(widget, QtWidgets.QAbstractButton):
            widget.setChecked(bool(int(value)))
        elif isinstance(widget, QtWidgets.QDoubleSpinBox):
            widget.setValue(float(value))
        else:
            widget.setValue(int(value))
    except (TypeError, ValueError):
        pass  # a value from another version of the app: keep the default


def save_tab(settings: QtCore.QSettings, name: str, widgets: dict[str, QtWidgets.QWidget]) -> None:
    settings.beginGroup(name)
    settings.setValue("schema", SCHEMA)
    for key, widget in widgets.items():
        settings.setValue(key, _get(widget))
    settings.endGroup()


def restore_tab(settings: QtCore.QSettings, name: str, widgets: dict[str, QtWidgets.QWidget]) -> bool:
    """Put back what :func:`save_tab` stored; False (and nothing changed) if there is nothing."""
    settings.beginGroup(name)
    try:
        if settings.value("schema") is None or int(settings.value("schema")) != SCHEMA:
            return False
        for key, widget in widgets.items():
            value = settings.value(key)
            if value is not None:
                blocked = widget.blockSignals(True)
                _set(widget, value)
                widget.blockSignals(blocked)
        return True
    finally:
        settings.endGroup()
