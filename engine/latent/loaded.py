"""A run made from a saved model instead of training: one snapshot with the file's weights, so a
loaded model is explored, compared and saved like any trained run."""

from __future__ import annotations

from engine.latent.config import AutoencoderConfig
from engine.latent.models import build_models
from engine.latent.trainer import METRICS, fixtures_of, latent_snapshot
from engine.latent.training_data import TrainingData
from engine.runs import run as runs
from engine.runs.run import Run
from engine.runs.update import RunSetup


def loaded_run(config: AutoencoderConfig, data: TrainingData, weights, name: str) -> Run:
    """A finished run at step 0 whose only snapshot carries ``weights`` (checked by the caller)
    and the codes and reconstructions of the fixed digits."""
    models = build_models(config)
    models.set_weights(weights)
    fixtures = fixtures_of(data)
    steps_per_epoch = len(data.train_images) // config.batch_size
    setup = RunSetup(METRICS, 0, steps_per_epoch, config.batch_size, fixtures)
    return runs.loaded_run("latent", config, name, setup, latent_snapshot(models, fixtures),
                           weights)
