"""Model files: a model of another architecture, or a file that is not a model, is refused with a
message naming the file and the problem; a matching one loads."""

import numpy as np
import pytest

from engine.latent.config import preset_config
from engine.latent.models import build_models
from engine.files.model_files import ModelFileError, load_weights_into, save_models
from engine.tf_runtime import keras


def test_weights_load_only_into_the_architecture_they_came_from(tmp_path):
    ae = build_models(preset_config("ae", "bce", "quick", seed=1))
    save_models(ae, tmp_path / "ae.keras")
    save_models(build_models(preset_config("vae", "bce", "quick")), tmp_path / "vae.keras")
    other_ae = build_models(preset_config("ae", "bce", "quick", seed=2))
    with pytest.raises(ModelFileError, match="vae.keras: its encoder has a different architecture"):
        load_weights_into(other_ae, tmp_path / "vae.keras")
    load_weights_into(other_ae, tmp_path / "ae.keras")
    for mine, saved in zip(other_ae.decoder.get_weights(), ae.decoder.get_weights()):
        np.testing.assert_array_equal(mine, saved)


def test_a_keras_file_that_is_not_ours_is_refused(tmp_path):
    image = keras.Input((28, 28, 1))
    keras.Model(image, keras.layers.Flatten()(image)).save(tmp_path / "other.keras")
    with pytest.raises(ModelFileError, match="other.keras: not a Latent Lab autoencoder"):
        load_weights_into(build_models(preset_config("ae", "bce", "quick")), tmp_path / "other.keras")
