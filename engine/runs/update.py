"""What a training run hands across to the GUI or CLI: loss points and progress updates.

Shared by every trainer (autoencoder, CPPN fit, de-emoji): loss points are never dropped, and an
update's ``snapshot`` is whatever picture of the model that trainer shows (latent codes and
reconstructions, a rendered canvas, a grid of outputs).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from engine.runs.columns import ColumnLog


@dataclass(frozen=True)
class LossPoint:
    """The loss of one training step, measured before that step's update."""

    step: int
    epoch: int
    wall_s: float
    total: float
    reconstruction: float
    kl: float


class LossHistory(ColumnLog):
    """Every loss point of a run, stored compactly; indexing and iteration give LossPoints."""

    def __init__(self) -> None:
        super().__init__([f.name for f in fields(LossPoint)])

    def append(self, point: LossPoint) -> None:
        self.extend([astuple(point)])

    def __getitem__(self, index: int | slice) -> LossPoint | list[LossPoint]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        step, epoch, wall_s, total, reconstruction, kl = self.row(index)
        return LossPoint(int(step), int(epoch), wall_s, total, reconstruction, kl)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


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
