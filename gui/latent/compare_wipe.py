"""Compare's wipe: the selected digit's reconstruction by two runs at one epoch, or by one run at
two epochs, as a before/after wipe (drag the line), or A beside their difference (|A − B| × 4)."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.files.images import DIFFERENCE_GAIN, difference_map
from engine.runs.run import Run
from gui.latent.decoder import LatentDecoder
from gui.widgets.wipe_view import WipeView

AS_TIMELINE = -0.01      # the B epoch box's lowest value: B follows the timeline, as A does


def rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., None], 3, axis=-1)


class WipePanel(QtWidgets.QGroupBox):
    """A and B chosen from the compared runs (B may be A at another epoch); the decodes come
    from the comparison's decoder under the tags ``wipe a`` and ``wipe b``."""

    def __init__(self, runs: list[Run], latent_decoder: LatentDecoder, parent=None):
        super().__init__("Wipe", parent)
        self.runs = runs
        self.latent_decoder = latent_decoder
        self.index: int | None = None
        self.epoch = 0.0
        self.images: dict[str, np.ndarray | None] = {"a": None, "b": None}
        self.a_box, self.b_box = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        for box in (self.a_box, self.b_box):
            box.addItems([run.name for run in runs])
            box.currentIndexChanged.connect(self.request)
        self.b_box.setCurrentIndex(1)
        self.b_epoch = QtWidgets.QDoubleSpinBox()
        self.b_epoch.setRange(AS_TIMELINE, 10_000.0)
        self.b_epoch.setDecimals(2)
        self.b_epoch.setSingleStep(0.25)
        self.b_epoch.setSpecialValueText("the timeline's")
        self.b_epoch.setValue(AS_TIMELINE)
        self.b_epoch.setToolTip("The epoch B is decoded at; choose B = A and another epoch to see "
                                "what training changed in one run.")
        self.b_epoch.valueChanged.connect(self.request)
        self.difference = QtWidgets.QCheckBox(f"Difference ×{DIFFERENCE_GAIN:g}")
        self.difference.setToolTip("|A − B| per pixel, brightened: identical pixels stay black.")
        self.difference.toggled.connect(self.redraw)
        self.view = WipeView(("A", "B"))
        self.view.setMinimumSize(190, 190)
        self.label = QtWidgets.QLabel("Click a digit in any view.")
        self.label.setWordWrap(True)
        form = QtWidgets.QFormLayout()
        form.addRow("A", self.a_box)
        form.addRow("B", self.b_box)
        form.addRow("B at epoch", self.b_epoch)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.difference)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.label)

    def show_digit(self, index: int, epoch: float) -> None:
        """Decode digit ``index`` by A at ``epoch`` (the timeline's) and by B."""
        self.index, self.epoch = index, epoch
        self.request()

    def sides(self) -> list[tuple[str, Run, int]]:
        """(side, run, step of the weights it is decoded with) for A and B."""
        b_epoch = self.epoch if self.b_epoch.value() <= AS_TIMELINE else self.b_epoch.value()
        out = []
        for side, box, epoch in (("a", self.a_box, self.epoch), ("b", self.b_box, b_epoch)):
            run = self.runs[box.currentIndex()]
            step = min(run.step_at_epoch(epoch), run.step)
            out.append((side, run, run.snapshots.with_weights_at(step).step))
        return out

    @QtCore.Slot()
    def request(self) -> None:
        if self.index is None:
            return
        self.images = {"a": None, "b": None}
        for side, run, step in self.sides():
            snapshot = run.snapshots.with_weights_at(step)
            code = snapshot.payload.latent[self.index]
            self.latent_decoder.decode(f"wipe {side}", run.config, snapshot.weights, code[None])

    def on_decoded(self, side: str, image: np.ndarray) -> None:
        self.images[side] = image
        self.redraw()

    @QtCore.Slot()
    def redraw(self) -> None:
        a, b = self.images["a"], self.images["b"]
        if a is None or b is None:
            return
        if self.difference.isChecked():
            self.view.set_pictures(rgb(a), rgb(difference_map(a, b)),
                                   ("A", f"|A − B| ×{DIFFERENCE_GAIN:g}"))
        else:
            self.view.set_pictures(rgb(a), rgb(b), ("A", "B"))
        (_, run_a, step_a), (_, run_b, step_b) = self.sides()
        gap = np.abs(a - b)
        self.label.setText(f"A {run_a.name} at step {step_a}, B {run_b.name} at step {step_b}: "
                           f"mean |A − B| {gap.mean():.3f}, largest {gap.max():.3f}")
