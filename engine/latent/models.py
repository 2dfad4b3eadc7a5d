"""Keras 3 Functional encoders and decoders with a small latent space, for both presets.

The decoder returns *logits*; images are ``sigmoid(logits)``. Keeping the sigmoid out of the
graph lets the log loss be computed stably from logits, and the hand-written backward pass
start from the simple ``p - x`` gradient the 2018 post derived.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.latent.config import AutoencoderConfig, ModelKind, Preset
from engine.tf_runtime import keras, tf

IMAGE_SHAPE = (28, 28, 1)


@dataclass
class AutoencoderModels:
    """The encoder (image -> latent; the VAE's returns ``[mean, s]``) and decoder (latent -> logits)."""

    encoder: keras.Model
    decoder: keras.Model

    @property
    def trainable_variables(self) -> list:
        return self.encoder.trainable_variables + self.decoder.trainable_variables


def _initializer(config: AutoencoderConfig, index: int):
    if config.preset is Preset.SEED:  # the 2018 code: tf.random_normal(stddev=0.05)
        return keras.initializers.RandomNormal(stddev=0.05, seed=config.seed + index)
    return keras.initializers.GlorotUniform(seed=config.seed + index)


def _seed_encoder_body(config: AutoencoderConfig, x):
    c1, c2 = config.conv_channels
    x = keras.layers.Conv2D(c1, 3, padding="same", activation="elu", use_bias=False,
                            kernel_initializer=_initializer(config, 1), name="el1")(x)
    x = keras.layers.AveragePooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(c2, 3, padding="same", activation="elu", use_bias=False,
                            kernel_initializer=_initializer(config, 2), name="el2")(x)
    x = keras.layers.AveragePooling2D(2, name="pool2")(x)
    return keras.layers.Flatten(name="flatten")(x)


def _seed_decoder_body(config: AutoencoderConfig, z):
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
    x = keras.layers.Dense(28 * 28, kernel_initializer=_initializer(config, 19), name="logits_flat")(x)
    return keras.layers.Reshape(IMAGE_SHAPE, name="logits")(x)


def build_models(config: AutoencoderConfig) -> AutoencoderModels:
    """Build the encoder and decoder the config describes, initialised from its seed."""
    seed_arch = config.preset is Preset.SEED
    image = keras.Input(IMAGE_SHAPE, name="image")
    features = (_seed_encoder_body if seed_arch else _quick_encoder_body)(config, image)
    head = dict(use_bias=not seed_arch)
    if config.kind is ModelKind.VAE:
        mean = keras.layers.Dense(config.latent_dim, kernel_initializer=_initializer(config, 5),
                                  name="z_mean", **head)(features)
        spread = keras.layers.Dense(config.latent_dim, kernel_initializer=_initializer(config, 6),
                                    name="z_log_var", **head)(features)
        encoder = keras.Model(image, [mean, spread], name="encoder")
    else:
        z = keras.layers.Dense(config.latent_dim, kernel_initializer=_initializer(config, 5),
                               name="z", **head)(features)
        encoder = keras.Model(image, z, name="encoder")
    latent = keras.Input((config.latent_dim,), name="latent")
    logits = (_seed_decoder_body if seed_arch else _quick_decoder_body)(config, latent)
    decoder = keras.Model(latent, logits, name="decoder")
    return AutoencoderModels(encoder, decoder)


def images_from_logits(logits) -> tf.Tensor:
    """Decoder logits (B, 28, 28, 1) to images in [0, 1], shape (B, 28, 28)."""
    return tf.sigmoid(logits)[..., 0]
