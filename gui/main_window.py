"""The Latent Lab window: one tab per experiment of the 2018 post."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from engine.autoencoder_config import ModelKind
from gui.about_dialog import AboutDialog
from gui.app import APP_NAME
from gui.autoencoder_tab import AutoencoderTab
from gui.cppn_tab import CPPNTab
from gui.deemoji_tab import DeEmojiTab

TAB_TITLES = ("a · CPPN", "b · Autoencoder", "c · VAE", "d · De-emoji")


class MainWindow(QtWidgets.QMainWindow):
    """Four tabs; the autoencoder and VAE tabs share one class (``AutoencoderTab``)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1360, 860)
        self.tabs = QtWidgets.QTabWidget()
        self.setCentralWidget(self.tabs)
        self.cppn_tab = CPPNTab()
        self.autoencoder_tab = AutoencoderTab(ModelKind.AE)
        self.vae_tab = AutoencoderTab(ModelKind.VAE)
        self.tabs.addTab(self.cppn_tab, TAB_TITLES[0])
        self.tabs.addTab(self.autoencoder_tab, TAB_TITLES[1])
        self.tabs.addTab(self.vae_tab, TAB_TITLES[2])
        self.deemoji_tab = DeEmojiTab()
        self.tabs.addTab(self.deemoji_tab, TAB_TITLES[3])
        self.tabs.setCurrentIndex(1)
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = file_menu.addAction("Quit")
        quit_action.setShortcut(QtGui.QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("About Latent Lab and licences…").triggered.connect(self.show_about)

    @QtCore.Slot()
    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.show()
        return dialog

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        for tab in (self.cppn_tab, self.autoencoder_tab, self.vae_tab, self.deemoji_tab):
            tab.shutdown()
        super().closeEvent(event)
