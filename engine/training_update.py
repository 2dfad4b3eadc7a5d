"""What a training run hands across to the GUI or CLI: loss points and progress updates.

Shared by every trainer (autoencoder, CPPN fit, de-emoji): loss points are never dropped, and an
update's ``snapshot`` is whatever picture of the model that trainer shows (latent codes and
reconstructions, a rendered canvas, a grid of outputs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LossPoint:
    """The loss of one training step, measured before that step's update."""

    step: int
    epoch: int
    wall_s: float
    total: float
    reconstruction: float
    kl: float


@dataclass(frozen=True)
class TrainingUpdate:
    """What one ``yield`` of a run carries."""

    step: int                       # steps done so far
    total_steps: int
    epoch: float                    # fractional epochs done
    loss_points: tuple
    snapshot: object | None
    samples_per_second: float
    eta_s: float
    state: str = "running"          # running, finished, stopped or failed
    message: str = ""

    @property
    def done(self) -> bool:
        return self.state != "running"
