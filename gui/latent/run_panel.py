"""The autoencoder/VAE tab's left column: what to train (preset, loss, data, epochs, learning
rate), Start / Pause / Stop / Reset, and the run's progress and messages.

Defaults (learning rate, epochs) come from the engine's presets whenever the preset changes;
nothing here restates them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from engine.latent.config import (
    ALL_POINTS,
    IMAGE_SIDES,
    MAX_BETA,
    MAX_POINTS_2018,
    AutoencoderConfig,
    Loss,
    ModelKind,
    Preset,
    preset_config,
)
from engine.latent.datasets import channels_for
from gui.settings import TextSetting
from gui.widgets.choice_box import choice_box
from gui.widgets.file_dialogs import ask_path
from gui.widgets.run_progress import RunProgress
from gui.widgets.tensorboard_setting import TensorBoardSetting
from gui.widgets.training_controls import TrainingControls

LOSS_CHOICES = {
    ModelKind.AE: (("Log loss (BCE)", Loss.BCE), ("MSE", Loss.MSE)),
    ModelKind.VAE: (("Log loss + KL", Loss.BCE), ("MSE + KL", Loss.MSE), ("KL only", Loss.KL)),
}
PRESET_CHOICES = (("Quick (dense, ~1 s/epoch)", Preset.QUICK),
                  ("Conv (small, for colour and larger pictures)", Preset.CONV),
                  ("2018 original (conv, slow)", Preset.ORIGINAL_2018))
SIDE_CHOICES = tuple((f"{side} × {side}", side) for side in IMAGE_SIDES)
COLOUR_CHOICES = (("Auto colour", "auto"), ("Grey", "grey"), ("RGB", "rgb"))
MIN_LATENT_DIMS, MAX_LATENT_DIMS = 2, 16
POINT_CHOICES = (("1,000 pictures", 1_000), ("10,000 pictures", 10_000),
                 ("All (70,000 for MNIST)", ALL_POINTS))
DATASET_CHOICES = (("MNIST (bundled)", "mnist"), ("Fashion-MNIST (bundled)", "fashion-mnist"),
                   ("Keras cache / download", "keras"), ("CIFAR-10 (Keras cache)", "cifar10"),
                   ("Your file (npz, IDX)…", "file"),
                   ("Your folder of pictures…", "folder"))
CUSTOM_SOURCES = ("file", "folder")   # the entries that stand for the path the user chose


class RunPanel(QtWidgets.QWidget):
    """Settings and buttons for one tab's runs; ``controls`` owns the training threads."""

    sig_reset = QtCore.Signal()

    def __init__(self, kind: ModelKind, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.custom_dataset = ""
        self.preset_box = choice_box(PRESET_CHOICES,
                                     "Quick: a small dense model. 2018 original: the post's conv "
                                     "autoencoder as it ran, batch 10, Adam 8e-5 (minutes per "
                                     "epoch on a CPU).")
        self.loss_box = choice_box(LOSS_CHOICES[kind], "What the model is trained to minimise.")
        self.dataset_box = choice_box(
            DATASET_CHOICES,
            "The pictures to learn from: a bundled set, your mnist.npz or IDX files, or a "
            "folder of your pictures (PNG, JPEG, WebP; one subfolder per class, or one class), "
            "each made the side and colour below; unreadable ones are skipped and listed.")
        self.dataset_box.activated.connect(self._on_dataset_chosen)
        self.side_box = choice_box(SIDE_CHOICES,
                                   "The side of the pictures the model sees (quick and conv "
                                   "presets); pictures of other sizes are resized to it.")
        self.colour_box = choice_box(COLOUR_CHOICES,
                                     "Grey or RGB pictures. Auto: as the pictures are, RGB for a folder "
                                     "of colour pictures, grey for MNIST and for the 2018 "
                                     "original, which sees 28 × 28 grey only.")
        self.dims_box = QtWidgets.QSpinBox()
        self.dims_box.setRange(MIN_LATENT_DIMS, MAX_LATENT_DIMS)
        self.dims_box.setValue(3)
        self.dims_box.setToolTip(
            "The size of the latent code (quick and conv presets; the 2018 original's is 3). Above 3, "
            "the 3-D view shows three of its axes, or its principal components (PCA axes); "
            "clicking, walking and the sliders decode full codes.")
        self.epochs_box = QtWidgets.QSpinBox()
        self.epochs_box.setRange(1, 10_000)
        self.epochs_box.setToolTip("How many passes over the training digits.")
        self.corrected_kl = QtWidgets.QCheckBox("Corrected KL (textbook)")
        self.corrected_kl.setToolTip(
            "2018 original trains the VAE with the KL the 2018 code computed: its second head is read "
            "as log σ² when sampling but as σ in the KL, and the KL is averaged over the batch "
            "while the reconstruction is summed, so the curves match the 2018 logs. Tick for the "
            "textbook KL instead (about 20% higher losses at the first epoch).")
        self.corrected_kl.setVisible(kind is ModelKind.VAE)
        self.beta_box = QtWidgets.QDoubleSpinBox()
        self.beta_box.setRange(0.0, MAX_BETA)
        self.beta_box.setDecimals(2)
        self.beta_box.setSingleStep(0.1)
        self.beta_box.setValue(1.0)
        self.beta_box.setToolTip("The KL's weight β: 1 is the VAE, 0 a plain autoencoder that "
                                 "still samples its codes, above 1 a β-VAE (codes pulled harder "
                                 "towards the unit ball).")
        self.points_box = choice_box(
            POINT_CHOICES,
            "How many of the dataset's pictures the 3-D view shows, encoded at every snapshot. "
            "All: every picture, the test split included (never trained on); the 2018 original "
            f"preset shows up to {MAX_POINTS_2018:,}.")
        self.fit_axes = QtWidgets.QCheckBox("Fit axes to data")
        self.fit_axes.setChecked(True)
        self.fit_axes.setToolTip("On: the box follows the codes. Off: it only grows, so the "
                                 "spread is seen as points moving outwards.")
        self.tensorboard = TensorBoardSetting()
        self.continue_button = QtWidgets.QPushButton("Continue from this step")
        self.continue_button.setToolTip(
            "A new run that starts from the weights of the step on screen (an epoch's end, or "
            "the newest), with these settings: another loss, learning rate or number of epochs. "
            "Its curve goes on from that step; the optimiser starts afresh.")
        self.controls = TrainingControls(self, "model")
        self.controls.lock_while_running(self.preset_box, self.loss_box, self.dataset_box,
                                         self.side_box, self.colour_box, self.epochs_box,
                                         self.points_box, self.dims_box,
                                         self.corrected_kl, self.beta_box,
                                         self.tensorboard, self.continue_button)
        self.reset_button = QtWidgets.QPushButton("Reset")
        self.reset_button.setToolTip("Stop and forget the run on screen.")
        self.reset_button.clicked.connect(self.sig_reset)
        self.progress = RunProgress("samples")
        self.message_label = QtWidgets.QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.preset_box.currentIndexChanged.connect(self.apply_preset_defaults)
        self._layout()
        self.apply_preset_defaults()

    def _layout(self) -> None:
        form = QtWidgets.QFormLayout()
        form.addRow("Preset", self.preset_box)
        form.addRow("Loss", self.loss_box)
        form.addRow("Data", self.dataset_box)
        pictures = QtWidgets.QHBoxLayout()
        pictures.addWidget(self.side_box)
        pictures.addWidget(self.colour_box)
        form.addRow("Pictures", pictures)
        form.addRow("Latent dims", self.dims_box)
        form.addRow("Epochs", self.epochs_box)
        form.addRow("Points shown", self.points_box)
        form.addRow("Learning rate", self.controls.lr_box)
        if self.kind is ModelKind.VAE:
            form.addRow("KL weight β", self.beta_box)
        buttons = QtWidgets.QGridLayout()
        buttons.addWidget(self.controls.start_button, 0, 0)
        buttons.addWidget(self.controls.pause_button, 0, 1)
        buttons.addWidget(self.controls.stop_button, 1, 0)
        buttons.addWidget(self.reset_button, 1, 1)
        buttons.addWidget(self.continue_button, 2, 0, 1, 2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        for box in (self.corrected_kl, self.fit_axes):
            layout.addWidget(box)
        layout.addWidget(self.tensorboard)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        self.extra = QtWidgets.QVBoxLayout()   # the tab adds its export and runs widgets here
        layout.addLayout(self.extra)
        layout.addWidget(self.message_label)
        layout.addStretch(1)

    @QtCore.Slot()
    def apply_preset_defaults(self) -> None:
        """The preset's learning rate and epochs, as the engine defines them."""
        defaults = preset_config(self.kind, self.loss_box.currentData(), self.preset_box.currentData())
        self.controls.lr_box.setValue(defaults.learning_rate)
        self.epochs_box.setValue(defaults.epochs)

    def config(self) -> AutoencoderConfig:
        """The settings as a config; a bad combination raises ValueError with the reason."""
        preset = self.preset_box.currentData()
        overrides = {"image_side": self.side_box.currentData(),
                     "channels": channels_for(self.colour_box.currentData(), self.dataset_source(),
                                              preset)}
        if preset != Preset.ORIGINAL_2018:
            overrides["latent_dim"] = self.dims_box.value()
        if self.kind is ModelKind.VAE:
            overrides["beta"] = self.beta_box.value()
            if self.corrected_kl.isChecked():
                overrides["kl_2018_quirks"] = False
        return preset_config(
            self.kind, self.loss_box.currentData(), preset,
            epochs=self.epochs_box.value(), learning_rate=self.controls.lr_box.value(),
            dataset=self.dataset_source(),
            latent_points=self.points_shown(), **overrides)

    def points_shown(self) -> int:
        """The chosen number of points, within what the chosen preset shows."""
        points = self.points_box.currentData()
        if self.preset_box.currentData() == Preset.ORIGINAL_2018:
            return min(points, MAX_POINTS_2018)
        return points

    def dataset_source(self) -> str:
        """A bundled name, ``keras``, or the path the user chose."""
        source = self.dataset_box.currentData()
        if source in CUSTOM_SOURCES:
            return self.custom_dataset or "mnist"
        return source or "mnist"

    @QtCore.Slot(int)
    def _on_dataset_chosen(self, index: int) -> None:
        source = self.dataset_box.itemData(index)
        if source not in CUSTOM_SOURCES:
            return
        if source == "folder":
            path = ask_path(self, "Choose a folder of pictures", save=False, folder=True)
        else:
            path = ask_path(self, "Choose a dataset file",
                            "MNIST files (*.npz *ubyte *.gz);;All (*)", save=False)
        if path:
            self.set_custom_dataset(path)
        else:
            self.dataset_box.setCurrentIndex(0)

    def set_custom_dataset(self, path: str) -> None:
        """Train on ``path``: a folder goes in the folder entry, anything else in the file one."""
        self.custom_dataset = path
        index = self.dataset_box.findData("folder" if Path(path).is_dir() else "file")
        self.dataset_box.setItemText(index, f"{Path(path).name or path} (yours)")
        self.dataset_box.setCurrentIndex(index)

    def show_message(self, text: str, error: bool = True) -> None:
        self.message_label.setStyleSheet("color: #b00020;" if error else "color: #205020;")
        self.message_label.setText(text)

    def settings_widgets(self) -> dict:
        return {"preset": self.preset_box, "loss": self.loss_box,
                "dataset_path": TextSetting(lambda: self.custom_dataset, self._put_dataset_path),
                "dataset": self.dataset_box, "epochs": self.epochs_box,
                "learning_rate": self.controls.lr_box, "points": self.points_box,
                "latent_dims": self.dims_box, "side": self.side_box, "colour": self.colour_box,
                "fit_axes": self.fit_axes, "corrected_kl": self.corrected_kl, "beta": self.beta_box,
                **self.tensorboard.settings_widgets()}

    def _put_dataset_path(self, path: str) -> None:
        if path:
            self.set_custom_dataset(path)
