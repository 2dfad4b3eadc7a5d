"""Comparing runs of both latent tabs and replaying the post, for the main window: collects the
ticked runs of the autoencoder and VAE tabs, opens comparison windows, and runs the post's queue
with its progress and a Cancel in the window's status bar."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.latent.config import Loss, ModelKind, Preset
from gui.latent.compare import MAX_RUNS, CompareWindow
from gui.latent.replay import BETA_LADDER, POST_RUNS, PostReplay, findings_html


class LatentComparisons(QtCore.QObject):
    def __init__(self, window, tabs: dict):
        super().__init__(window)
        self.window = window
        self.tabs = tabs                       # ModelKind -> LatentTab
        self.windows: list[CompareWindow] = []
        self.replay: PostReplay | None = None
        for tab in tabs.values():
            tab.sig_compare_requested.connect(self.compare_ticked)
            tab.sig_replay_requested.connect(self._on_replay_requested)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.progress_label = QtWidgets.QLabel()
        self.cancel_button = QtWidgets.QPushButton("Cancel replay")
        self.cancel_button.setToolTip("Stop the post's queue after the run now training stops.")
        self.cancel_button.clicked.connect(self.cancel_replay)
        bar = window.statusBar()
        for widget in (self.progress_label, self.progress, self.cancel_button):
            bar.addPermanentWidget(widget)
            widget.hide()

    @QtCore.Slot()
    def compare_ticked(self) -> CompareWindow | None:
        runs = [r for tab in self.tabs.values() for r in tab.runs_list.ticked()
                if r.setup is not None and len(r.snapshots)]
        if not 2 <= len(runs) <= MAX_RUNS:
            self.window.statusBar().showMessage(
                f"Tick 2 to {MAX_RUNS} runs (in either latent tab) to compare them; "
                f"{len(runs)} ticked.", 10_000)
            return None
        return self.open(runs)

    def open(self, runs, findings: str = "") -> CompareWindow:
        view = CompareWindow(runs, findings, self.window)
        view.sig_closed.connect(self._on_compare_closed)
        self.windows.append(view)
        view.show()
        return view

    @QtCore.Slot()
    def _on_compare_closed(self) -> None:
        view = self.sender()
        if view in self.windows:
            self.windows.remove(view)

    # -- replaying the post ----------------------------------------------------------------------
    @QtCore.Slot(str)
    def _on_replay_requested(self, scope: str) -> None:
        self.replay_post(self.sender(), scope)

    def replay_post(self, from_tab, scope: str = "all") -> PostReplay | None:
        """Queue the post's runs (``scope`` "tab": the asking tab's kind only; "beta": the VAE's
        β ladder) with the asking tab's preset, epochs and data, one seed for all."""
        if self.replay is not None:
            self.window.statusBar().showMessage("The post is already being replayed.", 10_000)
            return None
        try:
            base = from_tab.panel.config()
        except ValueError as exc:
            from_tab.show_message(str(exc))
            return None
        def queued(kind, loss, beta=1.0):
            return (self.tabs[kind], base.replace(
                kind=kind, loss=loss, beta=beta,
                kl_2018_quirks=kind is ModelKind.VAE and base.preset is Preset.ORIGINAL_2018))

        if scope == "beta":
            plan = [queued(ModelKind.VAE, Loss.BCE, beta) for beta in BETA_LADDER]
        else:
            kinds = (from_tab.kind,) if scope == "tab" else (ModelKind.AE, ModelKind.VAE)
            plan = [queued(kind, loss) for kind in kinds for loss in POST_RUNS[kind]]
        self.replay = PostReplay(plan, self)
        self.replay.sig_progress.connect(self._on_progress)
        self.replay.sig_finished.connect(self._on_finished)
        for widget in (self.progress_label, self.progress, self.cancel_button):
            widget.show()
        self.replay.start()
        return self.replay

    @QtCore.Slot(str, float)
    def _on_progress(self, text: str, share: float) -> None:
        self.progress_label.setText(text)
        self.progress.setValue(round(share * 1000))

    @QtCore.Slot(list)
    def _on_finished(self, runs) -> None:
        self._end_replay()
        ready = [r for r in runs if r.setup is not None and len(r.snapshots)]
        for tab in self.tabs.values():
            tab.runs_list.set_ticked(ready)
        if 2 <= len(ready) <= MAX_RUNS:
            self.open(ready, findings_html(ready))

    @QtCore.Slot()
    def cancel_replay(self) -> None:
        if self.replay is not None:
            self.replay.cancel()
            self._end_replay()
            self.window.statusBar().showMessage("Replay of the post cancelled.", 10_000)

    def _end_replay(self) -> None:
        self.replay = None
        for widget in (self.progress_label, self.progress, self.cancel_button):
            widget.hide()

    def threads(self) -> list[QtCore.QThread]:
        return [t for view in self.windows for t in view.threads()]
