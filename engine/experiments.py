"""The engine's registry of experiments: what each one's runs are called, what configures them,
how a run's trainer is built, and which runs travel in workspaces.

A Run's ``experiment`` is one of these names. The window's tabs have their own registry
(``gui/experiments.py``); a new experiment is added to both (docs/architecture.md, "Where a new
experiment goes").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine.cppn.fit import CPPNFitConfig
from engine.deemoji.config import DeEmojiConfig
from engine.deemoji.trainer import trainer_for_run as deemoji_trainer
from engine.latent.config import AutoencoderConfig
from engine.latent.trainer import LatentFixtures, LatentSnapshot
from engine.latent.trainer import trainer_for_run as latent_trainer
from engine.runs.control import RunControl
from engine.runs.loop import StepTrainer


@dataclass(frozen=True)
class Experiment:
    """One experiment as the engine knows it.

    ``trainer_for_run(config, control)`` builds a run's trainer in its worker thread (None where
    the trainer needs more than the config: a CPPN fit starts from the canvas's network).
    ``records`` are the types of a snapshot's payload and of the fixtures when the runs travel
    in workspaces (None where they do not: a de-emoji network travels as its ``.keras`` file).
    """

    name: str
    config: type
    trainer_for_run: Callable[[object, RunControl], StepTrainer] | None = None
    records: tuple[type, type] | None = None


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (
    Experiment("latent", AutoencoderConfig, latent_trainer, (LatentSnapshot, LatentFixtures)),
    Experiment("deemoji", DeEmojiConfig, deemoji_trainer),
    Experiment("cppn-fit", CPPNFitConfig),
)}


def in_workspaces() -> dict[str, Experiment]:
    """The experiments whose runs a workspace holds, by name."""
    return {name: e for name, e in EXPERIMENTS.items() if e.records is not None}
