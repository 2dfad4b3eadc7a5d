"""The hand-written backward pass against tf.GradientTape."""

import numpy as np
import pytest

from engine.latent import losses
from engine.latent.config import preset_config
from engine.latent.models import build_models
from engine.latent.manual_backprop import manual_loss_and_gradients
from engine.tf_runtime import tf


def tape_gradients(config, models, x):
    with tf.GradientTape() as tape:
        logits = models.decoder(models.encoder(x))
        rec = losses.reconstruction_per_image(config, x, logits)
        total, _, _ = losses.reduce_batch(config, rec, tf.zeros_like(rec))
    return total, tape.gradient(total, models.trainable_variables)


@pytest.mark.parametrize("preset, extra", [("quick", {}), ("seed", {"conv_channels": (8, 16)})])
@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("reduction", ["seed", "mean"])
def test_manual_gradients_match_autodiff(preset, extra, loss, reduction):
    config = preset_config("ae", loss, preset, backprop="manual", reduction=reduction, **extra)
    models = build_models(config)
    x = tf.constant(np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32))
    total, expected = tape_gradients(config, models, x)
    manual_total, _, _, grads = manual_loss_and_gradients(config, models, x)
    assert float(manual_total) == pytest.approx(float(total), rel=1e-6)
    assert len(grads) == len(expected)
    for var, g, e in zip(models.trainable_variables, grads, expected):
        rel = float(tf.norm(g - e) / tf.norm(e))
        assert rel <= 1e-4, f"{var.path}: relative error {rel:.2e}"


def test_seed_quirks_change_the_gradients():
    config = preset_config("ae", "bce", "seed", backprop="manual", conv_channels=(8, 16))
    models = build_models(config)
    x = tf.constant(np.random.default_rng(0).random((2, 28, 28, 1)).astype(np.float32))
    _, _, _, clean = manual_loss_and_gradients(config, models, x)
    _, _, _, quirky = manual_loss_and_gradients(
        config.replace(seed_backprop_quirks=True), models, x)
    first_conv = 0  # el1: below two ELUs and both pooling layers
    ratio = float(tf.norm(quirky[first_conv]) / tf.norm(clean[first_conv]))
    assert ratio > 4.0
