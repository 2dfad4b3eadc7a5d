"""Losses against values computed by hand."""

import math

import numpy as np
import pytest

from engine.latent import losses
from engine.latent.config import preset_config
from engine.tf_runtime import tf


def test_bce_from_logits_matches_the_textbook_formula():
    x = np.array([0.0, 1.0, 0.25, 0.8], np.float32).reshape(1, 2, 2, 1)
    logits = np.array([-2.0, 3.0, 0.5, -0.1], np.float32).reshape(1, 2, 2, 1)
    p = 1 / (1 + np.exp(-logits))
    by_hand = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum()
    assert float(losses.bce_per_image(tf.constant(x), tf.constant(logits))[0]) == pytest.approx(
        by_hand, rel=1e-6)


def test_mse_is_half_the_summed_squared_error():
    x = np.zeros((1, 2, 2, 1), np.float32)
    logits = np.zeros((1, 2, 2, 1), np.float32)  # sigmoid(0) = 0.5 everywhere
    assert float(losses.mse_per_image(x, logits)[0]) == pytest.approx(0.5 * 4 * 0.25)


def test_kl_textbook_and_2018_forms():
    mean = np.array([[1.0, 0.0, -2.0]], np.float32)
    log_var = np.array([[0.0, math.log(4.0), 0.5]], np.float32)
    by_hand = -0.5 * sum(1 + lv - m * m - math.exp(lv) for m, lv in zip(mean[0], log_var[0]))
    assert float(losses.kl_per_image(mean, log_var)[0]) == pytest.approx(by_hand, rel=1e-6)
    assert float(losses.kl_per_image(np.zeros((1, 3)), np.zeros((1, 3)))[0]) == 0.0
    s = np.array([[1.0, 2.0, 0.5]], np.float32)  # seed: treated as sigma
    by_hand_2018 = 0.5 * sum(0 + v * v - math.log(v * v + 1e-10) - 1 for v in s[0])
    assert float(losses.kl_per_image(np.zeros((1, 3), np.float32), s, quirks_2018=True)[0]) == \
        pytest.approx(by_hand_2018, rel=1e-5)


def test_reductions():
    rec = tf.constant([10.0, 30.0])
    kl = tf.constant([1.0, 3.0])
    quirky = preset_config("vae", "bce", "original-2018")  # as 2018: batch-sum reconstruction, mean KL
    assert [float(v) for v in losses.reduce_batch(quirky, rec, kl)] == [42.0, 40.0, 2.0]
    summed = quirky.replace(kl_2018_quirks=False)
    assert [float(v) for v in losses.reduce_batch(summed, rec, kl)] == [44.0, 40.0, 4.0]
    mean = preset_config("vae", "bce", "quick")
    assert [float(v) for v in losses.reduce_batch(mean, rec, kl)] == [22.0, 20.0, 2.0]


def test_beta_weighs_the_kl_in_the_total_and_the_kl_is_reported_unweighted():
    rec = tf.constant([10.0, 30.0])
    kl = tf.constant([1.0, 3.0])
    vae = preset_config("vae", "bce", "quick")
    assert [float(v) for v in losses.reduce_batch(vae.replace(beta=4.0), rec, kl)] == [28.0, 20.0, 2.0]
    assert [float(v) for v in losses.reduce_batch(vae.replace(beta=0.0), rec, kl)] == [20.0, 20.0, 2.0]


@pytest.mark.parametrize("kind, loss, beta, message", [
    ("ae", "bce", 0.5, "a plain autoencoder has no KL term"),
    ("vae", "kl", 0.0, "nothing to minimise"),
    ("vae", "bce", 10.5, "beta must be in [0, 10]"),
    ("vae", "bce", float("nan"), "beta must be in [0, 10]"),
])
def test_a_beta_that_means_nothing_is_refused(kind, loss, beta, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        preset_config(kind, loss, "quick", beta=beta)


def test_a_run_with_another_beta_says_so_in_its_name():
    assert "β 0.1" in preset_config("vae", "bce", "quick", beta=0.1).describe()
    assert "β" not in preset_config("vae", "bce", "quick").describe()


def test_a_run_of_another_latent_size_or_picture_shape_says_so_in_its_name():
    assert preset_config("vae", "bce", "quick", latent_dim=16).describe() == \
        "VAE · log loss + KL · quick · 16-D · seed 6278"
    assert preset_config("ae", "mse", "conv", image_side=64, channels=3).describe() == \
        "AE · MSE · conv · 64 × 64 RGB · seed 6278"
    assert preset_config("ae", "bce", "quick").describe() == "AE · log loss · quick · seed 6278"
