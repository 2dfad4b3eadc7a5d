"""Saving and loading autoencoder models as one ``.keras`` file, atomically and with clear errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

from engine.files.atomic import write_atomically
from engine.latent.models import AutoencoderModels
from engine.tf_runtime import keras


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file and the problem."""


def save_models(models: AutoencoderModels, path: str | Path) -> Path:
    """Save encoder and decoder together; written to a temporary file, then renamed into place."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ModelFileError(f"{path}: model files end in .keras")
    image = keras.Input(models.encoder.input_shape[1:], name="image")
    latent = models.encoder(image)
    mean = latent[0] if isinstance(latent, (list, tuple)) else latent
    combined = keras.Model(image, models.decoder(mean), name="autoencoder")
    return write_atomically(path, combined.save)


def load_models(path: str | Path) -> AutoencoderModels:
    """Load a file written by :func:`save_models`; anything else raises :class:`ModelFileError`."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path}: not a Keras 3 .keras file (it is not a zip archive)")
    try:
        model = keras.models.load_model(path, compile=False)
        encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    except Exception as exc:  # Keras raises many types for foreign or damaged files
        raise ModelFileError(f"{path}: not a Latent Lab autoencoder ({exc})") from exc
    if tuple(decoder.output_shape[1:]) != (28, 28, 1):
        raise ModelFileError(f"{path}: its decoder makes {decoder.output_shape[1:]} images, "
                             "not 28x28x1 digits")
    return AutoencoderModels(encoder, decoder)


def load_weights_into(models: AutoencoderModels, path: str | Path) -> None:
    """Copy a saved model's weights into ``models``; a different architecture is refused."""
    loaded = load_models(path)
    for mine, theirs in ((models.encoder, loaded.encoder), (models.decoder, loaded.decoder)):
        a = [w.shape for w in mine.get_weights()]
        b = [w.shape for w in theirs.get_weights()]
        if a != b:
            raise ModelFileError(
                f"{path}: its {mine.name} has a different architecture "
                f"({len(b)} weight arrays, shapes {b[:3]}...) than this tab's model "
                f"({len(a)}, {a[:3]}...); pick the preset and model it was saved from")
    models.encoder.set_weights(loaded.encoder.get_weights())
    models.decoder.set_weights(loaded.decoder.get_weights())
