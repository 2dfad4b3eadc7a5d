"""The de-emoji tab (case d), two pages: *Training* (train a network to remove emoji pasted on
photos and watch held-out triplets, with emoji / original / output, and PSNR inside and outside
the emoji) and *Clean a photo* (the bundled network or the run's, on any photo or folder: see
:mod:`gui.deemoji.by_hand`). The tab holds run records only; the page's network is rebuilt from
the run's weight copies in a thread of its own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from engine.deemoji.evaluation import StickerScore, score_stickers
from engine.deemoji.loaded import loaded_run
from engine.deemoji.models import build_runner, network_weights_from_file
from engine.deemoji.networks import Cleaners, RunWeights, bundled_network
from engine.deemoji.pictures import TENSORBOARD_PICTURES
from engine.deemoji.stickers import load_stickers
from engine.files.animations import save_animation
from engine.files.model_files import save_model
from engine.grids import captioned_grids
from engine.runs.run import Run
from gui.deemoji.by_hand import HandPage
from gui.deemoji.training_panel import DeEmojiTrainingPanel
from gui.widgets.curve_tools import CurveTools
from gui.widgets.file_dialogs import ask_then, with_suffix
from gui.widgets.image_panel import ImagePanel
from gui.widgets.loss_plot import LossPlot
from gui.widgets.training_controls import TrainingTabMixin
from gui.workers.background_task import BackgroundTask, BackgroundTasks
from gui.workers.weights_save import WeightsSave

GIF_MAX_FRAMES = 60


def save_network_weights(config, weights, path) -> Path:
    runner = build_runner(config)
    runner.set_weights(weights)
    return save_model(runner.model, path)


class DeEmojiTab(TrainingTabMixin, QtWidgets.QWidget):
    """Tab d."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.run: Run | None = None
        self._scored: Run | None = None     # the sticker run scored last
        self.panel = DeEmojiTrainingPanel()
        self.controls = self.panel.controls
        self.controls.start_button.clicked.connect(self.start)
        self.tasks = BackgroundTasks(self)
        self.tasks.sig_done.connect(self.show_done)
        self.tasks.sig_failed.connect(self.show_message)
        self.weights_save = WeightsSave(self.tasks, self.controls, save_network_weights)
        for text, tip, slot in (("Save…", "Save the network (.keras).", self.ask_save),
                                ("Load…", "Load a saved network of the chosen design.", self.ask_load),
                                ("GIF…", "Export the held-out triplets over time.", self.ask_export)):
            self.panel.add_file_button(text, tip, slot)
        self.panel.setFixedWidth(300)
        self.triplets = ImagePanel("Held-out photos: with emoji, original, the network's output",
                                   (420, 220))
        self.loss_plot = LossPlot(("loss",))
        self.psnr_plot = LossPlot(("psnr_whole", "psnr_inside", "psnr_outside"), evaluations=True,
                                  y_label="PSNR (dB)")
        self.psnr_plot.setToolTip("PSNR of the output on held-out pictures: over the whole "
                                  "picture, inside the emoji, and outside it.")
        centre = QtWidgets.QVBoxLayout()
        centre.addWidget(QtWidgets.QLabel("Held out: with emoji (top), original, output (bottom)"))
        centre.addWidget(self.triplets, 2)
        plots = QtWidgets.QHBoxLayout()
        self.curve_tools = []
        for plot in (self.loss_plot, self.psnr_plot):
            tools = CurveTools(plot)
            tools.sig_message.connect(self._on_curves_message)
            self.curve_tools.append(tools)
            column = QtWidgets.QVBoxLayout()
            column.addWidget(plot, 1)
            column.addWidget(tools)
            plots.addLayout(column)
        centre.addLayout(plots, 1)
        training = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(training)
        layout.addWidget(self.panel)
        layout.addLayout(centre, 1)
        self.hand = HandPage(bundled_network())
        self.pages = QtWidgets.QTabWidget()
        self.pages.addTab(training, "Training")
        self.pages.addTab(self.hand, "Clean a photo")
        self.pages.setTabToolTip(1, "Any photo at its own size, or a whole folder: the network's "
                                    "mask, corrected by hand, beside classical inpainting.")
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

    # -- runs --------------------------------------------------------------------------------------
    @QtCore.Slot()
    def start(self) -> bool:
        if self.controls.is_running():
            self.show_message("Training is already going: stop it first.")
            return False
        try:
            config = self.panel.config()
        except ValueError as exc:
            self.show_message(str(exc))
            return False
        self.show_message("")
        self.show_run(Run("deemoji", config, config.describe()))
        self.panel.tensorboard.follow(self.run, TENSORBOARD_PICTURES)
        self.panel.progress.say("Cutting crops and pasting emoji…")
        self.controls.launch(self.run)
        return True

    def show_run(self, run: Run) -> None:
        if self.run is not None:
            self.run.unsubscribe(self._on_run_changed)
        self.run = run
        run.subscribe(self._on_run_changed)
        self.loss_plot.show_run(run)
        self.psnr_plot.show_run(run)
        self.panel.progress.follow(run)
        self._show_latest()

    def _on_run_changed(self, run: Run, update) -> None:
        self.panel.progress.changed()
        self.loss_plot.changed()
        self.weights_save.run_changed(run, update)
        if update is not None and update.setup is not None and run.fixtures.problems:
            self.show_message("Skipped: " + "; ".join(run.fixtures.problems[:5]))
        if update is not None and update.snapshot is not None:
            self.psnr_plot.redraw()
            self._show_latest()
        problem = self.panel.tensorboard.take_error(run)
        if problem:
            self.show_message(problem)
        if not run.state.active and run.message and run.state.value != "finished":
            self.show_message(run.message)
        if run.state.value == "finished" and run.config.sticker_path and run is not self._scored:
            self._score_stickers(run)

    def _score_stickers(self, run: Run) -> None:
        """A finished sticker run's network scored on held-out photos with the user's stickers,
        with held-out emoji and clean, in a thread (about 10 s)."""
        self._scored = run
        snapshot = run.latest()
        if snapshot is None or snapshot.weights is None:
            return
        network = RunWeights(run.config, snapshot.weights)

        def score() -> list[StickerScore]:
            stickers, _ = load_stickers(run.config.sticker_path)
            return score_stickers(Cleaners().get(network), stickers)

        self.show_done("Scoring the network on held-out photos with your stickers…")
        self.tasks.start(score, "", on_done=self._on_stickers_scored)

    def _on_stickers_scored(self, scores: list[StickerScore]) -> None:
        self.show_done("On held-out photos, " + ". ".join("; ".join(s.lines()) for s in scores)
                       + ". Clean photos with it on the Clean a photo page (network: this tab's "
                       "run), or save it.")

    def _show_latest(self) -> None:
        snapshot = self.run.latest() if self.run is not None else None
        if snapshot is None:
            return
        view = self.run.fixtures.view
        self.triplets.show_rows([view.corrupted, view.clean, snapshot.payload.outputs / 255.0])
        if snapshot.weights is not None:
            self.hand.networks.set_run_network(RunWeights(self.run.config, snapshot.weights))

    # -- files -------------------------------------------------------------------------------------
    def _need_run(self) -> bool:
        if self.run is None or self.run.latest() is None:
            self.show_message("Start (or start and stop) a run, or load a network, first.")
            return False
        return True

    def save_model(self, path) -> None:
        if self._need_run():
            path = with_suffix(path, (".keras",))
            if not self.weights_save.save(self.run, self.run.step, True, str(path)):
                self.show_done("Saving the weights of the next step…")

    def load_model(self, path) -> BackgroundTask | None:
        """A run made from a network file, of the design chosen in the panel."""
        if self.controls.is_running():
            self.show_message("Stop training before loading a network.")
            return None
        try:
            config = self.panel.config()
        except ValueError as exc:
            self.show_message(str(exc))
            return None

        def load():
            return loaded_run(config, network_weights_from_file(path, config), Path(path).name)

        task = self.tasks.start(load, f"Loaded {path}")
        task.sig_done.connect(self._on_loaded)
        return task

    @QtCore.Slot(object)
    def _on_loaded(self, run: Run) -> None:
        self.controls.retire()
        self.show_run(run)

    def export_gif(self, path) -> BackgroundTask | None:
        if not self._need_run():
            return None
        run, items = self.run, self.run.snapshots.items()
        snaps = items[::max(1, len(items) // GIF_MAX_FRAMES)]
        view = run.fixtures.view
        grids = [[view.corrupted, view.clean, s.payload.outputs / 255.0] for s in snaps]
        captions = [f"epoch {run.epoch_at(s.step):.2f}  step {s.step}  PSNR under the emoji "
                    f"{s.payload.psnr_inside:.1f} dB" for s in snaps]
        return self.tasks.start(lambda: save_animation(captioned_grids(grids, captions, scale=2),
                                                       path), f"Saved {path}")

    # -- what the window's shortcuts, settings and closing ask of a tab -------------------------
    @QtCore.Slot()
    def ask_save(self) -> None:
        ask_then(self, "Save network", "Keras model (*.keras)", self.save_model)

    @QtCore.Slot()
    def ask_load(self) -> None:
        ask_then(self, "Load network", "Keras model (*.keras)", self.load_model, save=False)

    @QtCore.Slot()
    def ask_export(self) -> None:
        ask_then(self, "Export GIF", "GIF (*.gif);;WebP (*.webp)", self.export_gif)

    def settings_widgets(self) -> dict:
        curves = {f"curves_{plot}_{key}": widget
                  for plot, tools in zip(("loss", "psnr"), self.curve_tools)
                  for key, widget in tools.settings_widgets().items()}
        return {**self.panel.settings_widgets(), **self.hand.controls.settings_widgets(),
                **self.hand.mask_panel.settings_widgets(), **curves}

    def settings_restored(self) -> None:
        for tools in self.curve_tools:
            tools.apply()

    def show_message(self, text: str) -> None:
        self.panel.show_message(text)

    def show_done(self, text: str) -> None:
        if text:
            self.panel.show_message(text, error=False)

    @QtCore.Slot(str, bool)
    def _on_curves_message(self, text: str, error: bool) -> None:
        self.panel.show_message(text, error)

    def request_stop(self) -> None:
        self.controls.request_stop()
        self.tasks.cancel_all()
        self.hand.request_stop()

    def threads(self) -> list[QtCore.QThread]:
        return [*self.controls.threads(), *self.tasks.threads(), *self.hand.threads()]
