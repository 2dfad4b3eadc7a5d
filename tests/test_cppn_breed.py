"""Breeding in the CPPN tab under Xvfb: a click on a child adopts exactly that child, back and
forward restore pictures bit for bit, genomes go to a file and come back, the shader can draw
the canvas, and the shader export is written."""

import numpy as np
import pytest
from PySide6 import QtCore

from engine.cppn.crossover import Crossing, cross
from engine.cppn.render import render_pixels, render_small
from gui.cppn.breed_panel import CHILD_SIDE, ChildTile


@pytest.fixture
def tab(window, qtbot):
    """The CPPN tab of the real window, in front and painted; the window closes after the test."""
    window.resize(1400, 900)
    window.tabs.setCurrentWidget(window.tab("cppn"))
    qtbot.waitUntil(lambda: window.tab("cppn").canvas.pixels.shape[0] == 512, timeout=30_000)
    return window.tab("cppn")


def breed_and_wait(tab, qtbot, action):
    with qtbot.waitSignal(tab.breeder.sig_bred, timeout=60_000):
        action()
    qtbot.waitUntil(tab.canvas_is_current, timeout=60_000)


def tiles(tab) -> list[ChildTile]:
    return tab.breeder.tiles_holder.findChildren(ChildTile)


def test_clicking_a_child_adopts_exactly_that_child(tab, qtbot):
    breed_and_wait(tab, qtbot, lambda: qtbot.mouseClick(tab.breeder.breed_button,
                                                        QtCore.Qt.MouseButton.LeftButton))
    assert len(tiles(tab)) == 9
    mutation, child = tab.breeder.children[4]
    preview = tab.breeder.child_pixels[4]
    assert np.array_equal(preview, render_small(child.weights, child.z, CHILD_SIDE, child.scale,
                                                child.colormap))
    breed_and_wait(tab, qtbot, lambda: qtbot.mouseClick(tiles(tab)[4],
                                                        QtCore.Qt.MouseButton.LeftButton))
    assert tab.current_genome().same_picture(child)
    side = tab.view.side()
    expected = render_pixels(child.weights, child.z, side, side, child.scale, child.colormap)
    assert np.array_equal(tab.canvas.pixels, expected)
    # the preview is the same picture, smaller
    small = render_pixels(child.weights, child.z, CHILD_SIDE, CHILD_SIDE, child.scale,
                          child.colormap)
    assert np.abs(small.astype(int) - preview).max() <= 1
    assert tab.breeder.lineage.nodes[1].note == mutation.describe()
    assert len(tiles(tab)) == 9 and tab.breeder.children[0][1] is not child   # bred again


def test_back_and_forward_restore_pictures_bit_for_bit_and_branches_stay(tab, qtbot):
    first = tab.canvas.pixels.copy()
    breed_and_wait(tab, qtbot, tab.breeder.breed)
    breed_and_wait(tab, qtbot, lambda: tab.breeder.adopt_child(1))
    second = tab.canvas.pixels.copy()
    breed_and_wait(tab, qtbot, lambda: tab.breeder.adopt_child(2))
    breed_and_wait(tab, qtbot, lambda: qtbot.mouseClick(tab.breeder.back_button,
                                                        QtCore.Qt.MouseButton.LeftButton))
    assert np.array_equal(tab.canvas.pixels, second)
    breed_and_wait(tab, qtbot, tab.breeder.back)
    assert np.array_equal(tab.canvas.pixels, first)
    breed_and_wait(tab, qtbot, tab.breeder.forward)
    assert np.array_equal(tab.canvas.pixels, second)
    breed_and_wait(tab, qtbot, lambda: tab.breeder.adopt_child(0))    # a branch from "second"
    lineage = tab.breeder.lineage
    assert len(lineage.nodes[1].children) == 2
    assert tab.breeder.history.topLevelItem(0).child(0).childCount() == 2
    tab.breeder.toggle_favourite()
    assert tab.breeder.favourites.count() == 1


def test_a_genome_file_brings_the_picture_back(tab, qtbot, tmp_path):
    breed_and_wait(tab, qtbot, tab.breeder.breed)
    breed_and_wait(tab, qtbot, lambda: tab.breeder.adopt_child(3))
    picture = tab.canvas.pixels.copy()
    assert tab.save_genome(tmp_path / "mine")
    tab.network.seed_box.setValue(99)           # a different network on the canvas
    qtbot.waitUntil(lambda: not np.array_equal(tab.canvas.pixels, picture), timeout=30_000)
    qtbot.waitUntil(tab.canvas_is_current, timeout=30_000)
    breed_and_wait(tab, qtbot, lambda: tab.open_genome(tmp_path / "mine.json"))
    assert np.array_equal(tab.canvas.pixels, picture)
    (tmp_path / "bad.json").write_text("{}")
    assert not tab.open_genome(tmp_path / "bad.json")
    assert "bad.json" in tab.message_label.text()


def test_the_shader_can_draw_the_canvas_and_says_so(tab, qtbot):
    cpu = tab.canvas.pixels.copy()
    assert tab.drawing.enable(True)            # llvmpipe here: forced, as on a real GPU
    qtbot.waitUntil(lambda: "GPU shader" in tab.info_label.text(), timeout=60_000)
    assert np.abs(tab.canvas.pixels.astype(int) - cpu).max() <= 2
    tab.drawing.enable(False)


def test_the_shader_export_is_written(tab, tmp_path):
    assert tab.export_shader(tmp_path / "loop")
    source = (tmp_path / "loop.glsl").read_text()
    assert "mainImage" in source and "iTime" in source


def test_crossed_children_mix_two_chosen_pictures_and_the_history_names_both(tab, qtbot):
    breeder = tab.breeder
    breed_and_wait(tab, qtbot, breeder.breed)
    breed_and_wait(tab, qtbot, lambda: breeder.adopt_child(0))         # picture 1
    mate_id, mate = breeder.lineage.current, tab.current_genome()
    breed_and_wait(tab, qtbot, lambda: qtbot.mouseClick(breeder.mate_button,
                                                        QtCore.Qt.MouseButton.LeftButton))
    assert breeder.mate == mate_id and breeder.mate_button.isChecked()
    breed_and_wait(tab, qtbot, lambda: breeder.go(0))                  # back to the start
    home = tab.current_genome()
    crossed = [(how, g) for how, g in breeder.children if isinstance(how, Crossing)]
    assert len(crossed) == 4 and len(tiles(tab)) == 9                  # beside 5 mutations
    how, child = crossed[1]
    assert child.same_picture(cross(home, mate, how.seed, how.mix))
    index = breeder.children.index((how, child))
    breed_and_wait(tab, qtbot, lambda: qtbot.mouseClick(tiles(tab)[index],
                                                        QtCore.Qt.MouseButton.LeftButton))
    assert tab.current_genome().same_picture(child)
    node = breeder.lineage.nodes[breeder.lineage.current]
    assert (node.parent, node.mate) == (0, mate_id)
    item = breeder.history.currentItem()
    assert f"crossed with {mate_id}" in item.text(0) and item.parent().data(
        0, QtCore.Qt.ItemDataRole.UserRole) == 0
    assert item.toolTip(0) == f"A child of 0 and {mate_id}"
    breed_and_wait(tab, qtbot, lambda: breeder.go(mate_id))
    breed_and_wait(tab, qtbot, breeder.toggle_mate)                    # on the mate: no mate
    assert breeder.mate is None and not any(isinstance(h, Crossing) for h, _ in breeder.children)
