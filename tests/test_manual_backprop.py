"""The hand-written backward pass against tf.GradientTape."""

import numpy as np
import pytest

from engine.latent import losses
from engine.latent.config import preset_config
from engine.latent.manual_backprop import manual_loss_and_gradients
from engine.latent.models import build_models
from engine.tf_runtime import tf


def tape_gradients(config, models, x):
    with tf.GradientTape() as tape:
        logits = models.decoder(models.encoder(x))
        rec = losses.reconstruction_per_image(config, x, logits)
        total, _, _ = losses.reduce_batch(config, rec, tf.zeros_like(rec))
    return total, tape.gradient(total, models.trainable_variables)


@pytest.mark.parametrize("preset, extra", [("quick", {}), ("original-2018", {"conv_channels": (8, 16)})])
@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("reduction", ["original-2018", "mean"])
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


def test_2018_quirks_change_the_gradients():
    config = preset_config("ae", "bce", "original-2018", backprop="manual", conv_channels=(8, 16))
    models = build_models(config)
    x = tf.constant(np.random.default_rng(0).random((2, 28, 28, 1)).astype(np.float32))
    _, _, _, clean = manual_loss_and_gradients(config, models, x)
    _, _, _, quirky = manual_loss_and_gradients(
        config.replace(backprop_2018_quirks=True), models, x)
    first_conv = 0  # el1: below two ELUs and both pooling layers
    ratio = float(tf.norm(quirky[first_conv]) / tf.norm(clean[first_conv]))
    assert ratio > 4.0


def test_2018_adam_divides_by_the_constants_not_by_one_minus_beta_to_the_t():
    """The 2018 Adam's first steps, by hand: m̂ = m/(1-β1), v̂ = v/(1-β2), every step."""
    from engine.latent.manual_backprop import Adam2018

    w = tf.Variable([1.0, -2.0])
    adam = Adam2018([w], learning_rate=0.1)
    grads = [np.array([0.5, -1.0]), np.array([0.25, 3.0])]
    m = v = np.zeros(2)
    expected = np.array([1.0, -2.0])
    for g in grads:
        adam.apply_gradients([(tf.constant(g, tf.float32), w)])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        expected = expected - 0.1 * (m / 0.1) / (np.sqrt(v / 0.001) + 1e-8)
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-5)
    textbook_first = 1.0 - 0.1 * 1.0     # a textbook Adam's first step is lr·sign(g)
    assert abs(w.numpy()[0] - textbook_first) > 0.01
