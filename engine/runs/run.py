"""A Run: one training run as Qt-free records that views subscribe to.

A Run changes only through its methods, each of which tells the subscribers: :meth:`Run.apply`
takes the run loop's next update, and :meth:`~Run.mark`, :meth:`~Run.rename`,
:meth:`~Run.mark_saved` and :meth:`~Run.set_lineage` make the few changes that come from outside
the loop. They are called in the thread that owns the run (the GUI thread, or the terminal's),
so its records never change under a reader: metric columns by name, snapshots addressed by step
with the weights a decode at that step needs, the state, and the run's name and colour.
Subscribers are :class:`~engine.runs.listeners.Listeners` (weak for bound methods; one that
fails is logged and skipped). Nothing here touches a live trainer.
"""

from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from engine.runs.columns import ColumnLog
from engine.runs.listeners import Listeners
from engine.runs.snapshots import Snapshot, SnapshotHistory
from engine.runs.update import RunSetup, RunState, RunUpdate

# distinct, readable on white: a run's colour in lists, overlaid curves and comparisons
RUN_COLOURS = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14),
               (23, 190, 207), (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34))
_counter = itertools.count(1)


class Run:
    """One run of one experiment (``experiment``: "latent", "deemoji" or "cppn-fit")."""

    def __init__(self, experiment: str, config, name: str = "",
                 colour: tuple[int, int, int] | None = None, number: int | None = None):
        self.number = number if number is not None else next(_counter)
        self.experiment = experiment
        self.config = config
        self.name = name or f"run {self.number}"
        self.colour = colour or RUN_COLOURS[(self.number - 1) % len(RUN_COLOURS)]
        self.state = RunState.LOADING
        self.message = ""
        self.setup: RunSetup | None = None
        self.metrics: ColumnLog | None = None
        self.evaluations: ColumnLog | None = None   # numbers measured at snapshots (PSNR, ...)
        self.snapshots = SnapshotHistory()
        self.step = 0
        self.samples_per_wall_second = 0.0
        self.eta_s = 0.0
        self.saved = False        # True while the run is as it was last written to a workspace
        self.parent = ""          # the run this one was continued from (its name), and the
        self.fork_step = 0        # parent's step it began at: its step k is the parent's k + this
        self._listeners = Listeners()

    # -- records ---------------------------------------------------------------------------------
    def apply(self, update: RunUpdate) -> None:
        """Take in the next update from the run loop, then tell the subscribers."""
        if update.setup is not None:
            self.setup = update.setup
            self.metrics = ColumnLog(update.setup.columns)
        if self.metrics is None:
            raise ValueError("a run's first update must carry its setup")
        if len(update.rows):
            self.metrics.extend(update.rows)
        if update.snapshot is not None:
            self._add_snapshot(update.snapshot)
        self.step = update.step
        self.samples_per_wall_second = update.samples_per_wall_second
        self.eta_s = update.eta_s
        self.state = update.state
        self.message = update.message or self.message
        self.saved = False
        self._listeners.notify(self, update)

    def _add_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshots.add(snapshot)
        measured = getattr(snapshot.payload, "metrics", None)
        if measured is None:
            return
        values = measured()
        if self.evaluations is None:
            self.evaluations = ColumnLog(("step",) + tuple(values))
        self.evaluations.extend([[snapshot.step, *values.values()]])

    def mark(self, state: RunState, message: str = "") -> None:
        """A change of state from outside the loop: the run could not start (bad data, a crash:
        ``FAILED``) or was stopped while preparing (``STOPPED``). Pauses are the loop's to report.
        Subscribers are told with no update."""
        self.state = state
        self.message = message or self.message
        self._listeners.notify(self, None)

    def rename(self, name: str) -> None:
        """A new name from the user (or a sweep); the run then differs from its saved copy."""
        self.name = name
        self.saved = False
        self._listeners.notify(self, None)

    def mark_saved(self, saved: bool = True) -> None:
        """Whether the run is as it was last written (to a workspace, or its own folder)."""
        self.saved = saved
        self._listeners.notify(self, None)

    def set_lineage(self, parent: str, fork_step: int) -> None:
        """The run this one continues (its name) and the parent's step it began at."""
        self.parent, self.fork_step = parent, int(fork_step)
        self._listeners.notify(self, None)

    def set_evaluations(self, log: ColumnLog) -> None:
        """The numbers measured at snapshots as a file kept them (its snapshots may be fewer)."""
        self.evaluations = log
        self._listeners.notify(self, None)

    def subscribe(self, listener: Callable[["Run", RunUpdate | None], None]) -> None:
        """Call ``listener(run, update)`` after each change (``update`` is None for changes
        from outside the run loop). A bound method is held weakly: it stops with its object."""
        self._listeners.add(listener)

    def unsubscribe(self, listener) -> None:
        self._listeners.remove(listener)

    def frozen(self) -> "Run":
        """A copy of the records that later updates leave alone (to write while this run goes
        on training); cheap, since snapshots never change and are shared."""
        copy = Run(self.experiment, self.config, self.name, self.colour, self.number)
        copy.state, copy.message, copy.setup = self.state, self.message, self.setup
        copy.step, copy.eta_s = self.step, self.eta_s
        copy.samples_per_wall_second = self.samples_per_wall_second
        copy.parent, copy.fork_step = self.parent, self.fork_step
        for name in ("metrics", "evaluations"):
            log = getattr(self, name)
            if log is not None:
                setattr(copy, name, ColumnLog(log.names, max(len(log), 1)))
                getattr(copy, name).extend(log.table())
        copy.snapshots = self.snapshots.copy()
        return copy

    # -- reading -------------------------------------------------------------------------------
    @property
    def fixtures(self):
        return self.setup.fixtures if self.setup is not None else None

    @property
    def total_steps(self) -> int:
        return self.setup.total_steps if self.setup is not None else 0

    @property
    def steps_per_epoch(self) -> int | None:
        return self.setup.steps_per_epoch if self.setup is not None else None

    def epoch_at(self, step):
        """Epochs done after ``step`` steps (a number or an array; the step itself for runs
        without epochs)."""
        spe = self.steps_per_epoch
        return step / spe if spe else step * 1.0

    def step_at_epoch(self, epoch: float) -> int:
        spe = self.steps_per_epoch
        return int(round(epoch * spe)) if spe else int(round(epoch))

    def column(self, name: str) -> np.ndarray:
        if self.metrics is None or name not in self.metrics:
            return np.zeros(0)
        return self.metrics.column(name)

    def latest(self) -> Snapshot | None:
        return self.snapshots[-1] if len(self.snapshots) else None

    def final_loss(self) -> float:
        return self.metrics.last("loss") if self.metrics is not None else float("nan")

    @property
    def nbytes(self) -> int:
        """Memory held by the records (metric columns, snapshots and their weight copies)."""
        logs = sum(log.nbytes for log in (self.metrics, self.evaluations) if log is not None)
        return logs + self.snapshots.nbytes


def loaded_run(experiment: str, config, name: str, setup: RunSetup, payload,
               weights) -> Run:
    """A saved model opened instead of trained: a finished run at step 0 whose only snapshot
    holds ``payload`` (the experiment's picture of the model) and ``weights`` (checked by the
    caller), so it is explored, compared and saved like a trained one."""
    run = Run(experiment, config, name)
    run.apply(RunUpdate(0, np.zeros((0, len(setup.columns))), Snapshot(0, payload, True,
                        tuple(weights)), 0.0, 0.0, RunState.FINISHED, f"loaded from {name}",
                        setup=setup))
    return run
