"""The CPPN tab's "Fit a target picture" box: train the network's weights to paint a digit, a
bundled photo or the user's picture, by autodiff or by hand-written gradients.

A fit is a run like any other (its worker applies updates to a :class:`Run`); while it trains, the
network and view controls that would change what it fits (the network, its z, the scale) are
locked, so its result is painted at exactly the z and scale it learned for.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.cppn.fit import CPPNFitConfig, CPPNFitter, FitLoss
from engine.cppn.network import CPPNWeights
from engine.files.images import fit_within, image_to_array, load_image
from engine.files.resources import resource_path
from engine.latent.config import Backprop
from engine.latent.datasets import load_bundled
from engine.runs.run import Run
from gui.widgets.curve_tools import CurveTools
from gui.widgets.file_dialogs import PICTURE_FILTER, ask_path, ask_then
from gui.widgets.image_panel import ImagePanel
from gui.widgets.loss_plot import LossPlot
from gui.widgets.spin_box import spin_box
from gui.widgets.training_controls import TrainingControls

FIT_MAX_SIDE = 64         # targets are shrunk to this before fitting


def _shown(picture: np.ndarray) -> np.ndarray:
    return picture[..., :3] if picture.shape[-1] >= 3 else picture[..., 0]


class FitPanel(QtWidgets.QGroupBox):
    """``host`` gives the weights, z and scale to start from, locks its controls, and takes the
    learned weights (``host.adopt_fit(weights)``)."""

    def __init__(self, host, parent=None):
        super().__init__("Fit a target picture", parent)
        self.host = host
        self.run: Run | None = None
        form = QtWidgets.QFormLayout(self)
        self.target_box = QtWidgets.QComboBox()
        self.target_box.addItem("MNIST digit", "digit")
        for photo in sorted(resource_path("photos").glob("*.jpg")):
            self.target_box.addItem(f"Photo: {photo.stem}", str(photo))
        self.target_box.addItem("Choose a picture…", "")
        self.target_box.setToolTip("What the network learns to paint (shrunk to 64 pixels; "
                                   "transparent parts are painted over white).")
        self.target_box.activated.connect(self._on_target_chosen)
        form.addRow("Target", self.target_box)
        self.digit_box = spin_box(0, 59_999, "Which MNIST training digit to fit.", tracking=False)
        form.addRow("Digit #", self.digit_box)
        self.loss_box = QtWidgets.QComboBox()
        self.loss_box.addItem("Log loss (per channel)", FitLoss.BCE)
        self.loss_box.addItem("MSE", FitLoss.MSE)
        self.loss_box.setToolTip("What the fit minimises, averaged over pixels and channels.")
        form.addRow("Loss", self.loss_box)
        self.backprop_box = QtWidgets.QComboBox()
        self.backprop_box.addItem("TensorFlow autodiff", Backprop.AUTODIFF)
        self.backprop_box.addItem("Hand-written gradients", Backprop.MANUAL)
        self.backprop_box.setToolTip("Hand-written: the backward pass spelled out layer by layer "
                                     "(atan' = 1/(1+x²)), as the post derived it.")
        form.addRow("Gradients", self.backprop_box)
        self.steps_box = spin_box(1, 100_000, "Adam steps, each on the whole target.",
                                  value=CPPNFitConfig().steps, tracking=False)
        form.addRow("Steps", self.steps_box)
        self.controls = TrainingControls(self, "fit")
        self.controls.start_button.setText("Start fit")
        self.controls.start_button.setToolTip("Train this network's weights to paint the target.")
        self.controls.start_button.clicked.connect(self.start)
        self.controls.lr_box.setValue(CPPNFitConfig().learning_rate)
        self.controls.lock_while_running(self.target_box, self.digit_box, self.loss_box,
                                         self.backprop_box, self.steps_box, *host.fit_locks())
        form.addRow("Learning rate", self.controls.lr_box)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.controls.start_button)
        buttons.addWidget(self.controls.stop_button)
        form.addRow(buttons)
        pictures = QtWidgets.QHBoxLayout()
        self.target_view = ImagePanel("The target", (100, 100))
        self.fit_view = ImagePanel("What the network paints at the target's size", (100, 100))
        pictures.addWidget(self.target_view)
        pictures.addWidget(self.fit_view)
        form.addRow(pictures)
        self.status = QtWidgets.QLabel("")
        form.addRow(self.status)
        self.plot = LossPlot(("loss",))
        form.addRow(self.plot)
        self.curve_tools = CurveTools(self.plot)
        self.curve_tools.sig_message.connect(self._on_curves_message)
        form.addRow(self.curve_tools)
        render8 = QtWidgets.QPushButton("Export at 8× the target…")
        render8.setToolTip("Render the learned function at eight times the target's resolution.")
        render8.clicked.connect(self._on_export_8x)
        form.addRow(render8)

    @QtCore.Slot(str, bool)
    def _on_curves_message(self, text: str, _error: bool) -> None:
        self.status.setText(text)

    def load_target(self) -> np.ndarray:
        """The chosen target as floats (rows, cols, C), shrunk to at most 64 pixels a side."""
        source = self.target_box.currentData()
        if source == "digit":
            dataset = load_bundled("mnist")
            return dataset.images[self.digit_box.value()].astype(np.float32)[..., None] / 255.0
        if not source:
            raise ValueError("choose a picture first")
        return image_to_array(fit_within(load_image(source, "RGBA"), FIT_MAX_SIDE))

    @QtCore.Slot(int)
    def _on_target_chosen(self, index: int) -> None:
        if self.target_box.itemData(index) == "":
            path = ask_path(self, "Choose a target picture", PICTURE_FILTER, save=False)
            if path:
                self.target_box.insertItem(index, f"File: {Path(path).name}", path)
                self.target_box.setCurrentIndex(index)
            else:
                self.target_box.setCurrentIndex(0)
        self.digit_box.setEnabled(self.target_box.currentData() == "digit")

    @QtCore.Slot()
    def start(self) -> bool:
        if self.controls.is_running():
            self.host.show_message("A fit is already going: stop it first.")
            return False
        try:
            target = self.load_target()
            config = CPPNFitConfig(self.loss_box.currentData(), self.backprop_box.currentData(),
                                   self.steps_box.value(), self.controls.lr_box.value())
        except ValueError as exc:  # bad picture or setting: say so, keep everything else
            self.host.show_message(str(exc))
            return False
        weights, z, scale = self.host.fit_start()
        self.target_view.show_image(_shown(target))
        self.host.show_message("", error=False)
        self.run = Run("cppn-fit", config, "fit")
        self.run.subscribe(self._on_run_changed)
        self.plot.show_run(self.run)
        self.controls.launch(self.run, lambda _control: CPPNFitter(weights, z, scale, target, config))
        return True

    def _on_run_changed(self, run: Run, update) -> None:
        self.plot.changed()
        snapshot = run.latest()
        if snapshot is not None:
            self.fit_view.show_image(_shown(snapshot.payload.picture))
        self.status.setText(f"step {run.step}/{run.total_steps} · loss {run.final_loss():.4f}"
                            f" · ETA {run.eta_s:.0f} s")
        if not run.state.active:
            if run.message and run.state.value != "finished":
                self.host.show_message(run.message)
            if snapshot is not None:
                self.host.adopt_fit(CPPNWeights(self.host.network.config(), snapshot.weights))

    def fitted(self) -> tuple[CPPNWeights, np.ndarray, float, tuple[int, int]] | None:
        """The learned weights, their z and scale, and the target's (rows, cols)."""
        if self.run is None or self.run.latest() is None:
            return None
        fixtures = self.run.fixtures
        weights = CPPNWeights(self.host.network.config(), self.run.latest().weights)
        return weights, fixtures.z, fixtures.scale, fixtures.target.shape[:2]

    @QtCore.Slot()
    def _on_export_8x(self) -> None:
        ask_then(self, "Export PNG", "PNG (*.png)", self.host.export_fit_8x)

    def settings_widgets(self) -> dict:
        return {"fit_target": self.target_box, "fit_digit": self.digit_box,
                "fit_loss": self.loss_box, "fit_gradients": self.backprop_box,
                "fit_steps": self.steps_box, "fit_learning_rate": self.controls.lr_box}
