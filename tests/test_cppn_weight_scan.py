"""Scanning one CPPN weight: the engine's weight references, the changed network and the unit
pictures; the Weights page driven with qtbot (drag, click a unit, scan, export); and Play in the
Animate z box, which moves t on the canvas."""

import numpy as np
import pytest
from PIL import Image, ImageSequence

from engine.cppn.config import PRESETS
from engine.cppn.network import init_weights
from engine.cppn.render import render_pixels
from engine.cppn.weight_scan import (
    UNITS_SHOWN,
    WeightRef,
    layer_names,
    scan_values,
    unit_pictures,
    weight_value,
    with_weight,
)


def test_one_weight_changes_and_nothing_else():
    weights = init_weights(PRESETS[0].config)
    names = layer_names(weights)
    assert names[:5] == ["z", "x", "y", "r", "hidden 1"] and names[-1] == "output"
    ref = WeightRef(4, 2, 5)                                 # hidden 1: unit 2 → unit 5
    changed = with_weight(weights, ref, 7.5)
    assert weight_value(changed, ref) == 7.5 and weight_value(weights, ref) != 7.5
    for k, (a, b) in enumerate(zip(weights.arrays, changed.arrays)):
        differs = np.argwhere(a != b)
        assert differs.tolist() == ([[2, 5]] if k == 4 else [])
    assert WeightRef(1, 9, 3).index(weights) == (3,)         # x: one weight per unit
    assert "hidden 1: unit 2 → unit 5" == ref.describe(weights)
    with pytest.raises(ValueError, match="hidden 1: unit"):
        WeightRef(4, 0, weights.config.width).index(weights)
    with pytest.raises(ValueError, match="finite"):
        with_weight(weights, ref, float("nan"))
    z = np.zeros(weights.config.z_dim, np.float32)
    assert np.abs(render_pixels(changed, z, 64, 64, 3.0, "grey").astype(int)
                  - render_pixels(weights, z, 64, 64, 3.0, "grey")).mean() > 1


def test_a_scan_swings_both_ways_and_loops_without_a_jump():
    values = scan_values(1.0, 2.0, 40)
    assert len(values) == 40 and values[0] == 1.0
    assert values.max() == pytest.approx(3.0) and values.min() == pytest.approx(-1.0)
    assert abs(values[-1] - values[0]) < 2.0 * 2 * np.pi / 40 + 1e-6   # one step, not a jump
    assert scan_values(0.0, 1e9, 4).max() == 50.0                       # bounded span


def test_unit_pictures_show_each_units_output():
    weights = init_weights(PRESETS[0].config)
    z = np.zeros(weights.config.z_dim, np.float32)
    pictures = unit_pictures(weights, z, 3.0, side=24)
    assert len(pictures) == 1 + weights.config.depth
    assert all(p.shape == (UNITS_SHOWN, 24, 24) and p.dtype == np.uint8 for p in pictures)
    assert pictures[1].std(axis=(1, 2)).min() > 5          # units differ across the picture
    assert not np.array_equal(pictures[1], pictures[2])


@pytest.fixture
def tab(window, qtbot):
    window.tabs.setCurrentWidget(window.tab("cppn"))
    qtbot.waitUntil(lambda: window.tab("cppn").canvas.pixels.shape[0] == 512, timeout=30_000)
    return window.tab("cppn")


def test_the_weights_page_drags_scans_and_exports_one_weight(tab, qtbot, tmp_path):
    page = tab.weights_page
    tab.side_pages.setCurrentWidget(page)
    depth = tab.config.depth
    qtbot.waitUntil(lambda: len(page.unit_buttons) == (1 + depth) * UNITS_SHOWN, timeout=30_000)
    icon = page.unit_buttons[(1, 0)].icon().pixmap(28, 28).toImage()
    assert len({icon.pixel(x, y) for x in range(0, 28, 3) for y in range(0, 28, 3)}) > 3
    # a click on hidden layer 2's unit 3 picks the weights that feed it
    page.unit_buttons[(2, 3)].click()
    assert page.layer_box.currentText() == "hidden 2" and page.unit_box.value() == 3
    assert page.unit_buttons[(2, 3)].isChecked() and not page.unit_buttons[(1, 0)].isChecked()
    page.source_box.setValue(4)
    qtbot.waitUntil(tab.canvas_is_current, timeout=30_000)
    ref, before, was = page.ref(), tab.canvas.pixels.copy(), page.base_value
    page.slider.setValue(1000)                             # +span
    qtbot.waitUntil(tab.canvas_is_current, timeout=30_000)
    assert weight_value(tab.weights, ref) == pytest.approx(was + page.span_box.value())
    assert np.abs(tab.canvas.pixels.astype(int) - before).mean() > 1
    assert f"was {was:+.3f}" in page.value_label.text()
    page.reset()
    qtbot.waitUntil(tab.canvas_is_current, timeout=30_000)
    assert weight_value(tab.weights, ref) == pytest.approx(was)
    np.testing.assert_array_equal(tab.canvas.pixels, before)
    # the scan plays on the canvas: the weight takes several values, and stops on request
    seen = set()
    tab.sig_rendered.connect(lambda tag, ms: seen.add(round(weight_value(tab.weights, ref), 4)))
    tab.playback.size_box.setValue(64)
    page.scan_button.click()
    qtbot.waitUntil(lambda: len(seen) >= 4, timeout=60_000)
    page.scan_button.click()
    assert not page.scanning()
    # exported: one frame per value, each different
    tab.playback.frames_box.setValue(8)
    path = tmp_path / "scan.gif"
    with qtbot.waitSignal(tab.tasks.sig_done, timeout=60_000):
        page.export_scan(path)
    with Image.open(path) as gif:
        frames = [np.asarray(f.convert("RGB"), int) for f in ImageSequence.Iterator(gif)]
    assert len(frames) == 8 and frames[0].shape == (64, 64, 3)
    assert min(np.abs(a - b).mean() for a, b in zip(frames, frames[1:])) > 0.2
    # another network (a preset) is followed the next time the slider moves
    tab.apply_preset(1)
    qtbot.waitUntil(tab.canvas_is_current, timeout=30_000)
    other = tab.weights
    page.slider.setValue(-500)
    assert page.base is other and tab.weights is not other
    assert [page.layer_box.itemText(i) for i in range(page.layer_box.count())] == \
        layer_names(other)
    assert weight_value(tab.weights, page.ref()) == pytest.approx(
        weight_value(other, page.ref()) - page.span_box.value() / 2)


def test_play_moves_t_and_repaints(tab, qtbot):
    tab.playback.size_box.setValue(64)
    start, before = tab.view.t(), tab.canvas.pixels.copy()
    tab.playback.play_button.click()
    qtbot.waitUntil(lambda: abs(tab.view.t() - start) > 0.04, timeout=30_000)
    tab.playback.play_button.click()
    assert not tab.playback.playing()
    qtbot.waitUntil(tab.canvas_is_current, timeout=30_000)
    assert np.abs(tab.canvas.pixels.astype(int) - before).mean() > 0.5
