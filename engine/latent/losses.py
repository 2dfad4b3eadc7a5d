"""Autoencoder and VAE losses: per-image terms, the KL divergence, and how a batch is reduced.

Reconstruction terms follow the 2018 code: log loss summed over pixels, and ``0.5 * SSE``.
The KL has two forms: the textbook one, where the encoder's second head is log σ², and the
2018 code's (docs/original-2018.md), which treats that head as σ in the KL while sampling with
it as log σ².
"""

from __future__ import annotations

from engine.latent.config import AutoencoderConfig, Loss, Reduction
from engine.tf_runtime import tf


def bce_per_image(x, logits):
    """Log loss summed over pixels, from logits: Σ softplus(l) − x·l (stable where p saturates)."""
    return tf.reduce_sum(tf.nn.softplus(logits) - x * logits, axis=[1, 2, 3])


def mse_per_image(x, logits):
    """Half the summed squared error of sigmoid(logits) against x, as the 2018 code's MSE runs used."""
    return 0.5 * tf.reduce_sum(tf.square(tf.sigmoid(logits) - x), axis=[1, 2, 3])


def kl_per_image(mean, log_var, quirks_2018: bool = False):
    """KL(q(z|x) || N(0, I)) per image; ``log_var`` is log σ², or σ under the 2018 code's quirk."""
    if quirks_2018:
        return 0.5 * tf.reduce_sum(
            tf.square(mean) + tf.square(log_var) - tf.math.log(tf.square(log_var) + 1e-10) - 1.0, axis=1)
    return -0.5 * tf.reduce_sum(1.0 + log_var - tf.square(mean) - tf.exp(log_var), axis=1)


def sample_latent(mean, log_var, eps):
    """Reparameterised sample z = mean + exp(log_var / 2)·ε (the 2018 code's ``sqrt(exp(s))`` too)."""
    return mean + tf.exp(0.5 * log_var) * eps


def reconstruction_per_image(config: AutoencoderConfig, x, logits):
    if config.loss is Loss.BCE:
        return bce_per_image(x, logits)
    if config.loss is Loss.MSE:
        return mse_per_image(x, logits)
    return tf.zeros(tf.shape(x)[:1], x.dtype)


def reduce_batch(config: AutoencoderConfig, reconstruction, kl):
    """Total, reconstruction and KL for the batch, reduced as the config says.

    ``original-2018`` sums over the batch; with the 2018 code's KL quirk the KL is the batch
    *mean* while the reconstruction is the batch sum (the 2018 VAE's first quirk). ``mean``
    averages per-image totals. The KL returned is the unweighted term; the total weighs it by
    ``config.beta``.
    """
    if config.reduction is Reduction.ORIGINAL_2018:
        rec = tf.reduce_sum(reconstruction)
        kl_total = tf.reduce_mean(kl) if config.kl_2018_quirks else tf.reduce_sum(kl)
    else:
        rec = tf.reduce_mean(reconstruction)
        kl_total = tf.reduce_mean(kl)
    return rec + config.beta * kl_total, rec, kl_total
