"""The de-emoji tab's left column: which network, photos and stickers, how long, Start / Pause /
Stop, the run's progress, and the network's files (save, load, GIF of the held-out triplets).

Defaults (learning rate, fresh emoji) come from the engine's presets when the network changes;
choosing stickers of one's own sets a sticker run's (it starts from a bundled network).
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.deemoji.config import (
    MAX_TRAIN_IMAGES,
    DeEmojiConfig,
    DeEmojiNet,
    PhotoSource,
    preset,
    sticker_preset,
)
from engine.deemoji.networks import bundled_start
from engine.files.resources import resource_path
from gui.settings import TextSetting
from gui.widgets import file_dialogs
from gui.widgets.choice_box import choice_box
from gui.widgets.run_progress import RunProgress
from gui.widgets.spin_box import spin_box
from gui.widgets.tensorboard_setting import TensorBoardSetting
from gui.widgets.training_controls import TrainingControls

NETWORKS = (("Improved: finds the emoji, fills the hole", DeEmojiNet.IMPROVED, 1.0),
            ("2018 original, ¼ width (CPU-friendly)", DeEmojiNet.ORIGINAL_2018, 0.25),
            ("2018 original as published (slow on a CPU)", DeEmojiNet.ORIGINAL_2018, 1.0))
PHOTO_SOURCES = (("Bundled photos (28)", PhotoSource.BUNDLED), ("A folder of my photos…",
                 PhotoSource.FOLDER), ("STL-10 train_X.bin…", PhotoSource.STL10))
STICKER_SOURCES = (("None: the emoji only", ""), ("The example stickers (4)", "example"),
                   ("A folder of my stickers…", "folder"))


class DeEmojiTrainingPanel(QtWidgets.QWidget):
    """Settings, buttons and progress; ``controls`` owns the training thread."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.photo_path = ""
        self.sticker_path = ""
        self.net_box = QtWidgets.QComboBox()
        for text, net, width in NETWORKS:
            self.net_box.addItem(text, (net, width))
        self.net_box.setToolTip("Improved: a U-Net that keeps the photo where there is no emoji "
                                "and fills the emoji with the colours around it. 2018 original: the "
                                "post's network.")
        self.net_box.currentIndexChanged.connect(self.apply_preset_defaults)
        self.photos_box = choice_box(PHOTO_SOURCES, "Where the 96×96 training pictures come from; "
                                     "some photos are always held out for measuring.")
        self.photos_box.activated.connect(self._on_photos_chosen)
        self.stickers_box = choice_box(
            STICKER_SOURCES, "Teach the improved network your own stickers, logos or watermarks "
            "(PNGs with a transparent background): the run starts from a bundled network and "
            "learns them beside the emoji in a few minutes.")
        self.stickers_box.activated.connect(self._on_stickers_chosen)
        self.images_box = spin_box(50, MAX_TRAIN_IMAGES, "How many 96×96 training pictures (kept "
                                   "as bytes: 50,000 take 1.4 GB).", value=1000)
        self.epochs_box = spin_box(1, 1000, "Passes over the training pictures.", value=5)
        self.fresh_box = QtWidgets.QCheckBox("New emoji every epoch")
        self.fresh_box.setToolTip("Paste fresh emoji each epoch (the 2018 run pasted once).")
        self.tensorboard = TensorBoardSetting()
        self.controls = TrainingControls(self, "network")
        self.controls.lock_while_running(self.net_box, self.photos_box, self.stickers_box,
                                         self.images_box,
                                         self.epochs_box, self.fresh_box, self.tensorboard)
        self.progress = RunProgress("pictures", loss_digits=4)
        self.message_label = QtWidgets.QLabel("")
        self.message_label.setWordWrap(True)
        self.files = QtWidgets.QHBoxLayout()
        form = QtWidgets.QFormLayout()
        form.addRow("Network", self.net_box)
        form.addRow("Photos", self.photos_box)
        form.addRow("Stickers", self.stickers_box)
        form.addRow("Pictures", self.images_box)
        form.addRow("Epochs", self.epochs_box)
        form.addRow("Learning rate", self.controls.lr_box)
        form.addRow(self.fresh_box)
        form.addRow(self.tensorboard)
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.controls.start_button, self.controls.pause_button,
                       self.controls.stop_button):
            buttons.addWidget(button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addLayout(self.files)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        self.apply_preset_defaults()

    def add_file_button(self, text: str, tip: str, slot) -> QtWidgets.QPushButton:
        button = QtWidgets.QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        self.files.addWidget(button)
        return button

    @QtCore.Slot()
    def apply_preset_defaults(self) -> None:
        defaults = preset(self.net_box.currentData()[0])
        self.controls.lr_box.setValue(defaults.learning_rate)
        self.fresh_box.setChecked(defaults.fresh_emoji)

    def config(self) -> DeEmojiConfig:
        net, width = self.net_box.currentData()
        settings = dict(width_scale=width, photo_source=self.photos_box.currentData(),
                        photo_path=self.photo_path, train_images=self.images_box.value(),
                        epochs=self.epochs_box.value(), learning_rate=self.controls.lr_box.value(),
                        fresh_emoji=self.fresh_box.isChecked())
        if not self.sticker_path:
            return preset(net, **settings)
        if net is not DeEmojiNet.IMPROVED or width != 1.0:
            raise ValueError("Stickers are learned by the improved network, starting from a "
                             "bundled one: choose the improved network (or no stickers).")
        return sticker_preset(self.sticker_path, bundled_start(DeEmojiConfig().seed), **settings)

    @QtCore.Slot(int)
    def _on_stickers_chosen(self, index: int) -> None:
        kind = self.stickers_box.itemData(index)
        path = ""
        if kind == "example":
            path = str(resource_path("deemoji", "example-stickers"))
        elif kind == "folder":
            path = file_dialogs.ask_path(self, "A folder of your stickers (PNG or WebP with a "
                                         "transparent background)", folder=True)
            if not path:
                self.stickers_box.setCurrentIndex(0)
        self.sticker_path = path
        if path:
            self.net_box.setCurrentIndex(0)
            defaults = sticker_preset(path, "")
            self.controls.lr_box.setValue(defaults.learning_rate)
            self.images_box.setValue(defaults.train_images)
            self.epochs_box.setValue(defaults.epochs)

    @QtCore.Slot(int)
    def _on_photos_chosen(self, index: int) -> None:
        source = PhotoSource(self.photos_box.itemData(index))  # Qt gives a str-based enum as str
        if source is PhotoSource.FOLDER:
            path = file_dialogs.ask_path(self, "A folder of photos", folder=True)
        elif source is PhotoSource.STL10:
            path = file_dialogs.ask_path(self, "STL-10 train_X.bin",
                                         "STL-10 binary (*.bin);;All (*)", save=False)
        else:
            return
        if path:
            self.photo_path = path
        else:
            self.photos_box.setCurrentIndex(0)

    def show_message(self, text: str, error: bool = True) -> None:
        self.message_label.setStyleSheet("color: #b00020;" if error else "color: #205020;")
        self.message_label.setText(text)

    def settings_widgets(self) -> dict:
        return {"network": self.net_box, "photos": self.photos_box,
                "photo_path": TextSetting(lambda: self.photo_path, self._put_photo_path),
                "stickers": self.stickers_box,
                "sticker_path": TextSetting(lambda: self.sticker_path, self._put_sticker_path),
                "pictures": self.images_box, "epochs": self.epochs_box,
                "learning_rate": self.controls.lr_box, "fresh_emoji": self.fresh_box,
                **self.tensorboard.settings_widgets()}

    def _put_photo_path(self, text: str) -> None:
        self.photo_path = text

    def _put_sticker_path(self, text: str) -> None:
        self.sticker_path = text
