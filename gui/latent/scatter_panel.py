"""The 3-D scatter as the tab shows it: a legend of its classes above (click a class to hide or
show its points, Shift+click to show it alone) beside the choice of axes (the codes' first
three, or their principal components), and the box's extents below."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from engine.latent.palette import SEED_RGB
from gui.latent.box_select import BoxSelection, SelectionStrip
from gui.latent.scatter import LatentScatterView
from gui.latent.sprites import MAX_SPRITES, SPRITE_MODES, PictureSprites


def _dot(rgb) -> QtGui.QIcon:
    """A disc of a class's colour, greyed by Qt's own disabled look when the class is hidden."""
    pixmap = QtGui.QPixmap(12, 12)
    pixmap.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setBrush(QtGui.QColor(*rgb))
    painter.setPen(QtGui.QColor(90, 90, 90))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QtGui.QIcon(pixmap)


class ClassLegend(QtWidgets.QWidget):
    """One toggle per class, in its points' colour; checked means shown."""

    sig_hidden_changed = QtCore.Signal(object)   # frozenset of hidden class indices

    def __init__(self, parent=None):
        super().__init__(parent)
        self.buttons: list[QtWidgets.QToolButton] = []
        self._names: list[str] = []
        self._layout = QtWidgets.QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addStretch(1)

    def set_classes(self, class_names) -> None:
        """New classes: all shown (the hidden set only changes when the names do)."""
        names = [str(n) for n in class_names]
        if names == self._names:
            return
        self._names = names
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for index, name in enumerate(names):
            button = QtWidgets.QToolButton(self)
            button.setText(name)
            button.setIcon(_dot(SEED_RGB[index % len(SEED_RGB)].tolist()))
            button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setCheckable(True)
            button.setChecked(True)
            button.setAutoRaise(True)
            button.setStyleSheet(   # hidden: grey and struck through; shown: plain
                "QToolButton { border: none; padding: 1px 3px; color: #a0a0a0; "
                "text-decoration: line-through; }"
                "QToolButton:checked { color: palette(text); text-decoration: none; }")
            button.setToolTip(f"{name}: click to hide or show its points; Shift+click to show "
                              "only this class (again: all classes).")
            button.clicked.connect(self._on_clicked)
            self._layout.insertWidget(index, button)
            self.buttons.append(button)
        self.sig_hidden_changed.emit(frozenset())

    def hidden(self) -> frozenset[int]:
        return frozenset(i for i, b in enumerate(self.buttons) if not b.isChecked())

    def set_hidden(self, hidden) -> None:
        for index, button in enumerate(self.buttons):
            button.setChecked(index not in hidden)
        self.sig_hidden_changed.emit(self.hidden())

    @QtCore.Slot()
    def _on_clicked(self) -> None:
        index = self.buttons.index(self.sender())
        if QtWidgets.QApplication.keyboardModifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier:
            alone = frozenset(range(len(self.buttons))) - {index}
            before = self.hidden() ^ {index}   # as it was before the click toggled this one
            self.set_hidden(frozenset() if before == alone else alone)
        else:
            self.sig_hidden_changed.emit(self.hidden())


class ScatterPanel(QtWidgets.QWidget):
    """A scatter view with its class legend above and its box's extents below."""

    def __init__(self, view: LatentScatterView, parent=None):
        super().__init__(parent)
        self.view = view
        self.legend = ClassLegend(self)
        self.legend.sig_hidden_changed.connect(self._on_hidden_changed)
        self.pca_box = QtWidgets.QCheckBox("PCA axes")
        self.pca_box.setToolTip(
            "Show the codes along their three principal components (fitted on the newest "
            "snapshot, so the timeline does not move the axes) instead of their first three "
            "dimensions: a latent space of more than 3 dimensions, seen whole.")
        self.pca_box.toggled.connect(view.set_projection_mode)
        self.sprites = PictureSprites()
        view.addItem(self.sprites)
        self.sprites_box = QtWidgets.QComboBox()
        for mode, text in SPRITE_MODES.items():
            self.sprites_box.addItem(text, mode)
        self.sprites_box.setToolTip(
            f"Draw points as their pictures (up to {MAX_SPRITES} of those in view): when zoomed "
            "in (the wheel) to half the first distance or nearer, always, or never.")
        self.sprites_box.currentIndexChanged.connect(self._on_sprites_mode)
        self.selection = BoxSelection(view)
        self.selection_strip = SelectionStrip(self.selection, self)
        self.extent_label = QtWidgets.QLabel("")
        self.extent_label.setToolTip("The latent box's extent on each axis.")
        view.sig_extent_changed.connect(self._on_extent_changed)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.legend, 1)
        top.addWidget(self.sprites_box)
        top.addWidget(self.pca_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(view.container(self), 1)
        layout.addWidget(self.extent_label)
        layout.addWidget(self.selection_strip)

    def set_legend(self, class_names) -> None:
        self.legend.set_classes(class_names)

    def set_fixtures(self, fixtures) -> None:
        """A run's shown pictures: its classes in the legend, its pictures for the sprites."""
        self.set_legend(fixtures.class_names)
        self.sprites.set_pictures(fixtures.view_images)
        self.selection_strip.set_fixtures(fixtures)
        self.view.update()

    @QtCore.Slot(int)
    def _on_sprites_mode(self, _index: int) -> None:
        self.sprites.mode = self.sprites_box.currentData()
        self.view.update()

    @QtCore.Slot(object)
    def _on_hidden_changed(self, hidden) -> None:
        self.view.set_hidden_labels(hidden)

    @QtCore.Slot(object)
    def _on_extent_changed(self, extent) -> None:
        lo, hi = extent
        self.extent_label.setText("extent   " + "    ".join(
            f"{n}: {a:+.2f} … {b:+.2f}" for n, a, b in zip(self.view.axis_names(), lo, hi)))
