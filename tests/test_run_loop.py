"""The one run loop and the Run record, driven by a small numpy trainer: every step logged once,
pause really pauses, stop and learning rate between steps, divergence keeps the last good
weights, pinned snapshots, weight copies on request, the snapshot history's bounds."""

import threading
import time

import numpy as np
import pytest

from engine.runs.control import RunControl
from engine.runs.loop import pinned_steps, run_loop
from engine.runs.run import Run
from engine.runs.snapshots import Snapshot, SnapshotHistory
from engine.runs.update import RunSetup, RunState


class CountingTrainer:
    """Loss 1/(step+1); its "weights" are one number, the steps taken; diverges at ``nan_at``."""

    def __init__(self, total=60, per_epoch=10, nan_at=None, step_s=0.0):
        self.total, self.per_epoch, self.nan_at, self.step_s = total, per_epoch, nan_at, step_s
        self.taken = 0
        self.learning_rates = []
        self.weights = np.zeros(1)

    def setup(self):
        return RunSetup(("loss", "other"), self.total, self.per_epoch, 4, fixtures="fixed")

    def train(self, max_steps, progress):
        rows = []
        for _ in range(max_steps):
            time.sleep(self.step_s)
            loss = np.nan if self.taken == self.nan_at else 1.0 / (self.taken + 1)
            rows.append([loss, 2.0 * self.taken])
            self.taken += 1
            self.weights = self.weights + 1
        return np.array(rows)

    def snapshot(self):
        return {"at": self.taken}

    def get_weights(self):
        return [self.weights.copy()]

    def set_weights(self, weights):
        self.weights = np.array(weights[0])

    def set_learning_rate(self, value):
        self.learning_rates.append((self.taken, value))


def run_all(trainer, **options):
    run = Run("test", None)
    for update in run_loop(trainer, **options):
        run.apply(update)
    return run


def test_every_step_is_logged_once_in_order_with_wall_time():
    run = run_all(CountingTrainer(), update_interval_s=0.0)
    assert run.state is RunState.FINISHED and run.step == 60
    assert run.column("step").tolist() == list(range(60))
    assert run.column("loss")[5] == pytest.approx(1 / 6)
    assert run.column("other")[7] == 14.0
    wall = run.column("wall_s")
    assert (np.diff(wall) >= 0).all() and wall[0] >= 0
    assert run.fixtures == "fixed" and run.epoch_at(run.step) == 6.0


def test_pinned_snapshots_fall_on_epoch_steps_and_carry_weights():
    run = run_all(CountingTrainer(), pins_per_epoch=2, live_snapshots=False)
    pinned = [s.step for s in run.snapshots.pinned()]
    assert pinned == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]
    assert pinned_steps(CountingTrainer().setup(), 1) == {10, 20, 30, 40, 50, 60}
    at_30 = run.snapshots.at_step(30)
    assert at_30.payload == {"at": 30} and at_30.weights[0][0] == 30


def test_pause_stops_steps_until_resumed_and_the_loop_reports_it():
    """Updates cross a queue, as Qt's queued signals carry them to the GUI thread: one produced
    before the pause lands after it and must not undo it."""
    trainer = CountingTrainer(total=100_000, step_s=0.001)
    control = RunControl()
    run = Run("test", None)
    queue = []
    states = []

    def produce():
        for update in run_loop(trainer, control, update_interval_s=0.02):
            queue.append(update)

    thread = threading.Thread(target=produce)
    thread.start()
    while trainer.taken < 20:
        time.sleep(0.01)
    control.pause()
    deadline = time.time() + 5
    while (not queue or queue[-1].state is not RunState.PAUSED) and time.time() < deadline:
        time.sleep(0.01)
    paused_at = trainer.taken
    time.sleep(0.3)
    assert trainer.taken == paused_at, "steps were taken while paused"
    for update in list(queue):   # the GUI thread catches up with everything queued
        run.apply(update)
        states.append(run.state)
    queue.clear()
    assert run.state is RunState.PAUSED and states[-1] is RunState.PAUSED
    assert RunState.PAUSED not in states[:-1]   # the pause update is the last one, not undone
    assert run.step == paused_at and run.column("step").tolist() == list(range(paused_at))
    control.resume()
    deadline = time.time() + 5
    while trainer.taken <= paused_at and time.time() < deadline:
        time.sleep(0.01)
    assert trainer.taken > paused_at
    control.stop()
    thread.join(5)
    for update in queue:
        run.apply(update)
    assert run.state is RunState.STOPPED and run.step < 100_000
    assert run.column("step").tolist() == list(range(run.step))
    wall = run.column("wall_s")
    assert np.diff(wall).max() < 0.2, "time paused counted as training time"


def test_learning_rate_changes_between_steps_and_stop_ends_the_run():
    trainer = CountingTrainer(total=1000)
    control = RunControl()
    updates = run_loop(trainer, control, update_interval_s=0.0)
    next(updates)
    next(updates)
    control.set_learning_rate(0.05)
    next(updates)
    assert trainer.learning_rates and trainer.learning_rates[0][1] == 0.05
    control.stop()
    rest = list(updates)
    assert rest[-1].state is RunState.STOPPED and rest[-1].message.startswith("stopped at step")


def test_a_non_finite_loss_ends_the_run_with_the_last_good_weights():
    trainer = CountingTrainer(total=1000, nan_at=37, step_s=0.001)
    run = run_all(trainer, update_interval_s=0.0)
    assert run.state is RunState.FAILED and run.step == 38
    assert "the loss became nan at step 37" in run.message
    assert np.isnan(run.column("loss")[-1])        # the bad point is logged, not hidden
    assert run.latest().weights[0][0] < 37         # the final snapshot has the kept weights
    assert trainer.weights[0] == run.latest().weights[0][0]


def test_a_time_budget_stops_the_run():
    run = run_all(CountingTrainer(total=10**6, step_s=0.001), time_budget_s=0.3)
    assert run.state is RunState.STOPPED and "time budget" in run.message
    assert 10 < run.step < 10**6


def test_a_weights_request_gets_a_snapshot_of_the_next_step():
    control = RunControl()
    updates = run_loop(CountingTrainer(total=10_000), control, live_snapshots=False,
                       pins_per_epoch=0, update_interval_s=0.0)
    next(updates)
    control.request_weights()
    snap = next(u.snapshot for u in updates if u.snapshot is not None)
    assert snap.weights[0][0] == snap.step == snap.payload["at"]
    control.stop()
    list(updates)


def test_snapshot_history_keeps_weights_within_budget_and_thins_evenly():
    history = SnapshotHistory(capacity=10, pinned_capacity=6, weights_budget=5 * 800)
    weights = (np.zeros(100),)                     # 800 bytes a copy
    for step in range(1000):
        history.add(Snapshot(step, None, pinned=step % 25 == 0, weights=weights))
    steps = history.steps
    pinned = [s.step for s in history.pinned()]
    assert len(steps) - len(pinned) <= 10 and 3 <= len(pinned) <= 6
    assert pinned[0] == 0 and all(s % 25 == 0 for s in pinned) and pinned[-1] >= 900
    assert steps == sorted(steps) and steps[-1] == 999
    held = [s.step for s in history.items() if s.weights is not None]
    assert history.weights_bytes <= 5 * 800 and held[-1] == 999 and held[0] == 0
    assert history.at_step(600).step <= 600
    assert history.with_weights_at(600).step <= 600 and history.with_weights_at(600).weights


def test_the_run_tells_its_subscribers():
    seen = []
    run = Run("test", None)
    run.subscribe(lambda r, u: seen.append(u.step))
    for update in run_loop(CountingTrainer(total=30), update_interval_s=0.0, live_snapshots=False):
        run.apply(update)
    assert seen[0] == 0 and seen[-1] == 30 and seen == sorted(seen)


class View:
    """A subscriber as the window has them: an object whose bound method is told."""

    def __init__(self, seen, fail=False):
        self.seen, self.fail = seen, fail

    def on_change(self, run, update):
        if self.fail:
            raise RuntimeError("this view is broken")
        self.seen.append((self, run.name, run.saved, update))


def test_a_failing_subscriber_is_logged_and_the_others_still_hear(caplog):
    seen = []
    run = Run("test", None, "a")
    broken, working = View(seen, fail=True), View(seen)
    run.subscribe(broken.on_change)
    run.subscribe(working.on_change)
    with caplog.at_level("ERROR", logger="latent_lab"):
        run.rename("b")
    assert seen == [(working, "b", False, None)]
    assert "failed and was skipped" in caplog.text and "this view is broken" in caplog.text


def test_every_change_from_outside_the_loop_notifies_and_a_gone_view_stops_listening():
    seen = []
    run = Run("test", None, "a")
    view = View(seen)
    run.subscribe(view.on_change)
    run.mark_saved()
    run.set_lineage("parent run", 40)
    run.mark(RunState.FAILED, "bad data")
    assert [(name, saved) for _, name, saved, _ in seen] == [("a", True)] * 3
    assert (run.parent, run.fork_step, run.state, run.message) == ("parent run", 40,
                                                                    RunState.FAILED, "bad data")
    run.subscribe(view.on_change)          # twice is once
    del view, seen[:]
    import gc
    gc.collect()
    run.rename("c")                          # held weakly: the deleted view is not called
    assert seen == [] and len(run._listeners) == 0


def test_a_plain_function_subscriber_is_kept_until_it_unsubscribes():
    seen = []
    run = Run("test", None)
    listener = lambda r, u: seen.append(r.name)  # noqa: E731 (a plain callable on purpose)
    run.subscribe(listener)
    run.rename("kept")
    run.unsubscribe(listener)
    run.rename("gone")
    assert seen == ["kept"]
