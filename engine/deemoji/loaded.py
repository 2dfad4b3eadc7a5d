"""A de-emoji run made from a saved network instead of training: one snapshot with the file's
weights and the held-out view, so a loaded network is tried and saved like a trained one."""

from __future__ import annotations

from engine.deemoji.config import DeEmojiConfig
from engine.deemoji.data import CorruptedSet
from engine.deemoji.models import build_runner
from engine.deemoji.trainer import METRICS, VIEW_COUNT, DeEmojiFixtures, measured_snapshot, prepare_data
from engine.runs import run as runs
from engine.runs.run import Run
from engine.runs.update import RunSetup


def loaded_run(config: DeEmojiConfig, weights, name: str) -> Run:
    """A finished run at step 0 whose only snapshot carries ``weights`` (checked by the caller)
    and the network's outputs for the held-out view."""
    data = prepare_data(config.replace(train_images=10, held_out_images=VIEW_COUNT))
    held = data.held_out
    view = CorruptedSet(held.corrupted, held.clean, held.mask)
    runner = build_runner(config)
    runner.set_weights(weights)
    payload = measured_snapshot(runner.clean_up(view.corrupted), view)
    setup = RunSetup(METRICS, 0, None, config.batch_size,
                     DeEmojiFixtures(view, data.source, data.problems))
    return runs.loaded_run("deemoji", config, name, setup, payload, weights)
