"""Keras 3 Functional encoders and decoders with a small latent space, for both presets.

The decoder returns *logits*; images are ``sigmoid(logits)``. Keeping the sigmoid out of the
graph lets the log loss be computed stably from logits, and the hand-written backward pass
start from the simple ``p - x`` gradient the 2018 post derived.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.files.model_files import ModelFileError, load_model, matching_weights, save_model
from engine.latent.config import AutoencoderConfig, ModelKind, Preset
from engine.tf_runtime import keras, tf

# pictures per encoder call: the dense model takes a whole snapshot in one call (40% cheaper than
# five calls of 250); the 2018 conv model's 28x28x256 activations for 1,010 digits would need
# ~0.8 GB; the small conv model's first activations (32 channels at half the side) are 131 kB a
# picture at 64 × 64 RGB, 67 MB a call
ENCODE_BATCH = {Preset.QUICK: 2048, Preset.ORIGINAL_2018: 250, Preset.CONV: 512}
CONV_WIDTHS = (32, 64)   # the conv preset's filters: two stride-2 convolutions each way


class AutoencoderModels:
    """The encoder (image -> latent; the VAE's returns ``[mean, s]``) and decoder (latent ->
    logits), with compiled encode and decode in plain numpy."""

    def __init__(self, encoder: keras.Model, decoder: keras.Model, preset: Preset = Preset.QUICK):
        self.encoder, self.decoder = encoder, decoder
        self.latent_dim = int(decoder.input_shape[-1])
        self.image_shape = tuple(int(d) for d in encoder.input_shape[1:])
        self._vae = isinstance(encoder.output, (list, tuple))
        self._batch = ENCODE_BATCH[preset]
        self._encode_fn = tf.function(
            self._encode, input_signature=[tf.TensorSpec([None, *self.image_shape], tf.float32)])
        self._decode_fn = tf.function(
            self._decode, input_signature=[tf.TensorSpec([None, self.latent_dim], tf.float32)])

    def _encode(self, x):
        out = self.encoder(x, training=False)
        return out[0] if self._vae else out

    def _decode(self, z):
        return images_from_logits(self.decoder(z, training=False))

    @property
    def trainable_variables(self) -> list:
        return self.encoder.trainable_variables + self.decoder.trainable_variables

    def get_weights(self) -> list[np.ndarray]:
        return self.encoder.get_weights() + self.decoder.get_weights()

    def set_weights(self, weights) -> None:
        n = len(self.encoder.weights)
        self.encoder.set_weights(list(weights[:n]))
        self.decoder.set_weights(list(weights[n:]))

    def encode(self, images: np.ndarray) -> np.ndarray:
        """Latent codes (the VAE's means) of images shaped (B, side, side[, channels]): floats in
        [0, 1] or bytes 0..255, made float a chunk at a time."""
        x = np.asarray(images).reshape(-1, *self.image_shape)
        scale = 1 / 255 if x.dtype == np.uint8 else 1.0
        parts = [self._encode_fn(x[i:i + self._batch].astype(np.float32) * np.float32(scale))
                 .numpy() for i in range(0, len(x), self._batch)]
        return np.concatenate(parts) if parts else np.zeros((0, self.latent_dim), np.float32)

    def decode(self, latent: np.ndarray) -> np.ndarray:
        """Pictures in [0, 1] decoded from latent codes (B, latent_dim): (B, side, side) grey or
        (B, side, side, 3) RGB."""
        z = np.asarray(latent, np.float32).reshape(-1, self.latent_dim)
        return self._decode_fn(z).numpy()


def _initializer(config: AutoencoderConfig, index: int):
    if config.preset is Preset.ORIGINAL_2018:  # the 2018 code: tf.random_normal(stddev=0.05)
        return keras.initializers.RandomNormal(stddev=0.05, seed=config.seed + index)
    return keras.initializers.GlorotUniform(seed=config.seed + index)


def _encoder_body_2018(config: AutoencoderConfig, x):
    c1, c2 = config.conv_channels
    x = keras.layers.Conv2D(c1, 3, padding="same", activation="elu", use_bias=False,
                            kernel_initializer=_initializer(config, 1), name="el1")(x)
    x = keras.layers.AveragePooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(c2, 3, padding="same", activation="elu", use_bias=False,
                            kernel_initializer=_initializer(config, 2), name="el2")(x)
    x = keras.layers.AveragePooling2D(2, name="pool2")(x)
    return keras.layers.Flatten(name="flatten")(x)


def _decoder_body_2018(config: AutoencoderConfig, z):
    c1, c2 = config.conv_channels
    x = keras.layers.Dense(7 * 7 * c2, use_bias=False,
                           kernel_initializer=_initializer(config, 11), name="dl1")(z)
    x = keras.layers.Reshape((7, 7, c2), name="unflatten")(x)
    x = keras.layers.Conv2DTranspose(c1, 3, strides=2, padding="same", activation="elu",
                                     use_bias=False, kernel_initializer=_initializer(config, 12),
                                     name="dl2")(x)
    x = keras.layers.Conv2DTranspose(c1 // 2, 3, strides=2, padding="same", activation="elu",
                                     use_bias=False, kernel_initializer=_initializer(config, 13),
                                     name="dl3")(x)
    return keras.layers.Conv2D(1, 3, padding="same", use_bias=False,
                               kernel_initializer=_initializer(config, 14), name="logits")(x)


def _quick_encoder_body(config: AutoencoderConfig, x):
    x = keras.layers.Flatten(name="flatten")(x)
    for i, units in enumerate(config.dense_units):
        x = keras.layers.Dense(units, activation="elu", kernel_initializer=_initializer(config, 1 + i),
                               name=f"enc{i + 1}")(x)
    return x


def _quick_decoder_body(config: AutoencoderConfig, z):
    x = z
    for i, units in enumerate(reversed(config.dense_units)):
        x = keras.layers.Dense(units, activation="elu",
                               kernel_initializer=_initializer(config, 11 + i), name=f"dec{i + 1}")(x)
    x = keras.layers.Dense(int(np.prod(config.image_shape)), kernel_initializer=_initializer(config, 19),
                           name="logits_flat")(x)
    return keras.layers.Reshape(config.image_shape, name="logits")(x)


def _conv_encoder_body(config: AutoencoderConfig, x):
    for i, width in enumerate(CONV_WIDTHS):
        x = keras.layers.Conv2D(width, 3, strides=2, padding="same", activation="elu",
                                kernel_initializer=_initializer(config, 1 + i), name=f"conv{i + 1}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    return keras.layers.Dense(config.dense_units[-1], activation="elu",
                              kernel_initializer=_initializer(config, 3), name="enc_dense")(x)


def _conv_decoder_body(config: AutoencoderConfig, z):
    quarter = config.image_side // 4
    x = keras.layers.Dense(config.dense_units[-1], activation="elu",
                           kernel_initializer=_initializer(config, 11), name="dec_dense")(z)
    x = keras.layers.Dense(quarter * quarter * CONV_WIDTHS[-1], activation="elu",
                           kernel_initializer=_initializer(config, 12), name="dec_grid")(x)
    x = keras.layers.Reshape((quarter, quarter, CONV_WIDTHS[-1]), name="unflatten")(x)
    for i, width in enumerate(reversed(CONV_WIDTHS)):
        x = keras.layers.Conv2DTranspose(width, 3, strides=2, padding="same", activation="elu",
                                         kernel_initializer=_initializer(config, 13 + i),
                                         name=f"deconv{i + 1}")(x)
    return keras.layers.Conv2D(config.channels, 3, padding="same",
                               kernel_initializer=_initializer(config, 19), name="logits")(x)


_BODIES = {Preset.ORIGINAL_2018: (_encoder_body_2018, _decoder_body_2018),
           Preset.QUICK: (_quick_encoder_body, _quick_decoder_body),
           Preset.CONV: (_conv_encoder_body, _conv_decoder_body)}


def build_models(config: AutoencoderConfig) -> AutoencoderModels:
    """Build the encoder and decoder the config describes, initialised from its seed."""
    arch_2018 = config.preset is Preset.ORIGINAL_2018
    encoder_body, decoder_body = _BODIES[config.preset]
    image = keras.Input(config.image_shape, name="image")
    features = encoder_body(config, image)
    head = dict(use_bias=not arch_2018)
    if config.kind is ModelKind.VAE:
        mean = keras.layers.Dense(config.latent_dim, kernel_initializer=_initializer(config, 5),
                                  name="z_mean", **head)(features)
        log_var = keras.layers.Dense(config.latent_dim, kernel_initializer=_initializer(config, 6),
                                    name="z_log_var", **head)(features)
        encoder = keras.Model(image, [mean, log_var], name="encoder")
    else:
        z = keras.layers.Dense(config.latent_dim, kernel_initializer=_initializer(config, 5),
                               name="z", **head)(features)
        encoder = keras.Model(image, z, name="encoder")
    latent = keras.Input((config.latent_dim,), name="latent")
    logits = decoder_body(config, latent)
    decoder = keras.Model(latent, logits, name="decoder")
    return AutoencoderModels(encoder, decoder, config.preset)


def images_from_logits(logits) -> tf.Tensor:
    """Decoder logits (B, H, W, C) to pictures in [0, 1]: (B, H, W) grey, (B, H, W, 3) RGB."""
    images = tf.sigmoid(logits)
    return images[..., 0] if images.shape[-1] == 1 else images


def save_autoencoder(models: AutoencoderModels, path) -> Path:
    """One ``.keras`` file holding the encoder and decoder (image in, the mean's reconstruction
    out), written atomically."""
    image = keras.Input(models.encoder.input_shape[1:], name="image")
    latent = models.encoder(image)
    mean = latent[0] if isinstance(latent, (list, tuple)) else latent
    return save_model(keras.Model(image, models.decoder(mean), name="autoencoder"), path)


def autoencoder_weights_from_file(path, config: AutoencoderConfig) -> tuple[np.ndarray, ...]:
    """The weights of a file written by :func:`save_autoencoder`, if they fit ``config``'s models;
    anything else raises :class:`ModelFileError` naming the file and the problem."""
    model = load_model(path)
    try:
        encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    except ValueError:
        raise ModelFileError(f"{path}: not a Latent Lab autoencoder (it has no encoder and "
                             "decoder)") from None
    made = tuple(decoder.output_shape[1:])
    if made != config.image_shape:
        raise ModelFileError(f"{path}: its decoder makes {'×'.join(map(str, made))} pictures, "
                             f"not the {config.describe_pictures()} these settings train on")
    mine = build_models(config)
    hint = "pick the preset and model it was saved from"
    enc = matching_weights(encoder.get_weights(), mine.encoder.get_weights(), path, "encoder", hint)
    dec = matching_weights(decoder.get_weights(), mine.decoder.get_weights(), path, "decoder", hint)
    return enc + dec
