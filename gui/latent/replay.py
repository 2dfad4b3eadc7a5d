"""Replaying the 2018 post: its runs queued on the same data and seed (the autoencoder with log
loss and with MSE; the VAE with log loss + KL, MSE + KL and KL alone), trained one after another
in their tabs with progress for the whole queue, then compared side by side with a short account
of what the post found and what to look for, with these runs' own numbers."""

from __future__ import annotations

from PySide6 import QtCore

from engine.latent.config import Loss, ModelKind
from engine.latent.findings import figures
from engine.runs.run import Run

POST_RUNS = {ModelKind.AE: (Loss.BCE, Loss.MSE), ModelKind.VAE: (Loss.BCE, Loss.MSE, Loss.KL)}
BETA_LADDER = (0.0, 0.1, 1.0, 4.0)   # from a plain autoencoder that samples, past the VAE


def findings_html(runs: list[Run]) -> str:
    """What the post found, in plain words, with the measured numbers of ``runs``."""
    figs = {run.name: figures(run) for run in runs}
    ae = [r for r in runs if r.config.kind is ModelKind.AE]
    vae = [r for r in runs if r.config.kind is ModelKind.VAE and r.config.loss is not Loss.KL
           and r.config.beta == 1.0]   # the VAE proper; other βs are the ladder's
    kl_only = [r for r in runs if r.config.loss is Loss.KL]

    def extents(group):
        return ", ".join(f"{r.name.split(' · ')[1]} ±{figs[r.name].extent_p99:.1f}" for r in group)

    parts = ["<b>What the 2018 post found, and what to look for</b>"]
    if ae:
        parts.append(f"<p><b>The autoencoder spreads out.</b> Nothing in its loss keeps codes near "
                     f"zero, so it uses whatever room separates digits best: 99% of codes lie "
                     f"within {extents(ae)} here. Tick “one common scale” to see it dwarf the VAE.</p>")
    if vae:
        parts.append(f"<p><b>The VAE stays compact.</b> Its KL term pulls every code towards a "
                     f"unit ball: {extents(vae)}. Classes still gather, but their clouds touch, "
                     f"so any point near the centre decodes to a plausible digit.</p>")
    if kl_only:
        gaps = ", ".join(f"{figs[r.name].reconstruction_gap:.3f}" for r in kl_only)
        others = [figs[r.name].reconstruction_gap for r in runs if r not in kl_only]
        compare = f" against {min(others):.3f} or more for the others" if others else ""
        parts.append(f"<p><b>KL alone forgets the digits.</b> Matching the prior is all it is "
                     f"rewarded for, so every digit gets the same code cloud and its decoder, "
                     f"which never learns, draws the same blur: the reconstructions of different "
                     f"digits differ by {gaps} on average{compare}.</p>")
    ladder = sorted((r for r in runs if r.config.kind is ModelKind.VAE), key=lambda r: r.config.beta)
    if len({r.config.beta for r in ladder}) > 1:
        steps = ", ".join(f"β {r.config.beta:g}: ±{figs[r.name].extent_p99:.1f}" for r in ladder)
        parts.append(f"<p><b>β turns the AE into the VAE.</b> The KL's weight β decides how hard "
                     f"codes are pulled towards the unit ball; 99% of codes lie within {steps}. "
                     f"At β 0 nothing holds them, as in the plain autoencoder.</p>")
    losses = "; ".join(f"{r.name}: {figs[r.name].final_loss:.4g}" for r in runs)
    parts.append(f"<p><b>Log loss and MSE</b> are on different scales (nats summed over pixels, "
                 f"half squared error), so compare the pictures, not the numbers. Final losses "
                 f"(last epoch's mean): {losses}.</p>")
    return "".join(parts)


class PostReplay(QtCore.QObject):
    """Trains ``plan`` — (tab, config) pairs — one after another; says how far the whole queue
    is, then hands over the finished runs."""

    sig_progress = QtCore.Signal(str, float)   # what is training, the queue's share done
    sig_finished = QtCore.Signal(list)         # the runs, in the order they were queued

    def __init__(self, plan: list, parent=None):
        super().__init__(parent)
        self.plan = list(plan)
        self.runs: list[Run] = []
        self.current: Run | None = None
        self.cancelled = False

    def start(self) -> None:
        self._next()

    def cancel(self) -> None:
        self.cancelled = True
        if self.current is not None:
            self.current.unsubscribe(self._on_run_changed)
            for tab, _ in self.plan:
                tab.controls.stop()

    def _next(self) -> None:
        done = len(self.runs)
        if self.cancelled:
            return
        if done == len(self.plan):
            self.sig_progress.emit("The post's runs are done.", 1.0)
            self.sig_finished.emit(self.runs)
            return
        tab, config = self.plan[done]
        tab.controls.retire()
        if not tab.start_with(config):
            self.sig_progress.emit(f"Could not start {config.describe()}", done / len(self.plan))
            return
        self.current = tab.run
        self.current.subscribe(self._on_run_changed)
        self._on_run_changed(self.current, None)

    def _on_run_changed(self, run: Run, update) -> None:
        share = run.step / run.total_steps if run.total_steps else 0.0
        total = len(self.plan)
        self.sig_progress.emit(f"Run {len(self.runs) + 1} of {total}: {run.name} · "
                               f"{run.state.value}, step {run.step}/{run.total_steps}",
                               (len(self.runs) + share) / total)
        if not run.state.active:
            run.unsubscribe(self._on_run_changed)
            self.runs.append(run)
            self.current = None
            QtCore.QTimer.singleShot(0, self._next)
