"""The Latent Lab window: one tab per experiment of the 2018 post, and how it closes.

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

from PySide6 import QtCore, QtGui, QtWidgets

from engine.about import APP_NAME
from engine.latent.config import ModelKind
from gui.about_dialog import AboutDialog
from gui.cppn.tab import CPPNTab
from gui.deemoji.tab import DeEmojiTab
from gui.latent.comparisons import LatentComparisons
from gui.latent.following import RunFollowing
from gui.latent.tab import LatentTab
from gui.settings import read_int, restore_tab, save_tab
from gui.workspace import WorkspaceActions

TAB_TITLES = ("a · CPPN", "b · Autoencoder", "c · VAE", "d · De-emoji")
SHORTCUTS = (("Pause / resume (CPPN: play / pause)", "Space", "toggle_pause"),
             ("Save (model; CPPN: PNG)…", "Ctrl+S", "ask_save"),
             ("Export (GIF; CPPN: animation)…", "Ctrl+E", "ask_export"),
             ("Quit", "Ctrl+Q", "close"))
CLOSE_WAIT_MS = 100        # threads that end this fast close the window at once
CLOSE_DEADLINE_S = 30.0
log = logging.getLogger("latent_lab")


class MainWindow(QtWidgets.QMainWindow):
    """Four tabs; the autoencoder and VAE tabs share one class (``LatentTab``)."""

    sig_closed = QtCore.Signal()   # the window really closed (every thread had ended)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        # deleted as soon as it closes, while the QApplication still exists: a window left for
        # the interpreter's final clean-up takes its native GL window down after Qt, and crashes
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1360, 860)
        self.tabs = QtWidgets.QTabWidget()
        self.setCentralWidget(self.tabs)
        self.cppn_tab = CPPNTab()
        self.autoencoder_tab = LatentTab(ModelKind.AE)
        self.vae_tab = LatentTab(ModelKind.VAE)
        self.deemoji_tab = DeEmojiTab()
        for tab, title in zip(self.all_tabs(), TAB_TITLES):
            self.tabs.addTab(tab, title)
        self.tabs.setCurrentIndex(1)
        self.workspace = WorkspaceActions(self)
        self.comparisons = LatentComparisons(self, {ModelKind.AE: self.autoencoder_tab,
                                                    ModelKind.VAE: self.vae_tab})
        self._closing_since: float | None = None
        self._loss_accepted = False
        self._close_timer = QtCore.QTimer(self)
        self._close_timer.setInterval(50)
        self._close_timer.timeout.connect(self._on_close_tick)
        self.following = RunFollowing(self, {ModelKind.AE: self.autoencoder_tab,
                                             ModelKind.VAE: self.vae_tab})
        self._build_menus()
        self.restore_settings()
        self.following.restore()

    def all_tabs(self) -> tuple:
        return (self.cppn_tab, self.autoencoder_tab, self.vae_tab, self.deemoji_tab)

    def named_tabs(self) -> dict:
        return {"cppn": self.cppn_tab, "autoencoder": self.autoencoder_tab, "vae": self.vae_tab,
                "deemoji": self.deemoji_tab}

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
        index = read_int(settings, "window/tab", 0, self.tabs.count() - 1)
        if index is not None:
            self.tabs.setCurrentIndex(index)

    def save_settings(self) -> None:
        settings = QtCore.QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/tab", self.tabs.currentIndex())
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
        threads = [t for tab in self.all_tabs() for t in tab.threads()]
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
            for tab in self.all_tabs():
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
