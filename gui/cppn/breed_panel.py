"""Breeding CPPN pictures by clicking: a grid of children of the picture on the canvas, each one
mutation away (engine/cppn/breeding.py), and, once a mate is chosen (⚭ on another picture of the
history or favourites), children crossed with it beside them (engine/cppn/crossover.py); a click
adopts a child and breeds again. Back and
forward walk the history, a tree in which adopting from an earlier picture starts a branch and
keeps the old one; favourites are kept in a strip; genomes are saved and opened as JSON.

The panel holds the lineage and the previews; the tab renders (children in its render thread,
eagerly, at :data:`CHILD_SIDE`) and adopts.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from engine.cppn.breeding import STRENGTHS, breed
from engine.cppn.crossover import Crossing, cross_children
from engine.cppn.genome import Genome
from engine.cppn.lineage import Lineage
from gui.cppn.network_panel import log_slider, log_value
from gui.widgets.qimage import qimage_of

CHILD_SIDE = 128
GRIDS = ((3, "3 × 3"), (4, "4 × 4"))
THUMB = 48


def pixmap_of(pixels: np.ndarray, side: int) -> QtGui.QPixmap:
    """uint8 pixels (rows, cols, 1|3|4) as a pixmap ``side`` wide."""
    return QtGui.QPixmap.fromImage(qimage_of(pixels)).scaled(
        side, side, QtCore.Qt.AspectRatioMode.KeepAspectRatio,
        QtCore.Qt.TransformationMode.SmoothTransformation)


class ChildTile(QtWidgets.QLabel):
    """One child's preview; a click adopts it."""

    sig_clicked = QtCore.Signal(int)

    def __init__(self, index: int, parent=None):
        super().__init__(parent)
        self.index = index
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.sig_clicked.emit(self.index)


class BreedPanel(QtWidgets.QWidget):
    """``host`` renders children (``host.render_children(genomes, done)``), gives the genome on
    the canvas (``host.current_genome()``) and adopts one (``host.adopt_genome(genome)``)."""

    sig_bred = QtCore.Signal(float)     # the children are on screen: ms since the click

    def __init__(self, host, parent=None):
        super().__init__(parent)
        self.host = host
        self.lineage: Lineage | None = None
        self.children: list[tuple[object, Genome]] = []   # (its Mutation or Crossing, genome)
        self.mate: int | None = None                        # the history node crossed with
        self.child_pixels: list[np.ndarray] = []
        self.thumbs: dict[int, QtGui.QPixmap] = {}     # lineage node -> its preview
        self._seed = 0
        self._clicked_at = 0.0
        layout = QtWidgets.QVBoxLayout(self)
        form = QtWidgets.QFormLayout()
        self.grid_box = QtWidgets.QComboBox()
        for n, text in GRIDS:
            self.grid_box.addItem(text, n)
        self.grid_box.setToolTip("How many children each round shows; choosing breeds again.")
        self.grid_box.activated.connect(self.breed)
        form.addRow("Children", self.grid_box)
        self.strength = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.strength.setRange(0, 1000)
        self.strength.setValue(log_slider(*STRENGTHS, 0.3))
        self.strength.setToolTip("How far weight noise moves each weight, as a share of its "
                                 "layer's spread.")
        self.strength_label = QtWidgets.QLabel()
        self.strength.valueChanged.connect(self._show_strength)
        form.addRow(self.strength_label, self.strength)
        layout.addLayout(form)
        self.tiles_holder = QtWidgets.QWidget()
        self.tiles = QtWidgets.QGridLayout(self.tiles_holder)
        self.tiles.setSpacing(4)
        layout.addWidget(self.tiles_holder)
        row = QtWidgets.QHBoxLayout()
        self.breed_button = QtWidgets.QPushButton("Breed")
        self.breed_button.setToolTip("New children of the picture on the canvas.")
        self.breed_button.clicked.connect(self.breed)
        self.back_button = QtWidgets.QPushButton("◀ Back")
        self.back_button.setToolTip("The picture adopted before this one.")
        self.back_button.clicked.connect(self.back)
        self.forward_button = QtWidgets.QPushButton("Forward ▶")
        self.forward_button.setToolTip("The picture adopted after this one (after Back).")
        self.forward_button.clicked.connect(self.forward)
        self.favourite_button = QtWidgets.QPushButton("★")
        self.favourite_button.setToolTip("Keep the picture on the canvas in the favourites strip.")
        self.favourite_button.clicked.connect(self.toggle_favourite)
        self.mate_button = QtWidgets.QPushButton("⚭")
        self.mate_button.setCheckable(True)
        self.mate_button.setToolTip("Mate: the picture on the canvas becomes the second parent; "
                                    "go to another picture and half the children are the two "
                                    "crossed (layers swapped or weights blended). Again: no mate.")
        self.mate_button.clicked.connect(self.toggle_mate)
        for button in (self.breed_button, self.back_button, self.forward_button,
                       self.favourite_button, self.mate_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.favourites = QtWidgets.QListWidget()
        self.favourites.setViewMode(QtWidgets.QListView.ViewMode.IconMode)
        self.favourites.setFlow(QtWidgets.QListView.Flow.LeftToRight)
        self.favourites.setWrapping(False)
        self.favourites.setIconSize(QtCore.QSize(THUMB, THUMB))
        self.favourites.setFixedHeight(THUMB + 26)
        self.favourites.setToolTip("Favourites: click one to go back to it.")
        self.favourites.itemClicked.connect(self._on_item_chosen)
        layout.addWidget(QtWidgets.QLabel("Favourites"))
        layout.addWidget(self.favourites)
        self.history = QtWidgets.QTreeWidget()
        self.history.setHeaderHidden(True)
        self.history.setIconSize(QtCore.QSize(24, 24))
        self.history.setToolTip("Every picture adopted, as a tree: click one to go back to it; "
                                "adopting from there starts a new branch.")
        self.history.itemClicked.connect(self._on_item_chosen)
        layout.addWidget(QtWidgets.QLabel("History"))
        layout.addWidget(self.history, 1)
        files = QtWidgets.QHBoxLayout()
        for text, tip, slot in (
                ("Save genome…", "Save the picture on the canvas as a JSON genome: its design, "
                 "weights, z, scale and colour map.", host.ask_save_genome),
                ("Open genome…", "Open a saved genome; it joins the history.",
                 host.ask_open_genome)):
            button = QtWidgets.QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            files.addWidget(button)
        layout.addLayout(files)
        self._show_strength()
        self._update_buttons()

    # -- breeding ------------------------------------------------------------------------------
    def strength_value(self) -> float:
        return round(log_value(*STRENGTHS, self.strength.value()), 3)

    @QtCore.Slot()
    def _show_strength(self) -> None:
        self.strength_label.setText(f"Noise {self.strength_value():.2f}")

    def _ensure_lineage(self) -> None:
        """Start the history, or add the canvas's picture to it if it was changed by hand."""
        genome = self.host.current_genome()
        if self.lineage is None:
            self.lineage = Lineage(genome)
        elif not self.lineage.genome.same_picture(genome):
            self.lineage.adopt(genome, "set by hand")

    @QtCore.Slot()
    def breed(self) -> None:
        """New children of the picture on the canvas, rendered off the GUI thread."""
        self._clicked_at = time.perf_counter()
        self._ensure_lineage()
        self._seed += 1
        n = self.grid_box.currentData()
        lineage, crossed = self.lineage, []
        if self.mate in lineage.nodes and self.mate != lineage.current:
            crossed = cross_children(lineage.genome, lineage.nodes[self.mate].genome, self.mate,
                                     n * n // 2, self._seed)
        self.children = crossed + breed(lineage.genome, n * n - len(crossed),
                                        self.strength_value(), self._seed)
        self.host.render_children([g for _, g in self.children], CHILD_SIDE, self.show_children)
        self._update_history()

    def show_children(self, pixels: list[np.ndarray]) -> None:
        """The children's previews, in order (the tab calls this when they are rendered)."""
        if len(pixels) != len(self.children):
            return     # previews of an older grid
        self.child_pixels = pixels
        while self.tiles.count():
            self.tiles.takeAt(0).widget().deleteLater()
        n = self.grid_box.currentData()
        side = (self.tiles_holder.width() - 4 * (n + 1)) // n if self.tiles_holder.width() > 100 \
            else 96
        for i, ((mutation, _), picture) in enumerate(zip(self.children, pixels)):
            tile = ChildTile(i)
            tile.setPixmap(pixmap_of(picture, max(side, 40)))
            tile.setToolTip(f"Child {i + 1}: {mutation.describe()}. Click to adopt it.")
            if isinstance(mutation, Crossing):
                tile.setStyleSheet("border: 2px solid #c04080;")     # crossed: marked apart
            tile.sig_clicked.connect(self.adopt_child)
            self.tiles.addWidget(tile, i // n, i % n)
        self.sig_bred.emit((time.perf_counter() - self._clicked_at) * 1000)

    @QtCore.Slot(int)
    def adopt_child(self, index: int) -> None:
        """Child ``index`` goes on the canvas and into the history; its children follow."""
        how, genome = self.children[index]
        node = self.lineage.adopt(genome, how.describe(),
                                  how.mate if isinstance(how, Crossing) else None)
        self.thumbs[node.id] = pixmap_of(self.child_pixels[index], THUMB)
        self.host.adopt_genome(genome)
        self.breed()

    # -- history -------------------------------------------------------------------------------
    @QtCore.Slot()
    def back(self) -> None:
        if self.lineage is not None and self.lineage.back() is not None:
            self._went()

    @QtCore.Slot()
    def forward(self) -> None:
        if self.lineage is not None and self.lineage.forward() is not None:
            self._went()

    def go(self, node_id: int) -> None:
        self.lineage.go(node_id)
        self._went()

    def _went(self) -> None:
        self.host.adopt_genome(self.lineage.genome)
        self.breed()

    @QtCore.Slot()
    def toggle_favourite(self) -> None:
        self._ensure_lineage()
        self.lineage.toggle_favourite()
        self._update_history()

    @QtCore.Slot()
    def toggle_mate(self) -> None:
        """The canvas's picture becomes the mate of the next rounds (or, if it is, none is)."""
        self._ensure_lineage()
        current = self.lineage.current
        self.mate = None if self.mate == current else current
        self.breed()

    def open_genome(self, genome: Genome, name: str) -> None:
        """A genome from a file: adopted as a child of the current picture."""
        self._ensure_lineage()
        self.lineage.adopt(genome, f"opened {name}")
        self.host.adopt_genome(genome)
        self.breed()

    @QtCore.Slot(QtWidgets.QListWidgetItem)
    @QtCore.Slot(QtWidgets.QTreeWidgetItem, int)
    def _on_item_chosen(self, item, _column: int = 0) -> None:
        self.go(item.data(0, QtCore.Qt.ItemDataRole.UserRole) if isinstance(
            item, QtWidgets.QTreeWidgetItem) else item.data(QtCore.Qt.ItemDataRole.UserRole))

    def _update_history(self) -> None:
        self._update_buttons()
        if self.lineage is None:
            return
        lineage = self.lineage
        for node_id in [k for k in self.thumbs if k not in lineage.nodes]:
            del self.thumbs[node_id]
        self.history.clear()
        items = {}
        for node in sorted(lineage.nodes.values(), key=lambda n: n.id):
            star = "★ " if node.id in lineage.favourites else ""
            item = QtWidgets.QTreeWidgetItem([f"{star}{node.id}: {node.note}"])
            item.setData(0, QtCore.Qt.ItemDataRole.UserRole, node.id)
            if node.mate is not None:
                item.setToolTip(0, f"A child of {node.parent} and {node.mate}")
            if node.id == self.mate:
                item.setText(0, f"⚭ {item.text(0)}")
            if node.id in self.thumbs:
                item.setIcon(0, QtGui.QIcon(self.thumbs[node.id]))
            parent = items.get(node.parent)
            (parent.addChild(item) if parent is not None else self.history.addTopLevelItem(item))
            items[node.id] = item
            if node.id == lineage.current:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
        self.history.expandAll()
        self.history.setCurrentItem(items[lineage.current])
        self.favourites.clear()
        for node_id in lineage.favourites:
            item = QtWidgets.QListWidgetItem(str(node_id))
            item.setData(QtCore.Qt.ItemDataRole.UserRole, node_id)
            if node_id in self.thumbs:
                item.setIcon(QtGui.QIcon(self.thumbs[node_id]))
            self.favourites.addItem(item)

    def _update_buttons(self) -> None:
        self.mate_button.setChecked(self.mate is not None)
        self.back_button.setEnabled(self.lineage is not None and self.lineage.can_go_back())
        self.forward_button.setEnabled(self.lineage is not None and self.lineage.can_go_forward())

    def settings_widgets(self) -> dict:
        return {"breed_grid": self.grid_box, "breed_strength": self.strength}
