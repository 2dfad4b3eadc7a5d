"""The Latent Lab window: one tab per experiment of the 2018 post."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from engine.latent.config import ModelKind
from gui.about_dialog import AboutDialog
from gui.app import APP_NAME
from gui.latent.tab import AutoencoderTab
from gui.cppn.tab import CPPNTab
from gui.deemoji.tab import DeEmojiTab
from gui.settings import restore_tab, save_tab

TAB_TITLES = ("a · CPPN", "b · Autoencoder", "c · VAE", "d · De-emoji")
SHORTCUTS = (("Pause / resume (CPPN: play / pause)", "Space", "toggle_pause"),
             ("Save (model; CPPN: PNG)…", "Ctrl+S", "ask_save"),
             ("Export (GIF; CPPN: animation)…", "Ctrl+E", "ask_export"),
             ("Quit", "Ctrl+Q", "close"))


class MainWindow(QtWidgets.QMainWindow):
    """Four tabs; the autoencoder and VAE tabs share one class (``AutoencoderTab``)."""

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
        self.autoencoder_tab = AutoencoderTab(ModelKind.AE)
        self.vae_tab = AutoencoderTab(ModelKind.VAE)
        self.tabs.addTab(self.cppn_tab, TAB_TITLES[0])
        self.tabs.addTab(self.autoencoder_tab, TAB_TITLES[1])
        self.tabs.addTab(self.vae_tab, TAB_TITLES[2])
        self.deemoji_tab = DeEmojiTab()
        self.tabs.addTab(self.deemoji_tab, TAB_TITLES[3])
        self.tabs.setCurrentIndex(1)
        self._build_menus()
        self.restore_settings()

    def named_tabs(self) -> dict:
        return {"cppn": self.cppn_tab, "autoencoder": self.autoencoder_tab, "vae": self.vae_tab,
                "deemoji": self.deemoji_tab}

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
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

    def restore_settings(self) -> None:
        """Window size and place, the last tab, and each tab's last configuration."""
        settings = QtCore.QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QtCore.QByteArray):
            self.restoreGeometry(geometry)
        for name, tab in self.named_tabs().items():
            if restore_tab(settings, name, tab.settings_widgets()):
                tab.settings_restored()
        index = settings.value("window/tab")
        if index is not None and 0 <= int(index) < self.tabs.count():
            self.tabs.setCurrentIndex(int(index))

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

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.save_settings()
        for tab in (self.cppn_tab, self.autoencoder_tab, self.vae_tab, self.deemoji_tab):
            tab.shutdown()
        super().closeEvent(event)
