"""``main.py sweep``: a grid of runs in folders of their own and one workspace of them all, here
(processes) and on a local Ray instance; grids too large and clusters that do not answer are
refused with a message; the workspace opens in the window ticked for Compare."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.latent.sweep import build_parser, trials_of
from engine.workspace import open_workspace

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--epochs", "1", "--train-size", "500", "--no-tensorboard"]


def sweep(*args, timeout=600):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "sweep", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "grid"
    result = sweep("vae", "--loss", "bce,mse", "--seed", "1,2", *SMALL, "--workers", "2",
                   "--out", str(out))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return out, result.stdout


def test_a_two_by_two_sweep_writes_four_runs_and_one_workspace(grid):
    out, stdout = grid
    names = {"vae-bce-quick-seed1", "vae-bce-quick-seed2", "vae-mse-quick-seed1",
             "vae-mse-quick-seed2"}
    assert {p.name for p in out.iterdir() if p.is_dir()} == names
    for name in names:
        history = json.loads((out / name / "history.json").read_text())
        assert history["config"]["seed"] == int(name[-1]) and history["state"] == "finished"
        assert (out / name / "train.log").stat().st_size > 0
    runs = open_workspace(out / "sweep.latentlab").runs
    assert sorted(r.name for r in runs) == sorted(names)
    assert {(r.config.loss.value, r.config.seed) for r in runs} == {
        ("bce", 1), ("bce", 2), ("mse", 1), ("mse", 2)}
    assert "4 of 4 trained" in stdout and "2 at once here" in stdout


def test_the_sweep_opens_in_the_window_ticked_for_compare(grid, window, qtbot):
    out, _ = grid
    task = window.workspace.open(out / "sweep.latentlab")
    qtbot.waitUntil(lambda: len(window.tab("vae").runs) == 4, timeout=60_000)
    assert task is not None
    assert len(window.tab("vae").runs_list.ticked()) == 4
    view = window.comparisons.compare_ticked()
    assert view is not None and len(view.runs) == 4
    view.curve_tools.bands.setChecked(True)              # two seeds of each loss: two bands
    assert len(view.loss_plot.legend.items) == 2
    view.close()


def test_a_sweep_on_a_local_ray_instance(tmp_path):
    pytest.importorskip("ray")
    out = tmp_path / "ray"
    result = sweep("ae", "--loss", "bce,mse", *SMALL, "--ray", "local", "--out", str(out))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    runs = open_workspace(out / "sweep.latentlab").runs
    assert sorted(r.name for r in runs) == ["ae-bce-quick", "ae-mse-quick"]
    assert (out / "ae-bce-quick" / "model.keras").stat().st_size > 100_000   # sent back


@pytest.mark.parametrize("args, message", [
    (["ae", "--loss", "bce,mse,kl", "--seed", ",".join(map(str, range(100)))],
     "the grid has 300 combinations"),
    (["ae", "--ray", "127.0.0.1:1"], "no Ray cluster answers at 127.0.0.1:1"),
    (["post", "--loss", "bce"], "--loss does not go with 'post'"),
    (["ae", "--loss", "bce,bce"], "a value is given twice"),
    (["ae", "--seed", "1,x"], "invalid"),
    (["ae", "--beta", "0,1"], "--beta weighs the VAE's KL"),
    (["vae", "--loss", "kl,bce", "--beta", "0,1"], "nothing to minimise"),
    (["vae", "--beta", "11"], "--beta must be in [0, 10]"),
])
def test_bad_sweeps_are_refused_with_a_message(tmp_path, args, message):
    result = sweep(*args, "--out", str(tmp_path / "bad"), timeout=120)
    assert result.returncode == 2 and message in result.stderr, result.stderr[-2000:]
    assert not (tmp_path / "bad" / "sweep.latentlab").exists()


def test_beta_is_a_grid_axis_and_post_adds_a_ladder_beside_its_five_runs(tmp_path):
    args = build_parser().parse_args(["vae", "--loss", "bce,mse", "--beta", "0,0.5", "--out", "x"])
    trials = {t.name: t.argv for t in trials_of(args)}
    assert set(trials) == {"vae-bce-beta0-quick", "vae-bce-beta0.5-quick", "vae-mse-beta0-quick",
                           "vae-mse-beta0.5-quick"}
    argv = trials["vae-mse-beta0.5-quick"]
    assert argv[argv.index("--beta") + 1] == "0.5" and argv[argv.index("--loss") + 1] == "mse"
    post = trials_of(build_parser().parse_args(["post", "--beta", "0,0.1,1,4", "--out", "x"]))
    assert [t.name for t in post][5:] == ["vae-bce-beta0-quick", "vae-bce-beta0.1-quick",
                                          "vae-bce-beta4-quick"]    # β 1 is the post's own VAE
    assert all("--beta" not in t.argv for t in post[:5])
