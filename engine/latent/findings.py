"""The numbers behind the 2018 post's comparison, measured on runs' records: how far each latent
space spreads, each run's final loss, and how alike a run's reconstructions of different digits
are (KL alone decodes every digit to the same blur)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.runs.run import Run


@dataclass(frozen=True)
class RunFigures:
    name: str
    extent: float            # the largest |code| on any axis, at the end
    extent_p99: float        # 99% of the codes lie within this on every axis
    final_loss: float        # mean over the last epoch's steps (or the last step)
    reconstruction_gap: float  # mean absolute difference between reconstructions of different digits


def figures(run: Run) -> RunFigures:
    final = run.latest().payload
    codes = np.abs(final.latent)
    losses = run.column("loss")
    last_epoch = losses[-(run.steps_per_epoch or 1):] if len(losses) else np.array([np.nan])
    recons = final.reconstructions
    gaps = [np.abs(recons[i] - recons[j]).mean() for i in range(len(recons))
            for j in range(i + 1, len(recons))]
    return RunFigures(run.name, float(codes.max()), float(np.percentile(codes.max(axis=1), 99)),
                      float(np.mean(last_epoch)), float(np.mean(gaps)) if gaps else 0.0)
