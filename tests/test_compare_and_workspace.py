"""Comparing, rewinding and keeping runs, in the real window under Xvfb: the runs list, the
comparison's linked camera and selection, decodes with a past step's weights, workspace files
(a round trip, and every kind of bad file), a terminal run opened in the window, the replay of
the post, and the question before unsaved runs are lost."""

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from engine.latent.findings import figures
from engine.latent.models import build_models
from engine.workspace import VERSION, WorkspaceError, open_workspace, save_workspace
from gui.app import make_application
from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent


def train(qtbot, tab, loss_index=0, epochs=2):
    tab.panel.loss_box.setCurrentIndex(loss_index)
    tab.panel.epochs_box.setValue(epochs)
    assert tab.start()
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=90_000)
    return tab.run


def decode(run, step, z):
    models = build_models(run.config)
    models.set_weights(run.snapshots.with_weights_at(step).weights)
    return models.decode(z)


def wait_task(qtbot, task):
    qtbot.waitUntil(task.isFinished, timeout=60_000)
    # everything the finished thread emitted is posted by now: deliver it to the GUI thread
    QtCore.QCoreApplication.sendPostedEvents()


def test_runs_stay_listed_named_and_deletable(window, qtbot):
    tab = window.tab("autoencoder")
    first = train(qtbot, tab, 0, epochs=1)
    second = train(qtbot, tab, 1, epochs=1)
    assert tab.runs == [first, second] and tab.runs_list.list.count() == 2
    assert tab.runs_list.list.item(0).text() == "AE · log loss · quick · seed 6278"
    assert first.colour != second.colour
    tab.runs_list.list.setCurrentRow(0)
    assert tab.run is first                                       # selecting shows the run
    tab.runs_list.list.item(0).setText("my first run")
    assert first.name == "my first run"
    tab.delete_run(first)
    assert tab.runs == [second] and tab.run is second


def test_a_decode_rewound_to_an_early_step_uses_that_steps_weights(window, qtbot):
    tab = window.tab("autoencoder")
    run = train(qtbot, tab, epochs=6)
    early = run.snapshots.pinned()[1]                             # the end of epoch 1
    final = run.latest()
    index = 7
    tab.timeline.set_step(early.step)
    assert tab.shown_step == early.step
    with qtbot.waitSignal(tab.latent_decoder.worker.sig_done, timeout=10_000):
        tab.explorer.select(index)
    at_early = tab.explorer.selected_decoded.image.copy()
    early_code = early.payload.latent[index:index + 1]
    np.testing.assert_allclose(at_early, decode(run, early.step, early_code)[0], atol=1e-6)
    tab.timeline.set_step(final.step)
    qtbot.waitUntil(lambda: np.abs(tab.explorer.selected_decoded.image - at_early).max() > 0.05,
                    timeout=10_000)
    np.testing.assert_allclose(tab.explorer.selected_decoded.image,
                               decode(run, final.step, final.payload.latent[index:index + 1])[0],
                               atol=1e-6)


def test_a_walk_is_decoded_drawn_and_exported(window, qtbot, tmp_path):
    tab = window.tab("autoencoder")
    train(qtbot, tab, epochs=1)
    explorer = tab.explorer
    for index, restart in ((3, True), (40, False), (100, False)):
        explorer.select(index)
        explorer.add_waypoint(restart)
    qtbot.waitUntil(lambda: explorer.walk_images is not None and len(explorer.walk_images) == 17,
                    timeout=10_000)
    assert tab.scatter._path_codes.shape == (17, 3)
    task = tab.exports.export_walk_gif(tmp_path / "walk.gif")
    wait_task(qtbot, task)
    from PIL import Image
    with Image.open(tmp_path / "walk.gif") as gif:
        assert gif.n_frames == 17 + 15                            # there and back
        assert gif.size == (28 * 6, 28 * 6)                       # each decode 6x larger
    assert tab.exports.export_walk_strip(tmp_path / "walk")
    assert (tmp_path / "walk.png").exists()


def test_the_comparison_links_camera_and_selection(window, qtbot):
    ae, vae = window.tab("autoencoder"), window.tab("vae")
    runs = [train(qtbot, ae, 0, epochs=1), train(qtbot, vae, 0, epochs=1)]
    ae.runs_list.set_ticked([runs[0]])
    vae.runs_list.set_ticked([runs[1]])
    view = window.comparisons.compare_ticked()
    assert view is not None and view.runs == runs
    qtbot.waitExposed(view)
    first, second = view.views
    qtbot.mouseMove(first, QtCore.QPoint(100, 100))
    for x in range(100, 180, 10):                                 # drag to turn the camera
        event_pos = QtCore.QPointF(x, 110)
        QtWidgets.QApplication.sendEvent(first, _mouse(QtCore.QEvent.Type.MouseMove, event_pos))
    assert first.camera() != {"distance": 4.6, "elevation": 22.0, "azimuth": 40.0,
                              "center": [0.0, 0.0, 0.0]}
    np.testing.assert_allclose(np.array(first.viewMatrix().data()),
                               np.array(second.viewMatrix().data()), atol=1e-5)
    view.common.setChecked(True)
    assert np.allclose(first.extent[0], second.extent[0]) and np.allclose(first.extent[1],
                                                                         second.extent[1])
    with qtbot.waitSignal(view.latent_decoder.sig_decoded, timeout=10_000):
        first.sig_point_clicked.emit(12)
    assert first.highlighted == second.highlighted == 12
    qtbot.waitUntil(lambda: all(im is not None for im in view.strip_images), timeout=10_000)
    assert view.strip.image.shape[1] > 3 * 28                    # original and two reconstructions
    view.close()


def test_the_wipe_shows_two_runs_and_two_epochs_of_one(window, qtbot):
    from engine.files.images import difference_map, to_bytes

    ae, vae = window.tab("autoencoder"), window.tab("vae")
    runs = [train(qtbot, ae, 0, epochs=2), train(qtbot, vae, 0, epochs=2)]
    ae.runs_list.set_ticked([runs[0]])
    vae.runs_list.set_ticked([runs[1]])
    view = window.comparisons.compare_ticked()
    qtbot.waitExposed(view)
    wipe = view.wipe

    def both_decoded():
        qtbot.waitUntil(lambda: all(im is not None for im in wipe.images.values()),
                        timeout=10_000)
        return wipe.images["a"], wipe.images["b"]

    def expected(run, step):
        snapshot = run.snapshots.with_weights_at(step)
        return decode(run, snapshot.step, snapshot.payload.latent[12][None])[0]

    def drawn(columns):     # the grey level on screen at picture pixels (row 14, column)
        picture = wipe.view.grab().toImage()
        ratio = picture.devicePixelRatio()
        points = [wipe.view.widget_point(14, col) for col in columns]
        return [picture.pixelColor(int(p.x() * ratio), int(p.y() * ratio)).red()
                for p in points]

    left, right = [3, 6, 9], [19, 22, 25]
    view.views[0].sig_point_clicked.emit(12)
    a, b = both_decoded()
    np.testing.assert_allclose(a, expected(runs[0], runs[0].step), atol=1e-5)
    np.testing.assert_allclose(b, expected(runs[1], runs[1].step), atol=1e-5)
    assert np.abs(a - b)[14, left + right].max() > 0.1           # the two differ where we look
    np.testing.assert_allclose(drawn(left), to_bytes(a[14, left]), atol=1)    # A left of the line
    np.testing.assert_allclose(drawn(right), to_bytes(b[14, right]), atol=1)  # B right of it
    wipe.view.set_split(0.95)                                    # dragged nearly to the edge
    np.testing.assert_allclose(drawn(right), to_bytes(a[14, right]), atol=1)
    wipe.difference.setChecked(True)
    wipe.view.set_split(0.0)                                     # all of it the difference
    difference = to_bytes(difference_map(a, b)[14, left + right])
    np.testing.assert_allclose(drawn(left + right), difference, atol=1)
    assert difference.max() > 25
    wipe.b_box.setCurrentIndex(0)                      # B = A at the same epoch: all black
    both_decoded()
    assert max(drawn(left + right)) == 0
    wipe.b_epoch.setValue(0.5)                         # one run at two epochs
    a, b = both_decoded()
    half = runs[0].step_at_epoch(0.5)
    np.testing.assert_allclose(b, expected(runs[0], half), atol=1e-5)
    assert max(drawn(left + right)) > 10
    assert f"at step {runs[0].snapshots.with_weights_at(half).step}:" in wipe.label.text()
    view.close()


def _mouse(kind, pos):
    from PySide6 import QtGui

    return QtGui.QMouseEvent(kind, pos, pos, QtCore.Qt.MouseButton.LeftButton,
                             QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier)


def test_a_workspace_round_trip_restores_runs_and_decodes(window, qtbot, tmp_path):
    ae, vae = window.tab("autoencoder"), window.tab("vae")
    runs = [train(qtbot, ae, 0), train(qtbot, ae, 1), train(qtbot, vae, 0)]
    window.tab("cppn").network.width_box.setValue(24)
    ae.timeline.set_step(ae.run.snapshots.pinned()[1].step)
    z = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    before = [decode(r, r.step, z) for r in runs]
    ae.scatter.sig_point_clicked.emit(7)                            # the exploration
    assert ae.explorer.add_waypoint(restart=True)
    ae.scatter.sig_point_clicked.emit(30)
    assert ae.explorer.add_waypoint(restart=False)
    ae.explorer.decode_z(np.array([0.5, -1.0, 2.0], np.float32))
    qtbot.mouseMove(ae.scatter, QtCore.QPoint(100, 100))
    for x in range(100, 180, 10):                                 # drag to turn the camera
        QtWidgets.QApplication.sendEvent(ae.scatter, _mouse(QtCore.QEvent.Type.MouseMove,
                                                            QtCore.QPointF(x, 110)))
    camera = ae.scatter.camera()
    assert ae.explorer.state.camera == camera and camera["azimuth"] != 40.0
    qtbot.waitUntil(lambda: ae.explorer.walk_images is not None, timeout=10_000)
    path = tmp_path / "mine.latentlab"
    wait_task(qtbot, window.workspace.save(path))
    assert all(r.saved for r in runs)
    fresh = MainWindow()
    qtbot.addWidget(fresh)
    fresh.show()
    wait_task(qtbot, fresh.open_workspace(path))
    opened = fresh.tab("autoencoder").runs + fresh.tab("vae").runs
    assert [r.name for r in opened] == [r.name for r in runs]
    for old, new in zip(runs, opened):
        assert np.array_equal(old.metrics.table(), new.metrics.table())
        assert old.snapshots.steps == new.snapshots.steps
        for a, b in zip(old.snapshots.items(), new.snapshots.items()):
            assert np.array_equal(a.payload.latent, b.payload.latent)
    for old_decode, new in zip(before, opened):
        np.testing.assert_allclose(decode(new, new.step, z), old_decode, atol=1e-6)
    shown = fresh.tab("autoencoder")
    assert shown.shown_step == ae.shown_step
    assert fresh.tab("cppn").network.width_box.value() == 24
    assert shown.explorer.selected == 30 and shown.scatter.highlighted == 30
    assert shown.scatter.camera() == camera
    np.testing.assert_array_equal(np.stack(shown.explorer.waypoints),
                                  np.stack(ae.explorer.waypoints))
    assert shown.explorer.slider_z.tolist() == [0.5, -1.0, 2.0]
    qtbot.waitUntil(lambda: shown.explorer.walk_images is not None, timeout=10_000)
    np.testing.assert_allclose(shown.explorer.walk_images, ae.explorer.walk_images, atol=1e-6)


@pytest.mark.parametrize("kind", ["corrupt", "truncated", "future", "foreign"])
def test_bad_workspaces_say_why_and_change_nothing(window, qtbot, tmp_path, kind):
    ae = window.tab("autoencoder")
    run = train(qtbot, ae, epochs=1)
    good = save_workspace(tmp_path / "good.latentlab", [run])
    bad = tmp_path / f"{kind}.latentlab"
    data = good.read_bytes()
    if kind == "corrupt":
        bad.write_bytes(data[:2000] + bytes(5000) + data[7000:])
    elif kind == "truncated":
        bad.write_bytes(data[:len(data) // 2])
    elif kind == "future":
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                body = src.read(item)
                if item.filename == "manifest.json":
                    body = body.replace(b'"version": 1', f'"version": {VERSION + 1}'.encode())
                dst.writestr(item, body)
    else:
        with zipfile.ZipFile(bad, "w") as dst:
            dst.writestr("readme.txt", "a zip from elsewhere")
    expected = {"corrupt": "damaged", "truncated": "truncated", "future": "newer Latent Lab",
                "foreign": "not a Latent Lab workspace"}[kind]
    with pytest.raises(WorkspaceError, match=expected):
        open_workspace(bad)
    task = window.open_workspace(bad)
    qtbot.waitUntil(task.isFinished, timeout=30_000)
    qtbot.waitUntil(lambda: getattr(window.workspace, "last_error", None) is not None,
                    timeout=5_000)
    assert expected in window.workspace.last_error.text()
    assert "Nothing in the window was changed" in window.workspace.last_error.text()
    assert ae.runs == [run] and ae.run is run
    window.workspace.last_error.close()


def test_a_partly_damaged_workspace_opens_what_it_can_and_names_the_rest(window, qtbot,
                                                                          tmp_path):
    ae = window.tab("autoencoder")
    first, second = train(qtbot, ae, 0, epochs=1), train(qtbot, ae, 1, epochs=1)
    good = save_workspace(tmp_path / "good.latentlab", [first, second])
    bad = tmp_path / "partly.latentlab"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        damaged = sorted(n for n in src.namelist() if n.endswith("metrics.npy"))[1]
        for item in src.infolist():
            dst.writestr(item, b"not an array" if item.filename == damaged else src.read(item))
    wait_task(qtbot, window.open_workspace(bad))
    assert [r.name for r in ae.runs] == [first.name] and ae.runs[0].step == first.step
    text = window.workspace.last_error.text()
    assert "1 run(s) opened; 1 could not be read" in text and "run 2: " in text
    window.workspace.last_error.close()


def test_a_terminal_run_opens_in_the_window(qtbot, tmp_path):
    out = tmp_path / "run"
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "vae", "--epochs",
                             "1", "--train-size", "1000", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    make_application()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    wait_task(qtbot, window.open_workspace(out / "run.latentlab"))
    tab = window.tab("vae")
    assert window.tabs.currentWidget() is tab and len(tab.runs) == 1
    assert tab.run.state.value == "finished" and tab.run.step == 10
    frame = tab.scatter.grab_frame()
    pixels = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(), -1, 4)
    assert (pixels[..., :3] != 255).any(axis=-1).sum() > 500    # the scatter is drawn


def test_replaying_the_post_trains_its_runs_and_compares_them(window, qtbot):
    ae = window.tab("autoencoder")
    ae.panel.epochs_box.setValue(1)
    replay = window.comparisons.replay_post(ae, "all")
    qtbot.waitUntil(lambda: window.comparisons.replay is None, timeout=240_000)
    runs = replay.runs
    assert [r.name.split(" · ")[:2] for r in runs] == [
        ["AE", "log loss"], ["AE", "MSE"], ["VAE", "log loss + KL"], ["VAE", "MSE + KL"],
        ["VAE", "KL only"]]
    assert all(r.state.value == "finished" and r.config.seed == runs[0].config.seed for r in runs), \
        [(r.name, r.state, r.step, r.message) for r in runs]
    view = window.comparisons.windows[-1]
    assert view.runs == runs and view.common.isChecked()
    text = view.findings.text()
    figs = {r.name: figures(r) for r in runs}
    for run in runs:   # the account carries these runs' own measured numbers
        assert f"{run.name}: {figs[run.name].final_loss:.4g}" in text
        if run.config.loss.value != "kl":
            assert f"{run.name.split(' · ')[1]} ±{figs[run.name].extent_p99:.1f}" in text
    assert f"differ by {figs[runs[4].name].reconstruction_gap:.3f}" in text
    # and what the post found holds for them: the AE spreads wider than the VAE, and KL alone
    # decodes different digits most alike
    assert min(figs[r.name].extent_p99 for r in runs[:2]) > \
        max(figs[r.name].extent_p99 for r in runs[2:4])
    assert figs[runs[4].name].reconstruction_gap < \
        min(figs[r.name].reconstruction_gap for r in runs[:4])
    view.close()


def test_the_beta_ladder_trains_four_vaes_from_the_plain_ae_to_beta_4(window, qtbot):
    vae = window.tab("vae")
    vae.panel.epochs_box.setValue(1)
    vae.panel.beta_box.setValue(0.5)
    assert vae.panel.config().beta == 0.5 and "β 0.5" in vae.panel.config().describe()
    replay = window.comparisons.replay_post(vae, "beta")
    qtbot.waitUntil(lambda: window.comparisons.replay is None, timeout=240_000)
    runs = replay.runs
    assert [r.config.beta for r in runs] == [0.0, 0.1, 1.0, 4.0]
    assert all(r.state.value == "finished" and r.config.kind.value == "vae" for r in runs)
    figs = {r.name: figures(r) for r in runs}
    text = window.comparisons.windows[-1].findings.text()
    for run in runs:
        assert f"β {run.config.beta:g}: ±{figs[run.name].extent_p99:.1f}" in text
    compact = text.split("stays compact")[1].split("</p>")[0]   # the VAE proper only: β 1
    assert f"±{figs[runs[2].name].extent_p99:.1f}" in compact
    assert f"±{figs[runs[0].name].extent_p99:.1f}" not in compact
    assert figs[runs[0].name].extent_p99 > figs[runs[-1].name].extent_p99
    window.comparisons.windows[-1].close()


def test_closing_with_unsaved_runs_asks(qtbot, tmp_path):
    make_application()
    window = MainWindow()   # not given to qtbot: the test closes it, and it deletes itself
    window.show()
    QtCore.QSettings().setValue("window/ask_to_save", True)
    train(qtbot, window.tab("autoencoder"), epochs=1)
    window.close()
    box = window.workspace.question
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    assert window.isVisible() and "1 run(s)" in box.text()
    box.button(QtWidgets.QMessageBox.StandardButton.Cancel).click()
    assert window.isVisible()                                     # cancelled: nothing closes
    window.close()
    box = window.workspace.question
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    with qtbot.waitSignal(window.sig_closed, timeout=30_000):
        box.button(QtWidgets.QMessageBox.StandardButton.Discard).click()


def test_an_exploration_state_takes_what_fits_and_tells_its_views():
    from gui.latent.view_state import ExplorationState

    state, heard = ExplorationState(), []
    state.listeners.add(heard.append)
    state.restore({"selected": 1000, "walk": [[0, 0, 0], [1, "x", 2]], "slider_z": [1, 2],
                   "camera": {"distance": "nan", "elevation": 1, "azimuth": 2}}, points=1000)
    assert heard == [] and state.selected is None and state.waypoints == []
    state.restore({"selected": 12, "walk": [[0, 0, 0], [1, 1, 2]], "slider_z": [1, 2, 3],
                   "camera": {"distance": 5, "elevation": 1, "azimuth": 2}}, points=1000)
    assert heard == ["camera", "selected", "walk", "slider"]
    assert state.to_json() == {"selected": 12, "walk": [[0, 0, 0], [1, 1, 2]],
                               "slider_z": [1.0, 2.0, 3.0],
                               "camera": {"distance": 5.0, "elevation": 1.0, "azimuth": 2.0,
                                          "center": [0.0, 0.0, 0.0]}}
    state.set_camera(state.camera)            # the same camera again: nobody is told
    assert heard[-1] == "slider"
