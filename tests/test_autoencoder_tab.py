"""The autoencoder/VAE tab driven with qtbot in a real window under Xvfb, with real GL."""

import re

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from engine.latent.config import ALL_POINTS
from engine.latent.models import autoencoder_weights_from_file, build_models
from gui.app import make_application
from gui.latent.sprites import MAX_SPRITES, SPRITE_PX, ZOOMED_DISTANCE
from gui.main_window import MainWindow


def start_small(tab, qtbot, epochs=3):
    tab.panel.epochs_box.setValue(epochs)
    qtbot.mouseClick(tab.controls.start_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.run is not None and tab.run.setup is not None, timeout=60_000)


def train_small(tab, qtbot, epochs=1):
    """Start a small run and wait until it has finished."""
    start_small(tab, qtbot, epochs)
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)


def points_on_screen(tab, margin_px: int = 5):
    """Every shown point's pixel position, and the indices of those well inside the view."""
    xy = tab.scatter.screen_positions()
    inside = np.flatnonzero((xy[:, 0] > margin_px) & (xy[:, 0] < tab.scatter.width() - margin_px) &
                            (xy[:, 1] > margin_px) & (xy[:, 1] < tab.scatter.height() - margin_px))
    return xy, inside


def click_point(qtbot, tab, index):
    xy, _ = points_on_screen(tab)
    click = QtCore.QPoint(int(round(xy[index, 0])), int(round(xy[index, 1])))
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, timeout=10_000):
        qtbot.mouseClick(tab.scatter, QtCore.Qt.MouseButton.LeftButton, pos=click)


def test_training_moves_the_scatter_and_the_images(window, qtbot):
    tab = window.tab("autoencoder")
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
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=60_000)
    tab.loss_plot.redraw()
    x, y = tab.loss_plot.curve(tab.run, "loss")
    assert len(y) == tab.run.step and np.array_equal(y, tab.run.column("loss"))


def test_click_a_point_decodes_that_digit(window, qtbot):
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    xy, inside = points_on_screen(tab)
    target = int(inside[len(inside) // 2])
    expected = tab.scatter.point_at(round(xy[target, 0]), round(xy[target, 1]))
    click_point(qtbot, tab, target)
    explorer = tab.explorer
    assert explorer.selected == expected
    assert np.linalg.norm(xy[explorer.selected] - xy[target]) <= 7 + 1
    assert f"digit #{explorer.selected}" in explorer.selected_label.text()
    assert np.array_equal(explorer.selected_original.image,
                          tab.run.fixtures.view_image(explorer.selected))
    qtbot.waitUntil(lambda: explorer.selected_decoded.image.std() > 0.05, timeout=5_000)


def test_dragging_a_z_slider_changes_the_decoded_digit(window, qtbot):
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    sliders = tab.explorer.z_sliders
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, timeout=10_000):
        sliders[0].setValue(-800)
    before = tab.explorer.slider_decoded.image.copy()
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, timeout=10_000):
        sliders[0].setValue(800)
    assert np.abs(tab.explorer.slider_decoded.image - before).mean() > 0.01


def test_pause_stops_updates_and_resume_continues(window, qtbot):
    tab = window.tab("vae")
    window.tabs.setCurrentWidget(tab)
    start_small(tab, qtbot, epochs=200)
    qtbot.waitUntil(lambda: tab.run.step > 0, timeout=30_000)
    states = []
    tab.run.subscribe(lambda run, update: states.append(run.state.value))
    qtbot.mouseClick(tab.controls.pause_button, QtCore.Qt.MouseButton.LeftButton)
    assert tab.controls.pause_button.text() == "Resume"
    qtbot.waitUntil(lambda: tab.state == "paused", timeout=10_000)   # the loop reports it
    paused_at, seen = tab.run.step, len(states)
    qtbot.wait(1000)   # no signal marks "nothing happened": a second of the paused loop
    # updates queued before the pause landed and must not say "running" again (they did)
    assert states[seen - 1:] == ["paused"] and tab.run.step == paused_at
    assert tab.state == "paused" and tab.controls.pause_button.text() == "Resume"
    qtbot.mouseClick(tab.controls.pause_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.run.step > paused_at, timeout=10_000)
    assert tab.state == "running" and tab.controls.pause_button.text() == "Pause"
    assert not tab.start()  # a second Start while running is refused
    assert "already going" in tab.panel.message_label.text()


def test_a_learning_rate_of_1e3_stops_at_nan_and_keeps_working_weights(window, qtbot):
    tab = window.tab("autoencoder")
    lr_box = tab.controls.lr_box
    lr_box.lineEdit().selectAll()
    qtbot.keyClicks(lr_box, "1000")
    qtbot.keyClick(lr_box, QtCore.Qt.Key.Key_Return)
    assert lr_box.value() == 1000.0
    start_small(tab, qtbot, epochs=20)
    qtbot.waitUntil(lambda: tab.state == "failed", timeout=60_000)
    assert re.search(r"the loss became (nan|inf|-inf) at step \d+: training stopped, keeping the "
                     r"weights of step \d+ \(the last with a finite loss\)",
                     tab.panel.message_label.text())
    assert tab.run.step < tab.run.total_steps
    assert np.isfinite(tab.scatter.positions).all()
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, timeout=10_000):
        tab.explorer.z_sliders[0].setValue(500)
    assert np.isfinite(tab.explorer.slider_decoded.image).all()
    assert tab.controls.start_button.isEnabled()  # and the user can start again


def test_export_gifs_codes_and_model(window, qtbot, tmp_path):
    tab = window.tab("vae")
    window.tabs.setCurrentWidget(tab)
    train_small(tab, qtbot, epochs=2)
    task = tab.exports.export_latent_gif(tmp_path / "latent.gif")
    qtbot.waitUntil(task.isFinished, timeout=60_000)  # it may finish before a wait starts
    with Image.open(tmp_path / "latent.gif") as img:
        gif = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(img)]
    assert len(gif) >= 3 and all(f.std() > 5 for f in gif)
    assert tab.exports.export_latent_codes(tmp_path / "codes.csv")
    table = np.loadtxt(tmp_path / "codes.csv", delimiter=",", skiprows=1)
    assert table.shape == (1000, 4)
    np.testing.assert_allclose(table[:, 1:], tab.run.latest().payload.latent, atol=1e-5)
    assert tab.exports.export_latent_codes(tmp_path / "codes.NPY")   # any case of suffix
    assert np.load(tmp_path / "codes.NPY").shape == (1000, 3)
    assert tab.exports.export_scatter_png(tmp_path / "view")          # no suffix: .png added
    with Image.open(tmp_path / "view.png") as img:
        assert img.format == "PNG"
    tab.exports.save_model(tmp_path / "vae.keras")
    qtbot.waitUntil(lambda: (tmp_path / "vae.keras").exists() and not tab.exports.tasks.busy(),
                    timeout=60_000)
    (tmp_path / "junk.keras").write_bytes(b"junk")
    tab.exports.load_model(tmp_path / "junk.keras")
    qtbot.waitUntil(lambda: "not a zip archive" in tab.panel.message_label.text(), timeout=10_000)


def test_a_save_during_training_writes_one_consistent_step(window, qtbot, tmp_path):
    tab = window.tab("autoencoder")
    start_small(tab, qtbot, epochs=300)
    qtbot.waitUntil(lambda: tab.run.step > 50, timeout=30_000)
    assert tab.is_live()
    tab.exports.save_model(tmp_path / "mid.keras")
    qtbot.waitUntil(lambda: "Saved" in tab.panel.message_label.text(), timeout=60_000)
    step = int(re.search(r"weights of step (\d+)", tab.panel.message_label.text()).group(1))
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "stopped", timeout=30_000)
    recorded = next(s for s in tab.run.snapshots.items() if s.step == step)
    config = tab.run.config
    models = build_models(config)
    models.set_weights(autoencoder_weights_from_file(tmp_path / "mid.keras", config))
    codes = models.encode(tab.run.fixtures.reconstruction_images)
    np.testing.assert_allclose(models.decode(codes), recorded.payload.reconstructions, atol=1e-6)
    np.testing.assert_allclose(models.encode(tab.run.fixtures.view_images),
                               recorded.payload.latent, atol=1e-5)


def test_thinning_never_moves_a_parked_timeline(window, qtbot):
    tab = window.tab("autoencoder")
    start_small(tab, qtbot, epochs=400)
    tab.run.snapshots.capacity = 6           # thin early and often, epoch ends too (on a slow
    tab.run.snapshots.pinned_capacity = 6    # machine several can come between live snapshots)
    qtbot.waitUntil(lambda: len(tab.run.snapshots) >= 6, timeout=30_000)
    parked = tab.run.snapshots.steps[3]
    tab.timeline.set_step(parked)
    shown = tab.shown_step
    assert shown == parked and not tab.is_live()
    before = tab.run.snapshots.steps
    qtbot.waitUntil(lambda: tab.run.snapshots.steps[3] != before[3], timeout=30_000)
    assert tab.timeline.slider.value() == parked and tab.shown_step == shown
    assert f"step {shown}" in tab.timeline.label.text()
    tab.stop()


def test_close_mid_training_leaves_no_thread(qtbot):
    make_application()
    win = MainWindow()   # not given to qtbot: the test closes it, and it deletes itself
    win.show()
    tab = win.tab("autoencoder")
    start_small(tab, qtbot, epochs=200)
    qtbot.waitUntil(lambda: tab.run.step > 0, timeout=30_000)
    worker, decoder = tab.worker, tab.latent_decoder.worker
    with qtbot.waitSignal(win.sig_closed, timeout=30_000):
        win.close()
    assert not worker.isRunning() and not decoder.isRunning()


def test_hovering_a_point_shows_its_label(window, qtbot):
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    xy, inside = points_on_screen(tab)
    spot = QtCore.QPoint(int(round(xy[inside[0], 0])), int(round(xy[inside[0], 1])))
    index = tab.scatter.point_at(spot.x(), spot.y())
    QtTest.QTest.mouseMove(tab.scatter, spot)
    qtbot.waitUntil(QtWidgets.QToolTip.isVisible, timeout=5_000)
    label = tab.run.fixtures.view_labels[index]
    assert QtWidgets.QToolTip.text() == tab.scatter.describe_point(index)
    assert f"#{index}: label {label}" in QtWidgets.QToolTip.text()


def test_sampling_the_prior_decodes_z_as_drawn(window, qtbot):
    tab = window.tab("vae")
    window.tabs.setCurrentWidget(tab)
    train_small(tab, qtbot, epochs=1)
    explorer = tab.explorer
    explorer._rng = np.random.default_rng(4)   # a draw with a large coordinate
    z = np.random.default_rng(4).standard_normal(3).astype(np.float32)
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, timeout=10_000):
        drawn = explorer.sample_prior()
    assert np.array_equal(drawn, z) and np.array_equal(explorer.slider_z, z)   # not clipped
    models = tab.latent_decoder.replicas.with_weights(tab.run.config, tab.run.latest().weights)
    np.testing.assert_allclose(explorer.slider_decoded.image, models.decode(z[None])[0], atol=1e-6)


def test_the_2018_log_is_overlaid_only_on_runs_that_compute_what_2018_did(window, qtbot):
    from engine.latent.config import preset_config
    from engine.runs.run import Run

    tab = window.tab("vae")
    legend = tab.loss_plot.plotItem.legend
    tab.show_run(Run("latent", preset_config("vae", "mse", "original-2018")))
    labels = [label.text for _, label in legend.items]
    assert any(text.startswith("2018 log") for text in labels)
    tab.show_run(Run("latent", preset_config("vae", "mse", "original-2018", kl_2018_quirks=False)))
    assert not any(text.startswith("2018 log") for _, label in legend.items
                   for text in [label.text])
    tab.show_run(None)


def test_tensorboard_log_while_training_and_export_after(window, qtbot, tmp_path):
    from engine.files.tensorboard_events import read_scalars

    tab = window.tab("vae")
    window.tabs.setCurrentWidget(tab)
    tab.panel.tensorboard.set_folder(str(tmp_path / "live"))
    tab.panel.tensorboard.box.setChecked(True)
    train_small(tab, qtbot, epochs=2)
    (folder,) = (tmp_path / "live").iterdir()           # one folder per run, named by it
    assert "vae" in folder.name
    curves = read_scalars(tmp_path / "live").curves
    loss = curves[(folder.name, "loss")]
    np.testing.assert_allclose(loss.values, tab.run.column("loss"), rtol=1e-6)
    assert loss.steps.tolist() == list(range(1, tab.run.step + 1))
    assert (folder / "projector_config.pbtxt").read_text().count("embeddings {") == 2
    task = tab.exports.export_tensorboard(tmp_path / "export")
    qtbot.waitUntil(task.isFinished, timeout=60_000)  # it may finish before a wait starts
    qtbot.waitUntil(lambda: "tensorboard --logdir" in tab.panel.message_label.text(),
                    timeout=5_000)  # the done message is queued to the GUI thread
    exported = read_scalars(tmp_path / "export").curves
    ((_, tag),) = [key for key in exported if key[1] == "kl"]
    np.testing.assert_allclose(exported[(_, tag)].values, tab.run.column("kl"), rtol=1e-6)


def test_a_tensorboard_folder_that_cannot_be_written_leaves_the_run_going(window, qtbot,
                                                                         tmp_path):
    tab = window.tab("autoencoder")
    (tmp_path / "a-file").write_text("not a folder")
    tab.panel.tensorboard.set_folder(str(tmp_path / "a-file"))
    tab.panel.tensorboard.box.setChecked(True)
    train_small(tab, qtbot, epochs=1)
    assert "TensorBoard log in" in tab.panel.message_label.text()
    assert tab.run.step == tab.run.total_steps


def test_the_progress_line_follows_a_started_run_to_its_end(window, qtbot):
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    qtbot.waitUntil(lambda: "finished." in tab.panel.progress.label.text(), timeout=5_000)
    text = tab.panel.progress.label.text()
    assert f"step {tab.run.step}/{tab.run.total_steps}" in text and "Loading" not in text
    assert tab.panel.progress.bar.value() == tab.run.step


def drawn_pixels(tab, rgb, tolerance=60) -> int:
    """How many pixels of the 3-D view are within ``tolerance`` of one class colour."""
    frame = tab.scatter.grab_frame().convertToFormat(QtGui.QImage.Format.Format_RGB888)
    pixels = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(), -1)
    pixels = pixels[:, :frame.width() * 3].reshape(frame.height(), frame.width(), 3).astype(int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=-1) < tolerance).sum())


def test_the_legend_hides_and_isolates_classes(window, qtbot):
    """Click a class in the legend: its points leave the picture and cannot be clicked;
    Shift+click another: only that one is drawn; Shift+click it again: all are back."""
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    red, blue = (255, 0, 0), (0, 0, 255)          # the 2018 colours of 0 and 1
    assert drawn_pixels(tab, red) > 50 and drawn_pixels(tab, blue) > 50
    legend = tab.scatter_panel.legend
    labels = tab.run.fixtures.view_labels
    xy, inside = points_on_screen(tab)
    zero = next(int(i) for i in inside if labels[i] == 0)
    with qtbot.waitSignal(tab.scatter.frameSwapped, timeout=5_000):   # the view repaints
        qtbot.mouseClick(legend.buttons[0], QtCore.Qt.MouseButton.LeftButton)
    assert tab.scatter.hidden_labels == {0}
    assert drawn_pixels(tab, red) == 0 and drawn_pixels(tab, blue) > 50
    picked = tab.scatter.point_at(*xy[zero])
    assert picked is None or labels[picked] != 0
    with qtbot.waitSignal(tab.scatter.frameSwapped, timeout=5_000):
        qtbot.mouseClick(legend.buttons[1], QtCore.Qt.MouseButton.LeftButton,
                         QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert tab.scatter.hidden_labels == set(range(10)) - {1}
    assert drawn_pixels(tab, red) == 0 and drawn_pixels(tab, (0, 128, 0)) == 0
    assert drawn_pixels(tab, blue) > 50
    with qtbot.waitSignal(tab.scatter.frameSwapped, timeout=5_000):
        qtbot.mouseClick(legend.buttons[1], QtCore.Qt.MouseButton.LeftButton,
                         QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert tab.scatter.hidden_labels == set() and drawn_pixels(tab, red) > 50


def test_a_click_lists_the_ten_nearest_digits_by_their_full_code(window, qtbot):
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    xy, inside = points_on_screen(tab)
    target = int(inside[len(inside) // 3])
    click_point(qtbot, tab, target)
    explorer, codes = tab.explorer, tab.shown_codes()
    chosen = explorer.selected
    distance = np.linalg.norm(codes - codes[chosen], axis=1)
    distance[chosen] = np.inf
    assert explorer.neighbour_indices.tolist() == np.argsort(distance)[:10].tolist()
    strip = explorer.neighbours.image          # their pictures, side by side
    first = tab.run.fixtures.view_image(int(explorer.neighbour_indices[0]))
    assert strip.shape[1] >= 10 * 28 and np.abs(strip[:28, :28] - first).max() < 1 / 255 + 1e-6
    assert f"#{explorer.neighbour_indices[0]} " in explorer.neighbours_label.text()
    labels = tab.run.fixtures.view_labels
    others = [int(k) for k in labels[explorer.neighbour_indices] if k != labels[chosen]]
    hidden = others[0] if others else (int(labels[chosen]) + 1) % 10
    qtbot.mouseClick(tab.scatter_panel.legend.buttons[hidden], QtCore.Qt.MouseButton.LeftButton)
    distance[labels == hidden] = np.inf       # the legend hid that class: chosen among the rest
    assert explorer.neighbour_indices.tolist() == np.argsort(distance)[:10].tolist()
    assert hidden not in labels[explorer.neighbour_indices].tolist()


def test_a_folder_of_ones_own_pictures_trains_in_the_tab(window, qtbot, picture_folder):
    """The folder entry trains on one's colour pictures, in colour (as the pictures are) at 32 x 32
    with the conv preset: the reconstructions and the clicked picture are drawn in RGB, the legend
    names its classes, the progress says which file was skipped, a click names the picture's
    class."""
    tab = window.tab("vae")
    tab.panel.set_custom_dataset(str(picture_folder))
    assert tab.panel.dataset_box.currentData() == "folder"
    assert tab.panel.dataset_box.currentText() == "shapes (yours)"
    tab.panel.points_box.setCurrentIndex(tab.panel.points_box.findData(ALL_POINTS))
    tab.panel.preset_box.setCurrentIndex(tab.panel.preset_box.findData("conv"))
    tab.panel.side_box.setCurrentIndex(tab.panel.side_box.findData(32))
    assert tab.panel.colour_box.currentData() == "auto"
    train_small(tab, qtbot, epochs=2)
    assert tab.run.config.image_shape == (32, 32, 3)
    drawn = tab.reconstructions.image
    assert drawn.ndim == 3 and drawn.shape[2] == 3          # two rows of 32 x 32 RGB tiles
    originals = drawn[:32]
    assert np.abs(originals - originals.mean(axis=2, keepdims=True)).max() > 0.2   # not grey
    assert [b.text() for b in tab.scatter_panel.legend.buttons] == ["discs", "squares", "stripes"]
    assert "skipped 1 unreadable picture(s): squares/broken.png" in \
        tab.panel.progress.label.text()
    assert len(tab.shown_codes()) == 120
    _, inside = points_on_screen(tab)
    target = int(inside[0])
    click_point(qtbot, tab, target)
    chosen = tab.explorer.selected
    name = tab.run.fixtures.class_names[tab.run.fixtures.view_labels[chosen]]
    assert f"#{chosen} · label {name}" in tab.explorer.selected_label.text()
    assert tab.explorer.selected_original.image.shape == (32, 32, 3)


def test_reading_a_large_picture_folder_shows_its_progress(window, qtbot, tmp_path):
    """A folder of 3,000 pictures: while the run prepares, the progress says how many are read
    and the bar follows; then the run trains on all of them."""
    folder = tmp_path / "many"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for k in range(3_000):
        Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8)).save(folder / f"{k}.png")
    tab = window.tab("autoencoder")
    tab.panel.set_custom_dataset(str(folder))
    label = tab.panel.progress.label
    tab.panel.epochs_box.setValue(1)
    qtbot.mouseClick(tab.controls.start_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "reading pictures:" in label.text(), timeout=30_000)
    assert re.search(r"reading pictures: [\d,]+ of 3,000", label.text())
    assert 0 < tab.panel.progress.bar.value() <= 3_000 and tab.panel.progress.bar.maximum() == 3_000
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=120_000)
    assert tab.run.fixtures.class_names == ("many",) and tab.run.total_steps == 30


def test_the_decoded_grid_shows_the_decoder_across_two_axes(window, qtbot):
    """Decoded grid…: the decoder over z1 × z2 across the box at the sliders' z3, exactly the
    pictures the run's model decodes there; changing the axes redraws it."""
    from engine.grids import image_grid
    from engine.latent.latent_grid import grid_codes

    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)

    def grid_decoded(tag, _images):
        return tag == "grid"

    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, check_params_cb=grid_decoded,
                          timeout=10_000):
        qtbot.mouseClick(tab.explorer.grid_button, QtCore.Qt.MouseButton.LeftButton)
    grid = tab.explorer.grid_window
    assert grid.isVisible() and grid.axes() == (0, 1)
    lo, hi = tab.scatter.extent
    codes = grid_codes(lo, hi, tab.explorer.slider_z, (0, 1), 15)
    models = build_models(tab.run.config)
    models.set_weights(tab.run.snapshots.with_weights_at(tab.shown_step).weights)
    images = models.decode(codes)
    expected = np.asarray(image_grid([images[r * 15:(r + 1) * 15] for r in range(15)], scale=1))
    np.testing.assert_allclose(grid.panel.image * 255, expected, atol=1.0)
    assert images[0].mean() != images[-1].mean()          # corners of the box decode differently
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, check_params_cb=grid_decoded,
                          timeout=10_000):
        grid.y_box.setCurrentIndex(2)                       # z1 across, z3 up
    assert "z3 from" in grid.label.text() and "z2 = " in grid.label.text()
    assert not np.allclose(grid.panel.image * 255, expected, atol=1.0)


def test_a_16_dimensional_latent_space_in_pca_axes(window, qtbot):
    """Latent dims 16: the view shows three axes of it, or with PCA axes its principal
    components, fitted on the newest snapshot (scrubbing back keeps them); a click decodes the
    point's full 16-D code, and the sliders decode full codes."""
    from engine.latent.projection import pca_projection

    tab = window.tab("vae")
    tab.panel.dims_box.setValue(16)
    train_small(tab, qtbot, epochs=2)
    codes = tab.shown_codes()
    assert codes.shape == (1000, 16) and tab.run.config.latent_dim == 16
    np.testing.assert_allclose(tab.scatter.positions, codes[:, :3], atol=1e-5)
    tab.scatter_panel.pca_box.setChecked(True)
    fitted = pca_projection(codes)
    np.testing.assert_allclose(tab.scatter.positions, fitted.to_view(codes), atol=1e-3)
    assert [label.text() for label in tab.explorer.z_names] == ["PC1", "PC2", "PC3"]
    assert "PC1:" in tab.scatter_panel.extent_label.text()
    projection = tab.scatter.projection
    tab.timeline.slider.setValue(tab.timeline.slider.minimum())       # back to the start
    qtbot.waitUntil(lambda: tab.shown_step < tab.run.step, timeout=5_000)
    assert tab.scatter.projection is projection                       # the axes did not move
    tab.timeline.slider.setValue(tab.timeline.slider.maximum())
    qtbot.waitUntil(lambda: tab.shown_step == tab.run.step, timeout=5_000)
    _, inside = points_on_screen(tab)
    click_point(qtbot, tab, int(inside[len(inside) // 2]))
    chosen = tab.explorer.selected
    models = build_models(tab.run.config)
    models.set_weights(tab.run.snapshots.with_weights_at(tab.shown_step).weights)
    qtbot.waitUntil(lambda: np.abs(tab.explorer.selected_decoded.image
                                   - models.decode(codes[chosen][None])[0]).max() < 1e-4,
                    timeout=5_000)
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, timeout=10_000):
        tab.explorer.z_sliders[0].setValue(600)
    z = tab.explorer.slider_z                     # a full code, where the slider put PC1
    lo, hi = tab.scatter.extent
    assert z.shape == (16,) and np.isfinite(z).all()
    assert tab.scatter.projection.to_view(z)[0, 0] == pytest.approx(
        lo[0] + (0.6 + 1) / 2 * (hi[0] - lo[0]), abs=1e-3)


def test_pictures_as_points_draw_the_shown_pictures(window, qtbot, picture_folder, tmp_path):
    """Pictures always draws each point on screen as its picture: the frame holds, at a drawn
    point, the colours of that point's picture; hidden classes get none; never draws none."""
    tab = window.tab("autoencoder")
    tab.panel.set_custom_dataset(str(picture_folder))
    tab.panel.preset_box.setCurrentIndex(tab.panel.preset_box.findData("conv"))
    train_small(tab, qtbot, epochs=1)
    panel = tab.scatter_panel
    panel.sprites_box.setCurrentIndex(panel.sprites_box.findData("always"))
    qtbot.waitUntil(lambda: len(panel.sprites.drawn) > 0, timeout=10_000)
    frame = tab.scatter.grab_frame()
    frame.save(str(tmp_path / "sprites.png"))
    drawn = panel.sprites.drawn
    assert len(drawn) == min(len(tab.shown_codes()), MAX_SPRITES)
    top = int(drawn[-1])                      # nearest the camera: drawn last, on top
    x, y = tab.scatter.screen_positions()[top]
    ratio = frame.devicePixelRatio()
    side = int(SPRITE_PX * ratio)
    rgb = frame.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    pixels = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), -1)
    pixels = pixels[:, :rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3)
    cx, cy = int(x * ratio), int(y * ratio)
    tile = pixels[cy - side // 2 + 2:cy + side // 2 - 2, cx - side // 2 + 2:cx + side // 2 - 2]
    picture = tab.run.fixtures.view_images[top].astype(np.float32)       # 28 x 28 RGB
    assert tile.std() > 20                                  # a picture, not the white background
    assert np.abs(tile.mean(axis=(0, 1)) - picture.mean(axis=(0, 1))).max() < 25   # its colours
    hidden = int(tab.run.fixtures.view_labels[top])
    panel.legend.buttons[hidden].click()
    qtbot.waitUntil(lambda: hidden not in tab.run.fixtures.view_labels[panel.sprites.drawn],
                    timeout=10_000)
    panel.sprites_box.setCurrentIndex(panel.sprites_box.findData("never"))
    qtbot.waitUntil(lambda: len(panel.sprites.drawn) == 0, timeout=10_000)


def wheel(view, qtbot, notches: int) -> None:
    """Turn the mouse wheel over the view's centre (positive: zoom in), a frame for each."""
    centre = QtCore.QPointF(view.width() / 2, view.height() / 2)
    for _ in range(abs(notches)):
        event = QtGui.QWheelEvent(centre, view.mapToGlobal(centre), QtCore.QPoint(),
                                  QtCore.QPoint(0, 120 if notches > 0 else -120),
                                  QtCore.Qt.MouseButton.NoButton,
                                  QtCore.Qt.KeyboardModifier.NoModifier,
                                  QtCore.Qt.ScrollPhase.NoScrollPhase, False)
        with qtbot.waitSignal(view.frameSwapped, timeout=10_000):
            QtWidgets.QApplication.sendEvent(view, event)


def test_pictures_come_when_zoomed_in(window, qtbot):
    """By default the points become their pictures once the wheel brings the camera to half its
    first distance (those on screen, none behind the camera), and points again when zoomed out."""
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    panel, view = tab.scatter_panel, tab.scatter
    assert panel.sprites_box.currentData() == "zoomed"
    with qtbot.waitSignal(view.frameSwapped, timeout=10_000):
        view.update()
    assert len(panel.sprites.drawn) == 0
    notches = 0
    while len(panel.sprites.drawn) == 0 and notches < 20:
        wheel(view, qtbot, 1)
        notches += 1
    assert 0.999 ** 120 * ZOOMED_DISTANCE < view.opts["distance"] <= ZOOMED_DISTANCE
    xy, inside = points_on_screen(tab, margin_px=-SPRITE_PX)
    assert 0 < len(panel.sprites.drawn) == min(len(inside), MAX_SPRITES)
    assert set(panel.sprites.drawn.tolist()) <= set(inside.tolist())
    assert np.isfinite(xy[panel.sprites.drawn]).all()
    wheel(view, qtbot, -1)
    assert len(panel.sprites.drawn) == 0


def test_shift_drag_selects_the_points_in_a_box(window, qtbot):
    """Shift+drag over the view selects exactly the shown points inside the rectangle: the strip
    counts them by class and shows their pictures, rings mark them in the frame; a plain drag
    still turns the view; Clear empties the selection."""
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    view, strip = tab.scatter, tab.scatter_panel.selection_strip
    xy, inside = points_on_screen(tab)
    cx, cy = np.median(xy[inside], axis=0)
    a, b = QtCore.QPoint(int(cx - 60), int(cy - 50)), QtCore.QPoint(int(cx + 60), int(cy + 50))
    expected = np.flatnonzero((xy[:, 0] >= a.x()) & (xy[:, 0] <= b.x()) &
                              (xy[:, 1] >= a.y()) & (xy[:, 1] <= b.y()))
    assert 0 < len(expected) < len(xy)
    shift = QtCore.Qt.KeyboardModifier.ShiftModifier
    camera = view.camera()
    rings_before = drawn_pixels(tab, (230, 120, 0), 40)
    with qtbot.waitSignal(tab.scatter_panel.selection.sig_selected, timeout=5_000) as chosen:
        QtTest.QTest.mousePress(view, QtCore.Qt.MouseButton.LeftButton, shift, a)
        QtTest.QTest.mouseMove(view, b)
        QtTest.QTest.mouseRelease(view, QtCore.Qt.MouseButton.LeftButton, shift, b)
    assert np.array_equal(chosen.args[0], expected)
    labels = tab.run.fixtures.view_labels[expected]
    commonest = int(np.bincount(labels).argmax())
    assert strip.label.text().startswith(f"{len(expected):,} selected: {commonest} × "
                                         f"{np.bincount(labels).max()}")
    first = tab.run.fixtures.view_image(int(expected[0]))
    assert np.allclose(strip.pictures.image[:28, :28], first, atol=1 / 255)
    assert view.camera() == camera                       # the drag did not turn the view
    assert drawn_pixels(tab, (230, 120, 0), 40) > rings_before + 10 * len(expected)
    window.grab().save("/tmp/selection.png")
    strip.clear_button.click()
    assert len(tab.scatter_panel.selection.selected) == 0 and not strip.pictures.isVisible()


def test_ctrl_shift_drag_draws_a_lasso_and_selects_inside_it(window, qtbot):
    """A lasso (a triangle drawn with Ctrl+Shift held) selects exactly the shown points inside
    it, as Qt's own point-in-polygon test finds them."""
    tab = window.tab("autoencoder")
    train_small(tab, qtbot, epochs=1)
    view = tab.scatter
    xy, inside = points_on_screen(tab)
    cx, cy = np.median(xy[inside], axis=0)
    corners = [QtCore.QPoint(int(cx - 80), int(cy + 60)), QtCore.QPoint(int(cx), int(cy - 70)),
               QtCore.QPoint(int(cx + 80), int(cy + 60))]
    path = [corners[0]]
    for start, end in zip(corners, corners[1:]):
        path += [start + (end - start) * (t / 10) for t in range(1, 11)]
    triangle = QtGui.QPolygonF([QtCore.QPointF(p) for p in path + [path[0]]])
    expected = [i for i, (x, y) in enumerate(xy)
                if triangle.containsPoint(QtCore.QPointF(x, y), QtCore.Qt.FillRule.OddEvenFill)]
    assert 0 < len(expected) < len(xy)
    keys = QtCore.Qt.KeyboardModifier.ShiftModifier | QtCore.Qt.KeyboardModifier.ControlModifier
    with qtbot.waitSignal(tab.scatter_panel.selection.sig_selected, timeout=5_000) as chosen:
        QtTest.QTest.mousePress(view, QtCore.Qt.MouseButton.LeftButton, keys, path[0])
        for point in path[1:]:
            QtTest.QTest.mouseMove(view, point)
        QtTest.QTest.mouseRelease(view, QtCore.Qt.MouseButton.LeftButton, keys, path[-1])
    got = set(chosen.args[0].tolist())
    assert len(got ^ set(expected)) <= 2          # points exactly on an edge may go either way
    assert tab.scatter_panel.selection_strip.label.text().startswith(f"{len(got):,} selected")
