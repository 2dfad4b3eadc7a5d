"""The autoencoder/VAE tab driven with qtbot in a real window under Xvfb, with real GL."""

import re

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6 import QtCore, QtTest, QtWidgets

from gui.app import make_application
from gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    make_application()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win  # qtbot closes it after the test (and it deletes itself)


def start_small(tab, qtbot, epochs=3):
    tab.epochs_box.setValue(epochs)
    qtbot.mouseClick(tab.start_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.trainer is not None, timeout=60_000)


def points_on_screen(tab, margin_px: int = 5):
    """Every shown point's pixel position, and the indices of those well inside the view."""
    xy = tab.scatter.screen_positions()
    inside = np.flatnonzero((xy[:, 0] > margin_px) & (xy[:, 0] < tab.scatter.width() - margin_px) &
                            (xy[:, 1] > margin_px) & (xy[:, 1] < tab.scatter.height() - margin_px))
    return xy, inside


def test_training_moves_the_scatter_and_the_images(window, qtbot):
    tab = window.autoencoder_tab
    shown = []
    tab.sig_snapshot_shown.connect(shown.append)
    start_small(tab, qtbot)
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=30_000)
    first_pos = tab.scatter.positions.copy()
    first_img = tab.reconstructions.image.copy()
    qtbot.waitUntil(lambda: len(shown) >= 4, timeout=30_000)
    assert np.abs(tab.scatter.positions - first_pos).max() > 1e-3
    assert np.abs(tab.reconstructions.image - first_img).max() > 1e-2
    frame = tab.scatter.grabFramebuffer()
    pixels = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(), -1, 4)
    assert (pixels[..., :3] != 255).any(axis=-1).sum() > 500  # the points are drawn
    assert len(tab.loss_plot.points) > 0
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)


def test_click_a_point_decodes_that_digit(window, qtbot):
    tab = window.autoencoder_tab
    start_small(tab, qtbot, epochs=1)
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)
    xy, inside = points_on_screen(tab)
    target = int(inside[len(inside) // 2])
    click = QtCore.QPoint(int(round(xy[target, 0])), int(round(xy[target, 1])))
    expected = tab.scatter.point_at(click.x(), click.y())  # nearest to the clicked pixel
    with qtbot.waitSignal(tab.decoder_service.sig_done, timeout=10_000):
        qtbot.mouseClick(tab.scatter, QtCore.Qt.MouseButton.LeftButton, pos=click)
    assert tab.selected is not None
    assert np.linalg.norm(xy[tab.selected] - xy[target]) <= 7 + 1
    assert tab.selected == expected
    assert f"digit #{tab.selected}" in tab.selected_label.text()
    assert np.array_equal(tab.selected_original.image, tab.trainer.data.view_images[tab.selected, ..., 0])
    qtbot.waitUntil(lambda: tab.selected_decoded.image.std() > 0.05, timeout=5_000)


def test_dragging_a_z_slider_changes_the_decoded_digit(window, qtbot):
    tab = window.autoencoder_tab
    start_small(tab, qtbot, epochs=1)
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)
    with qtbot.waitSignal(tab.decoder_service.sig_done, timeout=10_000):
        tab.z_sliders[0].setValue(-800)
    before = tab.slider_decoded.image.copy()
    with qtbot.waitSignal(tab.decoder_service.sig_done, timeout=10_000):
        tab.z_sliders[0].setValue(800)
    assert np.abs(tab.slider_decoded.image - before).mean() > 0.01


def test_pause_stops_updates_and_resume_continues(window, qtbot):
    tab = window.vae_tab
    window.tabs.setCurrentWidget(tab)
    start_small(tab, qtbot, epochs=200)
    updates = []
    tab.worker.sig_update.connect(updates.append)
    qtbot.waitUntil(lambda: len(updates) >= 2, timeout=30_000)
    qtbot.mouseClick(tab.pause_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.wait(300)  # an update already on its way may still land
    count = len(updates)
    qtbot.wait(1000)
    assert len(updates) == count and tab.state == "paused"
    qtbot.mouseClick(tab.pause_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(updates) > count, timeout=10_000)
    assert not tab.start()  # a second Start while running is refused
    assert "already going" in tab.message_label.text()


def test_a_learning_rate_of_1e3_stops_at_nan_and_keeps_working_weights(window, qtbot):
    tab = window.autoencoder_tab
    tab.lr_box.lineEdit().selectAll()
    qtbot.keyClicks(tab.lr_box, "1000")
    qtbot.keyClick(tab.lr_box, QtCore.Qt.Key.Key_Return)
    assert tab.lr_box.value() == 1000.0
    start_small(tab, qtbot, epochs=20)
    qtbot.waitUntil(lambda: tab.state == "failed", timeout=60_000)
    assert re.search(r"the loss became (nan|inf|-inf) at step \d+: training stopped, keeping the "
                     r"weights of step \d+ \(the last with a finite loss\)", tab.message_label.text())
    assert tab.trainer.step < tab.trainer.total_steps
    assert np.isfinite(tab.scatter.positions).all()
    with qtbot.waitSignal(tab.decoder_service.sig_done, timeout=10_000):
        tab.z_sliders[0].setValue(500)
    assert np.isfinite(tab.slider_decoded.image).all()
    assert tab.start_button.isEnabled()  # and the user can start again


def test_export_gifs_codes_and_model(window, qtbot, tmp_path):
    tab = window.vae_tab
    start_small(tab, qtbot, epochs=2)
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)
    task = tab.export_latent_gif(tmp_path / "latent.gif")
    qtbot.waitUntil(task.isFinished, timeout=60_000)  # it may finish before a wait starts
    with Image.open(tmp_path / "latent.gif") as img:
        gif = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(img)]
    assert len(gif) >= 3 and all(f.std() > 5 for f in gif)
    assert tab.export_latent_codes(tmp_path / "codes.csv")
    table = np.loadtxt(tmp_path / "codes.csv", delimiter=",", skiprows=1)
    assert table.shape == (1000, 4)
    task = tab.save_model(tmp_path / "vae.keras")
    qtbot.waitUntil(task.isFinished, timeout=60_000)  # it may finish before a wait starts
    assert (tmp_path / "vae.keras").exists()
    (tmp_path / "junk.keras").write_bytes(b"junk")
    tab.load_model(tmp_path / "junk.keras")
    qtbot.waitUntil(lambda: "not a Keras 3 .keras file" in tab.message_label.text(), timeout=10_000)


def test_close_mid_training_leaves_no_thread(qtbot):
    make_application()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    tab = win.autoencoder_tab
    start_small(tab, qtbot, epochs=200)
    qtbot.waitUntil(lambda: tab.trainer is not None and tab.trainer.step > 0, timeout=30_000)
    worker = tab.worker
    win.close()
    assert not worker.isRunning()
    assert not tab.decoder_service.isRunning()


def test_hovering_a_point_shows_its_label(window, qtbot):
    tab = window.autoencoder_tab
    start_small(tab, qtbot, epochs=1)
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)
    xy, inside = points_on_screen(tab)
    spot = QtCore.QPoint(int(round(xy[inside[0], 0])), int(round(xy[inside[0], 1])))
    index = tab.scatter.point_at(spot.x(), spot.y())
    QtTest.QTest.mouseMove(tab.scatter, spot)
    qtbot.waitUntil(QtWidgets.QToolTip.isVisible, timeout=5_000)
    label = tab.trainer.data.view_labels[index]
    assert QtWidgets.QToolTip.text() == tab.scatter.describe_point(index)
    assert f"#{index}: label {label}" in QtWidgets.QToolTip.text()


def test_a_new_run_releases_the_previous_runs_memory(window, qtbot):
    tab = window.autoencoder_tab
    start_small(tab, qtbot, epochs=1)
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)
    first = tab.trainer
    assert len(first.snapshots) > 0 and first.data is not None
    start_small(tab, qtbot, epochs=1)  # Start again: the first run is dropped
    qtbot.waitUntil(lambda: not hasattr(first, "models"), timeout=10_000)
    assert not hasattr(first, "data") and len(first.snapshots) == 0 and len(first.loss_history) == 0
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)
