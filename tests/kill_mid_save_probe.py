"""Run by test_atomic_saves: save a model to the given path over and over until killed."""

import sys

from engine.latent.config import preset_config  # noqa: E402
from engine.latent.models import build_models, save_autoencoder  # noqa: E402

models = build_models(preset_config("ae", "bce", "quick"))
for i in range(10_000):
    save_autoencoder(models, sys.argv[1])
    print(f"saved {i}", flush=True)
