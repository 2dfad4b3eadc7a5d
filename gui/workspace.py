"""File → Save workspace / Open workspace / Open recent, and the question before unsaved runs
are lost.

A workspace (:mod:`engine.workspace`) holds the autoencoder and VAE tabs' runs, every tab's
settings (the CPPN's parameters among them) and what each latent tab shows. Files are read and
written in the background: a save writes frozen copies of the runs (a run may go on training),
an open reads and checks the whole file before anything in the window changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from engine.runs.run import Run
from engine.workspace import SUFFIX, open_workspace, save_workspace
from gui.latent.view_state import restore_tab_state, tab_state
from gui.settings import apply_values, widget_values
from gui.widgets.file_dialogs import ask_path
from gui.workers.background_task import BackgroundTask, BackgroundTasks

RECENT_KEY = "workspace/recent"
ASK_KEY = "window/ask_to_save"
RECENT_COUNT = 6
FILTER = f"Latent Lab workspace (*{SUFFIX})"


class WorkspaceActions(QtCore.QObject):
    """The window's workspace file: which one is open, saving and opening it."""

    sig_opened = QtCore.Signal(str)   # the file, once its runs are in the window

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.path: Path | None = None
        self.tasks = BackgroundTasks(window)
        self.tasks.sig_done.connect(self._say)
        self.tasks.sig_failed.connect(self._on_failed)

    def add_to(self, menu: QtWidgets.QMenu) -> None:
        for text, keys, slot in (("Save workspace", "Ctrl+Shift+S", self.ask_save),
                                 ("Save workspace as…", None, self.ask_save_as),
                                 ("Open workspace…", "Ctrl+O", self.ask_open)):
            action = menu.addAction(text)
            if keys:
                action.setShortcut(QtGui.QKeySequence(keys))
            action.triggered.connect(slot)
        self.recent_menu = menu.addMenu("Open recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        menu.addSeparator()

    # -- what is in the window -----------------------------------------------------------------
    def runs(self) -> list[Run]:
        return [r for tab in self.window.latent_tabs().values() for r in tab.runs
                if r.setup is not None]

    def unsaved(self) -> list[Run]:
        return [r for r in self.runs() if not r.saved]

    def window_state(self) -> dict:
        return {"tab": self.window.front_tab(),
                "settings": {name: widget_values(tab.settings_widgets())
                             for name, tab in self.window.named_tabs().items()},
                "latent": {name: tab_state(tab)
                           for name, tab in self.window.latent_tabs().items()}}

    # -- saving ----------------------------------------------------------------------------------
    def ask_save(self) -> None:
        if self.path is None:
            self.ask_save_as()
        else:
            self.save(self.path)

    def ask_save_as(self, then: Callable[[], None] | None = None) -> None:
        path = ask_path(self.window, "Save workspace", FILTER)
        if path:
            self.save(path, then)

    def save(self, path, then: Callable[[], None] | None = None) -> BackgroundTask:
        """Write the window's runs and state to ``path`` (``.latentlab``), in the background."""
        path = Path(path) if Path(path).suffix == SUFFIX else Path(f"{path}{SUFFIX}")
        runs = self.runs()
        frozen = [run.frozen() for run in runs]
        state = self.window_state()
        def done(_result) -> None:  # in the GUI thread (BackgroundTasks calls it)
            self.path = path
            for run, copy in zip(runs, frozen):
                run.mark_saved(run.step == copy.step and not run.state.active)
            self._remember(path)
            if then is not None:
                then()

        return self.tasks.start(lambda: save_workspace(path, frozen, state),
                                f"Saved the workspace {path} ({len(runs)} runs)", on_done=done)

    # -- opening ---------------------------------------------------------------------------------
    def ask_open(self) -> None:
        path = ask_path(self.window, "Open workspace", FILTER, save=False)
        if path:
            self.open(path)

    def open(self, path) -> BackgroundTask:
        """Read ``path``; if all of it is good, it replaces the window's runs and settings."""
        return self.tasks.start(lambda: open_workspace(path), f"Opened the workspace {path}",
                                on_done=lambda result: self._apply(Path(path), *result))

    def _apply(self, path: Path, runs: list[Run], state: dict, problems: list[str]) -> None:
        tabs = self.window.named_tabs()
        for name, values in state.get("settings", {}).items():
            if name in tabs and isinstance(values, dict):
                apply_values(tabs[name].settings_widgets(), values)
                tabs[name].settings_restored()
        latent = state.get("latent", {})
        for entry in self.window.experiments:
            if entry.latent_kind is not None:
                restore_tab_state(self.window.tab(entry.name),
                                  [r for r in runs if r.experiment == "latent" and
                                   r.config.kind is entry.latent_kind], latent.get(entry.name, {}))
        self.window.show_tab(state.get("tab"))
        self.path = path
        self._remember(path)
        if problems:   # the readable runs opened; say which were left out, and why
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Warning, "Workspace",
                f"{path.name}: {len(runs)} run(s) opened; {len(problems)} could not be read and "
                "were left out:\n\n" + "\n".join(problems), parent=self.window)
            box.open()
            self.last_error = box
        self.sig_opened.emit(str(path))

    # -- recent files, messages, the question ---------------------------------------------------------
    def recent(self) -> list[str]:
        value = QtCore.QSettings().value(RECENT_KEY)
        paths = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        return [p for p in paths if isinstance(p, str)][:RECENT_COUNT]

    def _remember(self, path: Path) -> None:
        paths = [str(path)] + [p for p in self.recent() if p != str(path)]
        QtCore.QSettings().setValue(RECENT_KEY, paths[:RECENT_COUNT])

    @QtCore.Slot()
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open(p))
        self.recent_menu.setEnabled(bool(self.recent()))

    @QtCore.Slot(str)
    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)

    @QtCore.Slot(str)
    def _on_failed(self, message: str) -> None:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "Workspace",
                                    f"{message}\n\nNothing in the window was changed.",
                                    parent=self.window)
        box.open()
        self.last_error = box

    def ask_before_losing(self, then: Callable[[], None]) -> bool:
        """If runs would be lost and the user wants to be asked, ask (Save / Discard / Cancel,
        without blocking) and call ``then`` unless cancelled; returns False when asking."""
        unsaved = self.unsaved()
        if not unsaved or QtCore.QSettings().value(ASK_KEY, True) in (False, "false", 0, "0"):
            return True
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Question, "Unsaved runs",
                                    f"{len(unsaved)} run(s) are not in a workspace file: save "
                                    "them before they are lost?", parent=self.window)
        box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Save |
                               QtWidgets.QMessageBox.StandardButton.Discard |
                               QtWidgets.QMessageBox.StandardButton.Cancel)
        # parented, so Qt owns it: a parentless one is deleted with its Python wrapper
        dont_ask = QtWidgets.QCheckBox("Don't ask again", box)
        box.setCheckBox(dont_ask)

        def answered(button) -> None:
            if dont_ask.isChecked():
                QtCore.QSettings().setValue(ASK_KEY, False)
            role = box.standardButton(button)
            if role == QtWidgets.QMessageBox.StandardButton.Discard:
                then()
            elif role == QtWidgets.QMessageBox.StandardButton.Save:
                if self.path is not None:
                    self.save(self.path, then)
                else:
                    self.ask_save_as(then)

        box.buttonClicked.connect(answered)
        box.open()
        self.question = box
        return False
