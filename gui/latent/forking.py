"""Building a latent run's trainer in its worker thread, from scratch or from a parent's step,
and the tab's "Continue from this step"."""

from __future__ import annotations

import functools

from engine.latent.fork import forked_run
from engine.latent.frames import TENSORBOARD_PICTURES
from engine.latent.trainer import trainer_for_run


def make_forked_trainer(config, weights, control):
    """A trainer that starts from ``weights`` (a parent's step), built in its worker thread."""
    trainer = trainer_for_run(config, control)
    trainer.set_weights(list(weights))
    return trainer


def continue_run(tab) -> bool:
    """Fork ``tab``'s run on screen at the step on screen into a new run with the panel's
    settings (refused, with the reason, when that step kept no weights or the model
    differs)."""
    parent = tab.run
    if parent is None or not len(parent.snapshots):
        tab.show_message("Train a run (or open one) first, then pick a step to continue.")
        return False
    if tab.controls.is_running():
        tab.show_message("A run is already going: stop it first.")
        return False
    try:
        config = tab.panel.config()
        child, snapshot = forked_run(parent, parent.snapshots.at_step(tab.shown_step).step,
                                     config)
    except ValueError as exc:
        tab.show_message(str(exc))
        return False
    tab.show_message("")
    tab.add_run(child)
    tab.panel.tensorboard.follow(child, TENSORBOARD_PICTURES)
    tab.panel.progress.say(f"Continuing from step {snapshot.step} of {parent.name}…")
    tab.controls.launch(child, functools.partial(make_forked_trainer, config,
                                                  snapshot.weights))
    return True
