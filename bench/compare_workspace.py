"""Comparing and keeping runs, in the window under Xvfb + Mesa (llvmpipe): the frame rate of a
comparison of 5 runs while its linked camera turns, workspace save and open times and size for
the post's 5 runs, and resident memory as kept runs pile up to 20.

1. Replays the post (all five runs, quick preset, ``--epochs`` each) through the GUI.
2. Comparison: the camera of the first view turns a degree per swapped frame; all five views
   follow (linked). fps counts the first view's frames; each one is five GL frames. Then the
   same with 10,000 codes in every view (random codes of the run's spread: the drawing cost is
   the number of points).
3. Saves the five runs as a workspace and opens it again (the file is read, checked and put in
   a second window): seconds and megabytes.
4. Trains more quick runs in the autoencoder tab until 20 are kept; resident memory after each.

    python bench/compare_workspace.py [--epochs 15] [--kept 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import close_window, print_result, private_settings, resident_mb

import engine.tf_runtime  # noqa: F401  (TensorFlow before Qt: see engine/tf_runtime.py)
from gui.virtual_display import start_virtual_display


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--kept", type=int, default=20)
    args = parser.parse_args()
    start_virtual_display()
    from PySide6 import QtCore

    from engine.workspace import open_workspace, save_workspace
    from gui.app import make_application
    from gui.main_window import MainWindow

    app = make_application([])
    private_settings()

    def wait_until(condition, timeout_s: float) -> None:
        end = time.perf_counter() + timeout_s
        while not condition():
            if time.perf_counter() > end:
                raise TimeoutError("the window did not get there in time")
            loop = QtCore.QEventLoop()
            QtCore.QTimer.singleShot(10, loop.quit)
            loop.exec()

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    rss_empty = resident_mb()
    ae = window.tab("autoencoder")
    ae.panel.epochs_box.setValue(args.epochs)
    start = time.perf_counter()
    replay = window.comparisons.replay_post(ae, "all")
    wait_until(lambda: window.comparisons.replay is None, 1800)
    runs = replay.runs
    print(f"the post's 5 runs, {args.epochs} quick epochs each: {time.perf_counter() - start:.0f} s")
    view = window.comparisons.windows[-1]
    wait_until(lambda: all(v.isExposed() for v in view.views), 30)

    def fps_turning(frames: int = 120) -> float:
        first = view.views[0]
        swapped: list[float] = []

        def next_frame():
            swapped.append(time.perf_counter())
            first.orbit(1.0, 0.0)
            first.sig_camera_changed.emit()      # as a drag does: the others follow

        first.frameSwapped.connect(next_frame)
        next_frame()
        wait_until(lambda: len(swapped) >= frames, 120)
        first.frameSwapped.disconnect(next_frame)
        return (len(swapped) - 2) / (swapped[-1] - swapped[1])

    fps_1k = fps_turning()
    print(f"comparison of 5 runs x 1,000 points, camera turning: {fps_1k:.1f} fps")
    rng = np.random.default_rng(0)
    for v, run in zip(view.views, view.runs):
        extent = np.abs(run.latest().payload.latent).max()
        v.set_points(rng.uniform(-extent, extent, (10_000, 3)).astype(np.float32),
                     np.arange(10_000) % 10)
    fps_10k = fps_turning()
    print(f"comparison of 5 runs x 10,000 points, camera turning: {fps_10k:.1f} fps")
    view.close()

    folder = Path(tempfile.mkdtemp(prefix="latent-lab-bench-"))
    path = folder / "post.latentlab"
    frozen = [run.frozen() for run in runs]
    state = window.workspace.window_state()
    start = time.perf_counter()
    save_workspace(path, frozen, state)
    save_s = time.perf_counter() - start
    start = time.perf_counter()
    opened, opened_state, _ = open_workspace(path)
    read_s = time.perf_counter() - start
    second = MainWindow()
    start = time.perf_counter()
    second.workspace._apply(path, opened, opened_state, [])
    app.processEvents()
    apply_s = time.perf_counter() - start
    size_mb = path.stat().st_size / 1e6
    print(f"workspace of the 5 runs: {size_mb:.0f} MB, saved in {save_s:.2f} s, read in "
          f"{read_s:.2f} s, put in a window in {apply_s:.2f} s")
    close_window(second)
    path.unlink()

    rss = [resident_mb()]
    print(f"resident memory: {rss_empty:.0f} MB with no run, {rss[0]:.0f} MB with 5 kept runs")
    ae.panel.loss_box.setCurrentIndex(0)
    while len(ae.runs) + len(window.tab("vae").runs) < args.kept:
        ae.start()
        wait_until(lambda: ae.state == "finished", 600)
        wait_until(lambda: not ae.controls.is_running(), 60)
        rss.append(resident_mb())
        kept = len(ae.runs) + len(window.tab("vae").runs)
        print(f"{kept:3d} runs kept: {rss[-1]:.0f} MB resident", flush=True)
    per_run = (rss[-1] - rss[0]) / max(len(rss) - 1, 1)
    records = np.mean([r.nbytes for r in ae.runs + window.tab("vae").runs]) / 1e6
    close_window(window)
    print_result({"fps_compare_5x1k": round(fps_1k, 1), "fps_compare_5x10k": round(fps_10k, 1),
                  "workspace_mb": round(size_mb, 1), "workspace_save_s": round(save_s, 2),
                  "workspace_read_s": round(read_s, 2), "workspace_apply_s": round(apply_s, 2),
                  "workspace_open_s": round(read_s + apply_s, 2),
                  "rss_no_runs_mb": round(rss_empty), "rss_5_runs_mb": round(rss[0]),
                  "rss_kept_mb": round(rss[-1]), "kept_runs": args.kept,
                  "rss_per_extra_run_mb": round(per_run, 1),
                  "records_per_run_mb": round(float(records), 1), "epochs": args.epochs})


if __name__ == "__main__":
    main()
