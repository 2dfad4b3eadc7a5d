"""The live autoencoder tab: GUI heartbeat, training speed against headless, click to decoded
picture and 3-D scatter frame rate, idle and while a run trains, in one run under Xvfb + Mesa.

    python bench/gui_live.py [--epochs 6] [--rounds 3] [--points all]

``--points`` sets the tab's "Points shown" (1000, 10000 or all: MNIST's 70,000, encoded at every
snapshot of the runs, headless ones included); the figures measured with the run's points then
carry their count (``fps_70k_training``, ``click_to_decode_70k_training_ms``,
``gui_vs_headless_70k``, ...).

- heartbeat: a 10 ms QTimer in the GUI thread while the quick AE trains; its gaps' p99 and max.
- gui_vs_headless: samples/s of the same run (epochs after the first) in the tab, live scatter
  and all, against the engine alone with no GUI and no live snapshots. Headless and live runs
  alternate; the heartbeat probe runs in a live run of its own, not in these.
- click_to_decode_ms: a mouse click on a point's pixel until the panel showing its decoded
  picture has painted, with the run finished (the median after the first click; the first,
  which builds the run's decoding replica, is click_to_decode_first_ms);
  click_to_decode_training_ms and click_to_decode_training_first_ms: the same while a run trains.
- fps_1k / fps_10k: new codes for every point and a full GL frame, each started when the last
  one was swapped to the screen (idle).
- fps_1k_rotate_idle / fps_1k_training: the camera turned a degree per swapped frame, as a user
  dragging the view does, idle and while the run trains (its snapshots move the points too).
  Past 10,000 points, the view draws fewer of them while its camera moves when a full frame is
  slow (gui/latent/point_cloud.py); points_drawn_turning_training is the mean number drawn a
  frame then, and fps_training_every_point the frame rate with that level of detail turned off.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import close_window, paint_watch, print_result, private_settings  # also puts the project on

import engine.tf_runtime  # noqa: F401  (TensorFlow before Qt: see engine/tf_runtime.py)
from engine.latent.config import ALL_POINTS, preset_config
from engine.latent.datasets import load_bundled
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.loop import run_loop
from engine.runs.run import Run
from gui.virtual_display import start_virtual_display


def samples_per_second(run: Run) -> float:
    """Wall-clock samples/s over the epochs after the first."""
    step, wall = run.column("step"), run.column("wall_s")
    first = int(np.searchsorted(step, run.steps_per_epoch))
    return (len(step) - first) * run.config.batch_size / (wall[-1] - wall[first - 1])


def headless_sps(epochs: int, points: int) -> float:
    config = preset_config("ae", "bce", "quick", epochs=epochs, latent_points=points)
    trainer = AutoencoderTrainer(config, prepare_training_data(config, load_bundled("mnist")))
    run = Run("latent", config)
    for update in run_loop(trainer, live_snapshots=False):
        run.apply(update)
    return samples_per_second(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3, help="headless/GUI pairs to average")
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--points", default="1000", choices=("1000", "10000", "all"))
    args = parser.parse_args()
    args.points = ALL_POINTS if args.points == "all" else int(args.points)
    start_virtual_display()
    run(args)


def run(args) -> None:
    from PySide6 import QtCore, QtTest

    from gui.app import make_application
    from gui.main_window import MainWindow

    class Recorder(QtCore.QObject):
        """Lives in the GUI thread; stamps when its slots run."""

        def __init__(self):
            super().__init__()
            self.beats: list[float] = []
            self.decoded_at: float | None = None
            self.finish_loop: QtCore.QEventLoop | None = None

        @QtCore.Slot()
        def beat(self):
            self.beats.append(time.perf_counter())

        @QtCore.Slot(str)
        def state_changed(self, state):
            if state == "finished" and self.finish_loop is not None:
                self.finish_loop.quit()

        @QtCore.Slot(str, object)
        def decoded(self, tag, _images):
            if tag == "selected":
                self.decoded_at = time.perf_counter()
                panel.arm()   # the decoded picture's panel paints next

    def wait_until(condition, timeout_s: float, poll_ms: int = 20) -> None:
        """Run the event loop (sleeping between events, as app.exec() does) until ``condition``."""
        end = time.perf_counter() + timeout_s
        while not condition():
            if time.perf_counter() > end:
                raise TimeoutError("the GUI did not get there in time")
            loop = QtCore.QEventLoop()
            QtCore.QTimer.singleShot(poll_ms, loop.quit)
            loop.exec()

    private_settings()
    make_application([])
    window = MainWindow()
    window.show()
    tab = window.tab("autoencoder")
    wait_until(lambda: window.isVisible(), 10)
    recorder = Recorder()
    tab.controls.sig_state_changed.connect(recorder.state_changed)

    def wait_for_finish(timeout_s: float) -> None:
        """Sleep in the event loop until the run finishes, as app.exec() does: a polling loop
        wakes the GUI thread, and each wake-up slows the training beside it."""
        recorder.finish_loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(int(timeout_s * 1000), recorder.finish_loop.quit)
        if tab.state != "finished":
            recorder.finish_loop.exec()
        recorder.finish_loop = None
        if tab.state != "finished":
            raise TimeoutError("the run did not finish in time")

    heartbeat = QtCore.QTimer()
    heartbeat.timeout.connect(recorder.beat)
    tab.panel.epochs_box.setValue(args.epochs)
    tab.panel.points_box.setCurrentIndex(tab.panel.points_box.findData(args.points))

    def train_in_tab(probe_heartbeat: bool) -> float:
        tab.start()
        wait_until(lambda: tab.run.step > 0, 120)
        if probe_heartbeat:
            recorder.beats = []
            heartbeat.start(10)
        wait_for_finish(600)
        heartbeat.stop()
        return samples_per_second(tab.run)

    headless, gui = [], []
    for _ in range(args.rounds):  # alternate, so drifts in machine speed hit both alike
        headless.append(headless_sps(args.epochs, args.points))
        gui.append(train_in_tab(probe_heartbeat=False))
        print(f"headless {headless[-1]:,.0f} samples/s, in the live tab {gui[-1]:,.0f}")
    # the heartbeat probe wakes the GUI thread 100 times a second, which the app itself never
    # does, so it gets a run of its own rather than slowing the runs timed above
    with_probe = train_in_tab(probe_heartbeat=True)
    print(f"with the heartbeat probe running: {with_probe:,.0f} samples/s")
    gaps = np.diff(recorder.beats) * 1000
    headless, gui = float(np.mean(headless)), float(np.mean(gui))
    print(f"mean: headless {headless:,.0f}, live tab {gui:,.0f} samples/s ({gui / headless:.0%})")
    print(f"heartbeat: {len(gaps)} gaps, p50 {np.percentile(gaps, 50):.1f} ms, "
          f"p99 {np.percentile(gaps, 99):.1f} ms, max {gaps.max():.1f} ms")

    panel = paint_watch(tab.explorer.selected_decoded)
    tab.latent_decoder.worker.sig_done.connect(recorder.decoded)
    rng = np.random.default_rng(0)

    def click_latencies() -> list[float]:
        latencies = []
        for _ in range(args.clicks):
            xy = tab.scatter.screen_positions()
            w, h = tab.scatter.width(), tab.scatter.height()
            inside = np.flatnonzero((xy[:, 0] > 5) & (xy[:, 0] < w - 5) & (xy[:, 1] > 5) &
                                    (xy[:, 1] < h - 5))
            target = int(rng.choice(inside))
            recorder.decoded_at = panel.painted_at = None
            start = time.perf_counter()
            QtTest.QTest.mouseClick(tab.scatter, QtCore.Qt.MouseButton.LeftButton,
                                    pos=QtCore.QPoint(round(xy[target, 0]), round(xy[target, 1])))
            wait_until(lambda: panel.painted_at is not None, 10, poll_ms=1)
            latencies.append((panel.painted_at - start) * 1000)
        return latencies

    scatter = tab.scatter

    def frames_per_second(on_swap, frames: int = 150) -> float:
        swapped = []

        def next_frame():  # each finished frame asks for the next
            swapped.append(time.perf_counter())
            on_swap(len(swapped))

        scatter.frameSwapped.connect(next_frame)
        on_swap(0)
        wait_until(lambda: len(swapped) >= frames, 60, poll_ms=5)
        scatter.frameSwapped.disconnect(next_frame)
        return (len(swapped) - 1) / (swapped[-1] - swapped[0])

    drawn = []   # points drawn in each frame while turning (fewer while the camera moves)

    def rotate(_count: int) -> None:
        drawn.append(scatter.cloud.drawn)
        scatter.orbit(1.0, 0.0)

    idle_clicks = click_latencies()   # the first builds the decoding replica of the run
    click_ms = float(np.median(idle_clicks[1:]))
    print(f"click to decoded picture painted, idle: first {idle_clicks[0]:.1f} ms, then median "
          f"{click_ms:.1f} ms, max {max(idle_clicks[1:]):.1f} ms ({args.clicks} clicks)")
    fps_rotate_idle = frames_per_second(rotate)
    shown = len(tab.run.fixtures.view_labels)
    tag = "" if shown == 1_000 else f"_{shown // 1000}k"
    print(f"scatter turning, {shown:,} points, idle: {fps_rotate_idle:.0f} fps")
    fps = {}
    for n in (1_000, 10_000):
        labels = np.arange(n) % 10
        base = rng.normal(size=(n, 3)).astype(np.float32) * 20
        fps[n] = frames_per_second(lambda k: scatter.set_points(base + 0.05 * k, labels))
        print(f"scatter, {n:,} points: {fps[n]:.0f} fps (new codes and a full frame each time)")

    tab.panel.epochs_box.setValue(10_000)     # a run that trains through the measurements
    tab.start()
    wait_until(lambda: tab.run.setup is not None and tab.run.step > 2 * tab.run.steps_per_epoch, 120)
    training_clicks = click_latencies()   # a new run: the first builds its replica
    click_training_ms = float(np.median(training_clicks[1:]))
    print(f"click to decoded picture painted, while training: first {training_clicks[0]:.1f} ms, "
          f"then median {click_training_ms:.1f} ms, max {max(training_clicks[1:]):.1f} ms")
    drawn.clear()
    fps_training = frames_per_second(rotate)
    drawn_training = float(np.mean(drawn[1:]))
    scatter.cloud.level_of_detail = False
    fps_training_all = frames_per_second(rotate)
    scatter.cloud.level_of_detail = True
    print(f"scatter turning, {shown:,} points, while training: {fps_training:.0f} fps drawing "
          f"{drawn_training:,.0f} a frame on average; {fps_training_all:.0f} fps drawing all")
    tab.stop()
    wait_until(lambda: tab.state == "stopped", 60)
    close_window(window)
    t, n = tag, tag or "_1k"   # 1,000 points' figures keep the names they always had
    with_points = {
        f"gui_vs_headless{t}": round(gui / headless, 3), f"gui_sps{t}": round(gui),
        f"headless_sps{t}": round(headless), f"click_to_decode{t}_ms": round(click_ms, 1),
        f"click_to_decode{t}_training_ms": round(click_training_ms, 1),
        f"click_to_decode{t}_first_ms": round(idle_clicks[0], 1),
        f"click_to_decode{t}_training_first_ms": round(training_clicks[0], 1),
        f"fps{n}_rotate_idle": round(fps_rotate_idle, 1), f"fps{n}_training": round(fps_training, 1),
        f"fps{n}_training_every_point": round(fps_training_all, 1),
        f"points_drawn{n}_turning_training": round(drawn_training)}
    print_result({"heartbeat_p99_ms": round(float(np.percentile(gaps, 99)), 1),
                  "heartbeat_max_ms": round(float(gaps.max()), 1),
                  "gui_sps_with_heartbeat_probe": round(with_probe), "points": shown,
                  "fps_1k": round(fps[1_000], 1), "fps_10k": round(fps[10_000], 1),
                  **with_points})

if __name__ == "__main__":
    main()
