"""The Latent Lab window: one tab per entry of the experiment registry (``gui/experiments.py``),
and how it closes.

Closing never destroys a thread that still runs (Qt aborts the process if it does) and never
freezes the window: every tab is asked to stop its threads; if they have not ended within a
moment the window hides at once and closes for real when they have, which takes as long as the
longest step, render band or save under way. A thread that has not ended within
:data:`CLOSE_DEADLINE_S` (a read stuck on a dead network mount) is left behind: the process
logs it and exits with status 0.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Sequence

from PySide6 import QtCore, QtGui, QtWidgets

from engine.about import APP_NAME
from gui.about_dialog import AboutDialog
from gui.experiments import TABS, TabEntry
from gui.latent.comparisons import LatentComparisons
from gui.latent.following import RunFollowing
from gui.settings import restore_tab, save_tab
from gui.workspace import WorkspaceActions

SHORTCUTS = (("Pause / resume (CPPN: play / pause)", "Space", "toggle_pause"),
             ("Save (model; CPPN: PNG)…", "Ctrl+S", "ask_save"),
             ("Export (GIF; CPPN: animation)…", "Ctrl+E", "ask_export"),
             ("Quit", "Ctrl+Q", "close"))
CLOSE_WAIT_MS = 100        # threads that end this fast close the window at once
CLOSE_DEADLINE_S = 30.0
log = logging.getLogger("latent_lab")


class MainWindow(QtWidgets.QMainWindow):
    """One tab per :class:`~gui.experiments.TabEntry` (the four of the post by default); the
    autoencoder and VAE tabs share one class (``LatentTab``)."""

    sig_closed = QtCore.Signal()   # the window really closed (every thread had ended)

    def __init__(self, experiments: Sequence[TabEntry] = TABS) -> None:
        super().__init__()
        self.experiments = tuple(experiments)
        self.setWindowTitle(APP_NAME)
        # deleted as soon as it closes, while the QApplication still exists: a window left for
        # the interpreter's final clean-up takes its native GL window down after Qt, and crashes
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1360, 860)
        self.tabs = QtWidgets.QTabWidget()
        self.setCentralWidget(self.tabs)
        self._named = {entry.name: entry.make() for entry in self.experiments}
        for entry in self.experiments:
            self.tabs.addTab(self._named[entry.name], entry.title)
        # the first latent tab is in front on a first launch (the post begins with it)
        latent = [i for i, e in enumerate(self.experiments) if e.latent_kind is not None]
        self.tabs.setCurrentIndex(latent[0] if latent else 0)
        self.workspace = WorkspaceActions(self)
        self.comparisons = LatentComparisons(self, self.latent_tabs_by_kind())
        self._closing_since: float | None = None
        self._loss_accepted = False
        self._close_timer = QtCore.QTimer(self)
        self._close_timer.setInterval(50)
        self._close_timer.timeout.connect(self._on_close_tick)
        self.following = RunFollowing(self, self.latent_tabs_by_kind())
        self._build_menus()
        self.restore_settings()
        self.following.restore()

    def tab(self, name: str):
        """The tab of the registry entry ``name`` (KeyError if the window has none)."""
        return self._named[name]

    def named_tabs(self) -> dict:
        """Every tab (an :class:`~gui.experiments.ExperimentTab`) by its entry's name, in order."""
        return dict(self._named)

    def front_tab(self) -> str:
        """The name of the tab in front."""
        return self.experiments[self.tabs.currentIndex()].name

    def show_tab(self, name) -> None:
        """Bring the tab of that name to the front (a bare index, as files of earlier versions
        kept it, also does); anything else (a damaged file) changes nothing."""
        if isinstance(name, str) and name in self._named:
            self.tabs.setCurrentWidget(self._named[name])
        elif isinstance(name, int) and not isinstance(name, bool) and \
                0 <= name < self.tabs.count():
            self.tabs.setCurrentIndex(name)

    def latent_tabs(self) -> dict:
        """The latent tabs (their runs travel in workspaces) by their entry's name."""
        return {e.name: self._named[e.name] for e in self.experiments
                if e.latent_kind is not None}

    def latent_tabs_by_kind(self) -> dict:
        return {e.latent_kind: self._named[e.name] for e in self.experiments
                if e.latent_kind is not None}

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.workspace.add_to(file_menu)
        self.following.add_to(file_menu)
        file_menu.addSeparator()
        tab_menu = self.menuBar().addMenu("&Tab")
        for text, keys, method in SHORTCUTS:
            menu = file_menu if method == "close" else tab_menu
            action = menu.addAction(text)
            action.setShortcut(QtGui.QKeySequence(keys))
            action.setData(method)
            # a slot of this window (not a partial holding it, which would keep the window alive
            # after it closes, past the display it draws on)
            action.triggered.connect(self.close if method == "close" else self._on_tab_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("Keyboard shortcuts…").triggered.connect(self.show_shortcuts)
        help_menu.addAction("About Latent Lab and licences…").triggered.connect(self.show_about)

    @QtCore.Slot()
    def _on_tab_action(self) -> None:
        """Run a shortcut's action (its data names the method) on the tab in front."""
        getattr(self.tabs.currentWidget(), self.sender().data())()

    @QtCore.Slot()
    def show_shortcuts(self) -> QtWidgets.QMessageBox:
        lines = "\n".join(f"{QtGui.QKeySequence(keys).toString():>10}   {text}"
                          for text, keys, _ in SHORTCUTS)
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "Keyboard shortcuts",
                                    lines, parent=self)
        box.open()
        return box

    # -- settings ----------------------------------------------------------------------------------
    def restore_settings(self) -> None:
        """Window size and place, the last tab, and each tab's last configuration. A value that
        cannot be used is skipped; nothing read here can stop the window from opening."""
        settings = QtCore.QSettings()
        try:
            geometry = settings.value("window/geometry")
            if isinstance(geometry, QtCore.QByteArray):
                self.restoreGeometry(geometry)
        except Exception:  # a damaged settings file: keep the default size
            log.warning("window geometry in the settings could not be used", exc_info=True)
        for name, tab in self.named_tabs().items():
            try:
                if restore_tab(settings, name, tab.settings_widgets()):
                    tab.settings_restored()
            except Exception:  # one tab's damaged settings spoil only that tab
                log.warning("settings of tab %s could not be used", name, exc_info=True)
        self.show_tab(settings.value("window/tab"))

    def save_settings(self) -> None:
        settings = QtCore.QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/tab", self.front_tab())
        for name, tab in self.named_tabs().items():
            save_tab(settings, name, tab.settings_widgets())
        settings.sync()

    @QtCore.Slot()
    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.show()
        return dialog

    # -- closing -----------------------------------------------------------------------------------
    def open_workspace(self, path):
        """Open a workspace file (File → Open, or ``main.py FILE.latentlab``), in the background;
        returns the task reading it."""
        return self.workspace.open(path)

    def running_threads(self) -> list[QtCore.QThread]:
        threads = [t for tab in self._named.values() for t in tab.threads()]
        threads += self.workspace.tasks.threads() + self.comparisons.threads()
        threads += self.following.threads()
        return [t for t in threads if t.isRunning()]

    def _accept_loss(self) -> None:
        self._loss_accepted = True
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._loss_accepted and self._closing_since is None and \
                not self.workspace.ask_before_losing(self._accept_loss):
            event.ignore()   # the question is open; its answer closes the window or not
            return
        if self._closing_since is None:
            self._closing_since = time.monotonic()
            try:
                self.save_settings()
            except Exception:  # an unwritable settings folder must not stop the window closing
                log.warning("the settings could not be saved", exc_info=True)
            for view in list(self.comparisons.windows):
                view.close()
            self.comparisons.cancel_replay()
            self.following.timer.stop()
            for tab in self._named.values():
                tab.request_stop()
            deadline = time.monotonic() + CLOSE_WAIT_MS / 1000
            for thread in self.running_threads():
                thread.wait(max(1, int((deadline - time.monotonic()) * 1000)))
        if self.running_threads():
            event.ignore()
            self.hide()       # the user sees the window go at once; threads end behind it
            self._close_timer.start()
            return
        self._close_timer.stop()
        self.sig_closed.emit()
        super().closeEvent(event)

    @QtCore.Slot()
    def _on_close_tick(self) -> None:
        if not self.running_threads():
            self._close_timer.stop()
            self.close()
        elif time.monotonic() - self._closing_since > CLOSE_DEADLINE_S:
            names = ", ".join(type(t).__name__ for t in self.running_threads())
            log.error("closing: %s still running after %.0f s; exiting", names, CLOSE_DEADLINE_S)
            logging.shutdown()
            os._exit(0)
