"""The window's registry of experiment tabs, and the interface every tab keeps.

:class:`~gui.main_window.MainWindow` builds one tab per :class:`TabEntry` of :data:`TABS`, in
order; its menus, settings, workspaces, comparisons and closing all go through the entries and
the :class:`ExperimentTab` methods, so a new experiment is one more entry (docs/architecture.md,
"Where a new experiment goes"). The engine's side is ``engine/experiments.py``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

from PySide6 import QtCore, QtWidgets

from engine.latent.config import ModelKind
from gui.cppn.tab import CPPNTab
from gui.deemoji.tab import DeEmojiTab
from gui.latent.tab import LatentTab


@runtime_checkable
class ExperimentTab(Protocol):
    """What the window asks of a tab (a QWidget). The Tab menu's shortcuts call the first three
    on the tab in front; the window calls the rest when it opens, saves and closes."""

    def toggle_pause(self) -> None:
        """Space: pause or resume what the tab is doing (training; the CPPN's animation)."""

    def ask_save(self) -> None:
        """Ctrl+S: save what the tab made (a model; the CPPN's picture), asking where."""

    def ask_export(self) -> None:
        """Ctrl+E: export the tab's animation (a GIF or MP4), asking where."""

    def settings_widgets(self) -> dict[str, QtWidgets.QWidget]:
        """The controls whose values are kept between sessions and in workspaces, by key."""

    def settings_restored(self) -> None:
        """Called after values were put back into :meth:`settings_widgets`."""

    def request_stop(self) -> None:
        """Closing: ask every thread of the tab to stop, without waiting."""

    def threads(self) -> list[QtCore.QThread]:
        """The tab's threads that may still run (the window waits for them before closing)."""


@dataclass(frozen=True)
class TabEntry:
    """One tab: ``name`` keys its settings and its part of a workspace, ``title`` is on the tab,
    ``make()`` builds it. A ``latent_kind`` marks a :class:`~gui.latent.tab.LatentTab` of that
    model kind: its runs travel in workspaces and can be compared and followed."""

    name: str
    title: str
    make: Callable[[], QtWidgets.QWidget]
    latent_kind: ModelKind | None = None


TABS: tuple[TabEntry, ...] = (
    TabEntry("cppn", "a · CPPN", CPPNTab),
    TabEntry(ModelKind.AE.tab, "b · Autoencoder", functools.partial(LatentTab, ModelKind.AE),
             ModelKind.AE),
    TabEntry(ModelKind.VAE.tab, "c · VAE", functools.partial(LatentTab, ModelKind.VAE),
             ModelKind.VAE),
    TabEntry("deemoji", "d · De-emoji", DeEmojiTab),
)
