"""Model files: a model of another architecture, or a file that is not a model, is refused with a
message naming the file and the problem, before anything large is read; a matching one loads."""

import os
import zipfile

import numpy as np
import pytest

from engine.files.model_files import ModelFileError, load_model
from engine.latent.config import preset_config
from engine.latent.models import autoencoder_weights_from_file, build_models, save_autoencoder
from engine.tf_runtime import keras


def test_weights_load_only_into_the_architecture_they_came_from(tmp_path):
    ae = build_models(preset_config("ae", "bce", "quick", seed=1))
    save_autoencoder(ae, tmp_path / "ae.keras")
    save_autoencoder(build_models(preset_config("vae", "bce", "quick")), tmp_path / "vae.keras")
    with pytest.raises(ModelFileError, match="vae.keras: its encoder has a different architecture"):
        autoencoder_weights_from_file(tmp_path / "vae.keras", preset_config("ae", "bce", "quick"))
    weights = autoencoder_weights_from_file(tmp_path / "ae.keras", preset_config("ae", "bce", "quick"))
    for mine, saved in zip(weights, ae.get_weights()):
        np.testing.assert_array_equal(mine, saved)


def test_a_keras_file_that_is_not_ours_is_refused(tmp_path):
    image = keras.Input((28, 28, 1))
    keras.Model(image, keras.layers.Flatten()(image)).save(tmp_path / "other.keras")
    with pytest.raises(ModelFileError, match="other.keras: not a Latent Lab autoencoder"):
        autoencoder_weights_from_file(tmp_path / "other.keras", preset_config("ae", "bce", "quick"))


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"junk"), "not a zip archive"),
    (lambda p: p.mkdir(), "is a folder, not a model file"),
    (lambda p: os.mkfifo(p), "named pipe"),
    (lambda p: os.symlink(p, p), "loop of symbolic links"),
    (lambda p: None, "no such file"),
])
def test_things_that_are_not_model_files_are_named_for_what_they_are(tmp_path, make, message):
    path = tmp_path / "model.keras"
    make(path)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_a_zip_bomb_config_is_refused_before_it_is_inflated(tmp_path):
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", "{}")
        with archive.open("config.json", "w", force_zip64=True) as member:
            chunk = b" " * 2**20
            for _ in range(64):        # 64 MiB of spaces, a few kB stored
                member.write(chunk)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ModelFileError, match="config.json declares 64 MiB"):
        load_model(path)
