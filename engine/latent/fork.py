"""Continuing a run from one of its kept steps, with that step's weights and settings of its own.

The child starts from the weight copy the parent kept at the fork step (epoch ends, and the
newest step); the optimiser starts afresh (Adam's moments are not kept with the copies, so the
first steps of the child may move a little more than the parent's did at that step). The child
records its parent's name and the fork step, so curves draw it from that step on and workspaces
keep the lineage. Another loss, learning rate or number of epochs is fine; the model must be the
same (kind, preset, sizes), or the weights would not fit.
"""

from __future__ import annotations

import dataclasses

from engine.latent.config import AutoencoderConfig
from engine.runs.run import Run
from engine.runs.snapshots import Snapshot

SAME_MODEL = ("kind", "preset", "latent_dim", "conv_channels", "dense_units")


def fork_point(parent: Run, step: int) -> Snapshot:
    """The parent's snapshot at ``step`` with weights; ValueError naming the steps that have."""
    held = [s for s in parent.snapshots.items() if s.weights is not None]
    for snapshot in held:
        if snapshot.step == step:
            return snapshot
    steps = ", ".join(str(s.step) for s in held[:20]) or "none"
    raise ValueError(f"{parent.name} kept no weights at step {step}; it has them at: {steps}")


def _plain(value) -> str:
    return str(getattr(value, "value", value))


def check_same_model(parent: AutoencoderConfig, child: AutoencoderConfig) -> None:
    fields = {f.name for f in dataclasses.fields(parent)}
    for name in SAME_MODEL:
        if name in fields and getattr(parent, name) != getattr(child, name):
            raise ValueError(f"a run continued from another keeps its model: {name} is "
                             f"{_plain(getattr(parent, name))} there, "
                             f"{_plain(getattr(child, name))} here")


def forked_run(parent: Run, step: int, config: AutoencoderConfig) -> tuple[Run, Snapshot]:
    """The child run (not started) and the snapshot whose weights it starts from."""
    check_same_model(parent.config, config)
    snapshot = fork_point(parent, step)
    child = Run("latent", config, f"{config.describe()} ← {parent.name} @ step {step}")
    child.set_lineage(parent.name, step)
    return child, snapshot
