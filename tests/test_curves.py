"""Curve tools: TensorBoard's smoothing, seed groups with their band, x as step/epoch/wall time,
one CSV of every shown curve, and curves added from a TensorBoard folder, in the engine and
in the real comparison window."""

import csv
import dataclasses

import numpy as np
from PySide6 import QtCore

from engine.files.tensorboard_events import EventWriter
from engine.runs.curves import XAxis, run_curve, seed_groups, smoothed, write_curves_csv
from engine.runs.run import Run


def test_smoothing_is_tensorboards_debiased_moving_average():
    assert smoothed(np.array([1.0, 3.0]), 0.5).tolist() == [1.0, 1.75 / 0.75]
    values = np.array([5.0, np.nan, 5.0, 5.0])
    out = smoothed(values, 0.9)
    assert np.isnan(out[1]) and np.allclose(out[[0, 2, 3]], 5.0)   # a constant stays itself
    assert np.array_equal(smoothed(values, 0.0), values, equal_nan=True)   # 0: no smoothing


def test_runs_that_differ_only_by_seed_group_together():
    from engine.latent.config import preset_config

    base = preset_config("vae", "bce", "quick")
    runs = [Run("latent", dataclasses.replace(base, seed=s)) for s in (1, 2, 3)]
    other = Run("latent", dataclasses.replace(base, learning_rate=0.01))
    groups = seed_groups([runs[0], other, runs[1], runs[2]])
    assert groups == [runs, [other]]


def train(qtbot, tab, config):
    assert tab.start_with(config)
    qtbot.waitUntil(lambda: tab.state == "finished" and not tab.controls.is_running(),
                    timeout=90_000)
    return tab.run


def test_compare_draws_seed_bands_smooths_and_exports_one_csv(window, qtbot, tmp_path):
    tab = window.tab("vae")
    tab.panel.epochs_box.setValue(1)
    base = tab.panel.config()
    seeds = [train(qtbot, tab, dataclasses.replace(base, seed=s)) for s in (11, 12)]
    other = train(qtbot, tab, dataclasses.replace(base, learning_rate=base.learning_rate / 4))
    tab.runs_list.set_ticked([*seeds, other])
    view = window.comparisons.compare_ticked()
    qtbot.waitExposed(view)
    plot, tools = view.loss_plot, view.curve_tools
    assert len(plot.legend.items) == 3
    assert tools.log_y.isChecked()                    # losses of ±70 and ±3 runs: log y first
    np.testing.assert_allclose(10 ** plot._lines[2].item.getData()[1], other.column("loss"),
                               rtol=1e-6)
    tools.log_y.setChecked(False)
    tools.bands.setChecked(True)
    names = [label.text for _, label in plot.legend.items]
    assert len(names) == 2 and "mean of 2 seeds" in names[0]
    band_line = plot._lines[0]
    losses = np.stack([r.column("loss") for r in seeds])
    x, mean = band_line.item.getData()
    np.testing.assert_allclose(mean, losses.mean(axis=0))
    np.testing.assert_allclose(band_line.high.getData()[1], losses.max(axis=0))
    np.testing.assert_allclose(band_line.low.getData()[1], losses.min(axis=0))
    tools.bands.setChecked(False)
    # smoothing: the slider's weight, TensorBoard's average, the raw curve faint behind
    tools.smoothing.setValue(90)
    assert tools.smoothing_label.text() == "0.90"
    line = plot._lines[2]
    np.testing.assert_allclose(line.item.getData()[1], smoothed(other.column("loss"), 0.9))
    np.testing.assert_allclose(line.raw.getData()[1], other.column("loss"))
    tools.x_axis.setCurrentIndex(list(XAxis).index(XAxis.WALL))
    np.testing.assert_allclose(line.item.getData()[0], other.column("wall_s"))
    assert plot.getAxis("bottom").labelText == XAxis.WALL.value
    tools.x_axis.setCurrentIndex(list(XAxis).index(XAxis.STEP))
    np.testing.assert_allclose(line.item.getData()[0], other.column("step") + 1)
    # one CSV: every point of every run, unsmoothed
    assert tools.export_csv(tmp_path / "curves")
    with open(tmp_path / "curves.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == sum(r.step for r in [*seeds, other])
    mine = [float(r["value"]) for r in rows if r["run"] == other.name]
    np.testing.assert_array_equal(mine, other.column("loss"))
    assert "3 curve(s)" in view.note.text()
    view.close()


def test_curves_from_a_tensorboard_folder_join_the_comparison(window, qtbot, tmp_path):
    tab = window.tab("autoencoder")
    tab.panel.epochs_box.setValue(1)
    base = tab.panel.config()
    runs = [train(qtbot, tab, dataclasses.replace(base, seed=s)) for s in (1, 2)]
    for name, scale in (("trial_a", 1.0), ("trial_b", 2.0)):       # a Ray-Tune-like sweep
        writer = EventWriter(tmp_path / "logs" / name, wall_time=1000.0)
        steps = np.arange(1, 51)
        writer.scalars("loss", steps, 200 * scale / steps, 1000.0 + steps)
        writer.scalars("accuracy", steps, steps / 50, 1000.0 + steps)
        writer.close()
    tab.runs_list.set_ticked(runs)
    view = window.comparisons.compare_ticked()
    task = view.read_tensorboard(tmp_path / "logs")
    qtbot.waitUntil(lambda: view.tag_chooser is not None and view.tag_chooser.isVisible(),
                    timeout=20_000)
    assert task.isFinished()
    chooser = view.tag_chooser
    assert chooser.ticked() == ["loss"]                       # losses are ticked at first
    with qtbot.waitSignal(view.loss_plot.sig_drawn, timeout=5_000):
        qtbot.mouseClick(chooser.add_button, QtCore.Qt.MouseButton.LeftButton)
    labels = [label.text for _, label in view.loss_plot.legend.items]
    assert "logs/trial_a: loss" in labels and "logs/trial_b: loss" in labels
    external = [line for line in view.loss_plot._lines if line.external is not None]
    np.testing.assert_allclose(10 ** external[1].item.getData()[1], 400 / np.arange(1, 51),
                               rtol=1e-6)                      # log y, as the view opens
    assert "Added 2 curve(s)" in view.note.text()
    view.read_tensorboard(tmp_path / "nothing-here")
    qtbot.waitUntil(lambda: "not a folder" in view.note.text(), timeout=10_000)
    view.close()


def test_the_csv_of_a_run_without_epochs_leaves_epoch_empty(tmp_path):
    from engine.runs.update import RunSetup, RunUpdate

    run = Run("cppn-fit", None, "fit")
    setup = RunSetup(("loss",), 3, None, 1)
    run.apply(RunUpdate(3, np.array([[0, 0.1, 3.0], [1, 0.2, 2.0], [2, 0.3, 1.0]]), None, 0, 0,
                        setup=setup))
    curve = run_curve(run, "loss")
    assert curve.epochs is None and curve.x(XAxis.EPOCH).tolist() == [1, 2, 3]
    write_curves_csv([curve], tmp_path / "fit.csv")
    with open(tmp_path / "fit.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["", "", ""] and [r["step"] for r in rows] == ["1", "2",
                                                                                       "3"]
