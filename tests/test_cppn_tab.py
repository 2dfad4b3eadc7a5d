"""The CPPN tab driven with qtbot under Xvfb: it paints on opening, repaints while a slider is
dragged (without freezing the window), shows RGBA over a checkerboard, fits a digit, exports."""

import time

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6 import QtCore

from engine.cppn.render import render_pixels
from gui.cppn.canvas import checkerboard


@pytest.fixture
def tab(window, qtbot):
    """The CPPN tab of the real window, in front and painted; the window closes after the test."""
    window.tabs.setCurrentWidget(window.tab("cppn"))
    qtbot.waitUntil(lambda: window.tab("cppn").canvas.pixels.shape[0] == 512, timeout=30_000)
    return window.tab("cppn")


def close(window, qtbot) -> float:
    """Close the window as its user does; the seconds until it had really closed."""
    started = time.perf_counter()
    with qtbot.waitSignal(window.sig_closed, timeout=30_000):
        window.close()
    return time.perf_counter() - started


def test_paints_from_the_moment_it_opens(tab):
    assert tab.canvas.pixels.shape == (512, 512, 3)
    assert tab.canvas.pixels.std() > 3
    assert "512 × 512 in" in tab.info_label.text() and "drawn by the CPU" in tab.info_label.text()


def test_dragging_the_scale_slider_repaints_and_the_window_stays_live(tab, qtbot):
    before = tab.canvas.pixels.copy()
    beats = []
    heartbeat = QtCore.QTimer()
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start(10)
    painted = []
    tab.sig_rendered.connect(lambda tag, ms: painted.append(tag))
    slider = tab.view.scale_slider
    start = slider.value()
    for k in range(1, 9):  # a drag: the value moves in steps, as a mouse drag sends them
        slider.setValue(start + 40 * k)
        qtbot.wait(15)     # the mouse's pace, not a wait for the app
    # the drag's last state drawn in full (a full paint of an earlier step may land mid-drag)
    qtbot.waitUntil(lambda: tab.canvas_is_current() and "full" in painted, timeout=30_000)
    heartbeat.stop()
    assert np.abs(tab.canvas.pixels.astype(int) - before).mean() > 2
    assert tab.view.scale_label.text() == f"Scale {tab.view.scale():.2f}"
    assert len(painted) < 2 * 8  # stale requests were replaced, not queued
    # the GUI thread kept serving timers while renders ran: a full 512² render in the GUI
    # thread takes longer than this (0.3-1 s on two cores)
    gaps = np.diff([*beats, time.perf_counter()])
    assert gaps.max() < 0.25, f"the GUI thread stalled {gaps.max():.2f} s"


def test_rgba_shows_a_checkerboard_under_transparency(tab, qtbot):
    tab.apply_preset(1)
    tab.network.channels_box.setCurrentIndex(2)
    tab.network.channels_box.activated.emit(2)
    qtbot.waitUntil(lambda: tab.config.channels == 4 and tab.renderer.is_idle(), timeout=30_000)
    qtbot.waitUntil(lambda: "4 channel" in tab.info_label.text() and "512 × 512" in
                    tab.info_label.text(), timeout=30_000)
    assert tab.canvas.pixels.shape == (512, 512, 3)
    rgba = render_pixels(tab.weights, tab.view.z(tab.config), 512, 512, tab.view.scale(),
                         tab.network.colormap()).astype(np.float64)
    alpha = rgba[..., 3:] / 255
    expected = rgba[..., :3] * alpha + checkerboard(512, 512) * (1 - alpha)
    assert np.abs(tab.canvas.pixels - expected).max() <= 1              # composited, every pixel
    clear = alpha[..., 0] < 0.05
    assert clear.sum() > 100, "the test network paints no transparent pixels"
    assert set(np.unique(tab.canvas.pixels[clear & (rgba[..., :3].max(-1) < 5)])) <= \
        set(range(175, 186)) | set(range(225, 236))                      # the grey squares


def test_fit_a_digit_then_the_canvas_shows_the_learned_picture(tab, qtbot):
    tab.apply_preset(0)
    tab.network.weight_scale.setValue(round(1000 * np.log(0.5 / 0.05) / np.log(8 / 0.05)))
    fit = tab.fit
    fit.steps_box.setValue(200)
    fit.controls.lr_box.setValue(5e-3)
    qtbot.mouseClick(fit.controls.start_button, QtCore.Qt.MouseButton.LeftButton)
    assert not fit.start()  # a second start while fitting is refused
    assert "already going" in tab.message_label.text()
    assert not tab.view.scale_slider.isEnabled() and not tab.network.width_box.isEnabled()
    qtbot.waitUntil(lambda: fit.controls.start_button.isEnabled(), timeout=60_000)
    assert tab.view.scale_slider.isEnabled()
    losses = fit.run.column("loss")
    assert len(losses) == 200 and losses[-10:].mean() < 0.6 * losses[:3].mean()
    qtbot.waitUntil(lambda: tab.renderer.is_idle(), timeout=30_000)
    assert fit.target_view.image.shape == (28, 28)
    assert np.abs(fit.fit_view.image - fit.target_view.image).mean() < 0.2
    assert all(np.array_equal(a, b) for a, b in zip(tab.weights.arrays, fit.run.latest().weights))


def test_broken_target_picture_gets_a_message(tab, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    tab.fit.target_box.insertItem(0, "broken", str(broken))
    tab.fit.target_box.setCurrentIndex(0)
    assert not tab.fit.start()
    assert "broken.jpg" in tab.message_label.text()


def test_export_gif_and_png(tab, qtbot, tmp_path):
    tab.playback.frames_box.setValue(8)
    tab.playback.size_box.setValue(64)
    task = tab.export_animation(tmp_path / "sweep.gif")
    qtbot.waitUntil(task.isFinished, timeout=60_000)  # it may finish before a wait starts
    with Image.open(tmp_path / "sweep.gif") as img:
        assert sum(1 for _ in ImageSequence.Iterator(img)) == 8
    tab.export.width_box.setValue(640)
    tab.export.height_box.setValue(360)
    task = tab.export_still(tmp_path / "still.png")
    qtbot.waitUntil(task.isFinished, timeout=60_000)  # it may finish before a wait starts
    qtbot.waitUntil(lambda: tab.export.progress.value() == 100, timeout=5_000)
    with Image.open(tmp_path / "still.png") as img:
        assert img.size == (640, 360)
    task = tab.export_still("/proc/no/still.png")  # a folder nobody can write
    qtbot.waitUntil(task.isFinished, timeout=60_000)  # it may finish before a wait starts
    qtbot.waitUntil(lambda: "/proc/no" in tab.message_label.text(), timeout=5_000)


def test_closing_during_a_big_export_cancels_it_and_leaves_no_file(window, tab, qtbot,
                                                                     tmp_path):
    tab.export.width_box.setValue(8192)
    tab.export.height_box.setValue(8192)
    task = tab.export_still(tmp_path / "big.png")
    qtbot.waitUntil(lambda: tab.export.progress.value() > 0, timeout=60_000)
    assert close(window, qtbot) < 10  # cancelled between bands, not run to the end
    assert not task.isRunning()
    assert list(tmp_path.iterdir()) == []      # no partial PNG, no temporary file


def test_closing_during_a_render_stops_the_render_thread(window, tab, qtbot):
    tab.view.resolution_box.setCurrentIndex(tab.view.resolution_box.count() - 1)  # largest
    tab.request_render(preview=False)
    qtbot.waitUntil(lambda: tab.renderer.busy, timeout=10_000)
    renderer = tab.renderer
    assert close(window, qtbot) < 15
    assert not renderer.isRunning()


def test_cancelling_an_animation_export_leaves_no_file(tab, qtbot, tmp_path):
    tab.playback.frames_box.setValue(400)
    tab.playback.size_box.setValue(256)
    task = tab.export_animation(tmp_path / "long.gif")
    qtbot.waitUntil(lambda: tab.export.progress.value() > 0, timeout=60_000)
    assert tab.export.cancel_button.isEnabled()
    qtbot.mouseClick(tab.export.cancel_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(task.isFinished, timeout=30_000)
    qtbot.waitUntil(lambda: "Cancelled" in tab.message_label.text(), timeout=5_000)
    assert "Saved" not in tab.message_label.text()
    assert list(tmp_path.iterdir()) == []
