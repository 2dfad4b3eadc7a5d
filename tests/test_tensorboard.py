"""TensorBoard out and in: a terminal run's event files and Projector bundle, read back with
TensorBoard's own reader and checked against history.json; logs of other tools (Keras'
callback, tensorboardX-style ``simple_value``) read in; damaged and endless files bounded."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

from engine.files.tensorboard_events import EventLogError, EventWriter, read_scalars
from engine.latent.frames import TENSORBOARD_PICTURES
from engine.runs.tensorboard_log import write_run
from engine.workspace import open_workspace

ROOT = Path(__file__).resolve().parent.parent


def accumulator(logdir) -> EventAccumulator:
    ea = EventAccumulator(str(logdir), size_guidance={"tensors": 0, "images": 0, "scalars": 0})
    ea.Reload()
    return ea


def scalar_points(ea, tag):
    from tensorboard.util import tensor_util

    events = ea.Tensors(tag)
    return (np.array([e.step for e in events]), np.array([e.wall_time for e in events]),
            np.array([float(tensor_util.make_ndarray(e.tensor_proto)) for e in events]))


@pytest.fixture(scope="module")
def terminal_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tb") / "run"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "train", "vae", "--epochs", "2", "--train-size",
         "1000", "--out", str(out)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_terminal_run_logs_every_loss_point_at_its_own_wall_time(terminal_run):
    history = json.loads((terminal_run / "history.json").read_text())
    columns = history["columns"]
    ea = accumulator(terminal_run / "tensorboard")
    for name in ("loss", "reconstruction", "kl"):
        steps, walls, values = scalar_points(ea, name)
        assert steps.tolist() == [s + 1 for s in columns["step"]]     # steps done
        np.testing.assert_allclose(values, columns[name], rtol=1e-6)  # float32 in the event
    steps, walls, _ = scalar_points(ea, "loss")
    assert len(np.unique(walls)) == len(walls) and np.all(np.diff(walls) > 0)
    # the run's own times: the start of training plus each row's wall_s
    np.testing.assert_allclose(np.diff(walls), np.diff(columns["wall_s"]), atol=1e-3)
    started = open_workspace(terminal_run / "run.latentlab").runs[0].setup.started_at
    assert started > 1e9
    np.testing.assert_allclose(walls - started, columns["wall_s"], atol=1e-3)


def test_terminal_run_writes_pictures_settings_and_a_projector_bundle(terminal_run):
    logdir = terminal_run / "tensorboard"
    ea = accumulator(logdir)
    tags = ea.Tags()["tensors"]
    assert {"reconstructions", "latent"} <= set(tags)
    spe = json.loads((terminal_run / "history.json").read_text())["steps_per_epoch"]
    assert [e.step for e in ea.Tensors("latent")] == [spe, 2 * spe]     # one per epoch
    png = ea.Tensors("latent")[0].tensor_proto.string_val[2]
    assert png.startswith(b"\x89PNG")
    hparams = [t for t in tags if t.startswith("_hparams_")]
    assert hparams, tags
    from tensorboard.plugins.hparams import plugin_data_pb2

    meta = ea.SummaryMetadata(hparams[0]).plugin_data.content
    start = plugin_data_pb2.HParamsPluginData.FromString(meta).session_start_info
    assert start.hparams["loss"].string_value == "bce"
    assert start.hparams["kind"].string_value == "vae"
    config = (logdir / "projector_config.pbtxt").read_text()
    assert config.count("embeddings {") == 2
    metadata = (logdir / "metadata.tsv").read_text().splitlines()
    assert metadata[0] == "label\tindex" and len(metadata) == 1 + 1000
    run = open_workspace(terminal_run / "run.latentlab").runs[0]
    labels = [run.fixtures.class_names[k] for k in run.fixtures.view_labels]
    assert [line.split("\t")[0] for line in metadata[1:]] == labels
    final = np.loadtxt(logdir / f"step_{2 * spe:08d}" / "tensors.tsv")
    np.testing.assert_allclose(final, run.snapshots.at_step(2 * spe).payload.latent, rtol=1e-5,
                               atol=1e-5)
    with Image.open(logdir / "sprite.png") as sprite:
        assert sprite.size == (32 * 28, 32 * 28)
        first = np.asarray(sprite)[:28, :28] / 255.0
    np.testing.assert_allclose(first, run.fixtures.view_image(0), atol=1 / 255)


def test_no_tensorboard_writes_none(tmp_path):
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "train", "ae", "--epochs", "1", "--train-size",
         "200", "--no-tensorboard", "--out", str(out)], capture_output=True, text=True,
        timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "history.json").exists() and not (out / "tensorboard").exists()


def test_a_saved_run_exports_the_same_points(terminal_run, tmp_path):
    run = open_workspace(terminal_run / "run.latentlab").runs[0]
    write_run(run, tmp_path / "export", TENSORBOARD_PICTURES)
    live = read_scalars(terminal_run / "tensorboard").curves[(".", "loss")]
    exported = read_scalars(tmp_path / "export").curves[(".", "loss")]
    np.testing.assert_array_equal(exported.steps, live.steps)
    np.testing.assert_allclose(exported.values, live.values)
    np.testing.assert_allclose(exported.wall_times, live.wall_times, atol=1e-3)


def test_reads_a_keras_callback_log_and_tensorboardx_style_scalars(tmp_path):
    from engine.tf_runtime import keras

    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile("sgd", "mse")
    model.fit(x, x, epochs=3, validation_split=0.25, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(str(tmp_path / "keras"))])
    log = read_scalars(tmp_path / "keras")
    assert {("train", "epoch_loss"), ("validation", "epoch_loss")} <= set(log.curves)
    assert log.curves[("train", "epoch_loss")].steps.tolist() == [0, 1, 2]
    # tensorboardX and Ray Tune write TensorFlow 1's simple_value
    (tmp_path / "tbx").mkdir()
    with open(tmp_path / "tbx" / "events.out.tfevents.1.host", "wb") as f:
        writer = RecordWriter(f)
        for step in range(5):
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
                tag="ray/tune/loss", simple_value=10.0 - step)])
            writer.write(event_pb2.Event(step=step, wall_time=100.0 + step,
                                         summary=summary).SerializeToString())
    curve = read_scalars(tmp_path / "tbx").curves[(".", "ray/tune/loss")]
    assert curve.values.tolist() == [10, 9, 8, 7, 6]
    assert curve.wall_times.tolist() == [100, 101, 102, 103, 104]


def test_damaged_endless_and_empty_logs_give_messages(tmp_path):
    good = EventWriter(tmp_path / "good", wall_time=1.0)
    good.scalars("loss", [1, 2, 3], [3.0, 2.0, 1.0], [1.0, 2.0, 3.0])
    good.close()
    with open(good.path, "ab") as f:        # a record claiming 1 TB, then garbage
        f.write((2**40).to_bytes(8, "little") + b"\0" * 40)
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / "events.out.tfevents.2.x").write_bytes(os.urandom(5000))
    (tmp_path / "pipe").mkdir()
    os.mkfifo(tmp_path / "pipe" / "events.out.tfevents.3.x")
    log = read_scalars(tmp_path)
    assert log.curves[("good", "loss")].values.tolist() == [3, 2, 1]
    text = " ".join(log.problems)
    assert "damaged" in text and "named pipe" in text
    with pytest.raises(EventLogError, match="no TensorBoard event files"):
        read_scalars(_empty(tmp_path))
    with pytest.raises(EventLogError, match="not a folder"):
        read_scalars(tmp_path / "nowhere")


def _empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.txt").write_text("no events here")
    return folder


def test_points_past_the_bound_are_thinned_evenly(tmp_path, monkeypatch):
    import engine.files.tensorboard_events as events

    monkeypatch.setattr(events, "MAX_POINTS", 100)
    writer = EventWriter(tmp_path, wall_time=0.0)
    n = 1000
    writer.scalars("loss", range(n), np.arange(n, dtype=float), np.arange(n, dtype=float))
    writer.close()
    curve = read_scalars(tmp_path).curves[(".", "loss")]
    assert 50 <= len(curve.steps) <= 101
    assert curve.steps[0] == 0 and curve.steps[-1] == n - 1     # the whole run is covered,
    gaps = np.diff(curve.steps)[:-1]                             # (the last point always stays)
    assert gaps.max() == gaps.min()                              # evenly
