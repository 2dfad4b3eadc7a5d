"""Fitting a CPPN to a target picture with log loss or MSE (the post's back-propagation aside).

The network keeps its architecture, z and coordinate scale; only its weights learn, with Adam,
by TensorFlow's autodiff or by the hand-written backward pass of :mod:`engine.cppn.network`.
The learned function can then be rendered at any resolution: 8x the target shows what a CPPN
"imagines" between the pixels it was taught.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from engine.cppn.network import CPPNWeights, coordinate_axis, forward, manual_gradients
from engine.files.images import luma
from engine.latent.config import Backprop
from engine.runs.control import check_learning_rate
from engine.runs.update import RunSetup
from engine.tf_runtime import keras, tf
from engine.validation import check_choice, check_int


class FitLoss(str, Enum):
    """Log loss per pixel and channel (binary cross-entropy), or mean squared error."""

    BCE = "bce"
    MSE = "mse"


@dataclass(frozen=True)
class CPPNFitConfig:
    loss: FitLoss = FitLoss.BCE
    backprop: Backprop = Backprop.AUTODIFF
    steps: int = 1500
    learning_rate: float = 3e-3

    def __post_init__(self) -> None:
        object.__setattr__(self, "loss", check_choice("loss", self.loss, FitLoss))
        object.__setattr__(self, "backprop", check_choice("backprop", self.backprop, Backprop))
        check_int("steps", self.steps, 1, 1_000_000)
        check_learning_rate(self.learning_rate, "learning_rate")


def match_channels(target: np.ndarray, channels: int) -> np.ndarray:
    """A target (rows, cols, 1|3|4) in [0, 1] with the network's channel count: colour to grey by
    luminance (ITU-R 601 weights), grey to colour by repeating, an opaque alpha where none was
    given, and a transparent target painted over white for a network without alpha."""
    target = np.asarray(target, np.float32)
    if target.ndim == 2:
        target = target[..., None]
    rgb = target[..., :3] if target.shape[-1] >= 3 else np.repeat(target[..., :1], 3, -1)
    alpha = target[..., 3:4] if target.shape[-1] == 4 else np.ones_like(rgb[..., :1])
    if channels != 4:
        rgb = rgb * alpha + (1.0 - alpha)
    if channels == 1:
        return luma(rgb)[..., None]
    return rgb if channels == 3 else np.concatenate([rgb, alpha], -1)


def loss_and_logit_gradient(loss: FitLoss, target, logits):
    """The mean loss and its gradient with respect to the logits, both written out."""
    p = tf.sigmoid(logits)
    n = tf.cast(tf.size(target), tf.float32)
    if loss is FitLoss.BCE:
        value = tf.reduce_mean(tf.nn.softplus(logits) - target * logits)
        return value, (p - target) / n
    value = tf.reduce_mean(tf.square(p - target))
    return value, 2.0 * (p - target) * p * (1.0 - p) / n


@dataclass(frozen=True)
class FitFixtures:
    """What a fit always shows: its target, and the z and scale it paints at."""

    target: np.ndarray           # (rows, cols, C) in [0, 1]
    z: np.ndarray
    scale: float


@dataclass(frozen=True)
class FitSnapshot:
    """The network's picture at the target's size (its weights ride on the run's snapshot)."""

    picture: np.ndarray          # (rows, cols, C) in [0, 1]


class CPPNFitter:
    """One fit's weights, their optimiser and the compiled step, for the run loop."""

    def __init__(self, weights: CPPNWeights, z, scale: float, target: np.ndarray,
                 config: CPPNFitConfig):
        self.network = weights.config
        self.config = config
        self.target = match_channels(target, self.network.channels)
        rows, cols = self.target.shape[:2]
        self.scale = float(scale)
        self.z = np.asarray(z, np.float32)
        self._xs = tf.constant(coordinate_axis(cols, scale))
        self._ys = tf.constant(coordinate_axis(rows, scale))
        self._z = tf.constant(self.z)
        self._target = tf.constant(self.target)
        self.variables = [tf.Variable(a) for a in weights.arrays]
        self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
        self.optimizer.build(self.variables)
        self._step_fn = tf.function(self._step)

    def setup(self) -> RunSetup:
        return RunSetup(("loss",), self.config.steps, None, 1,
                        FitFixtures(self.target, self.z, self.scale))

    def _logits(self):
        return forward(self.network, self.variables, self._xs, self._ys, self._z, self.scale)

    def gradients(self):
        """(loss, gradients) for the current weights, by the configured backprop."""
        if self.config.backprop is Backprop.MANUAL:
            value, dlogits = loss_and_logit_gradient(self.config.loss, self._target, self._logits())
            return value, manual_gradients(self.network, self.variables, self._xs, self._ys,
                                           self._z, self.scale, dlogits)
        with tf.GradientTape() as tape:
            value, _ = loss_and_logit_gradient(self.config.loss, self._target, self._logits())
        return value, tape.gradient(value, self.variables)

    def _step(self):
        value, grads = self.gradients()
        self.optimizer.apply_gradients(zip(grads, self.variables))
        return value

    # -- what the run loop calls --------------------------------------------------------------
    def train(self, max_steps: int, progress: float) -> np.ndarray:
        return np.array([[float(self._step_fn())]])

    def snapshot(self) -> FitSnapshot:
        return FitSnapshot(tf.sigmoid(self._logits()).numpy())

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights) -> None:
        for variable, value in zip(self.variables, weights):
            variable.assign(value)

    def set_learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate.assign(value)

    def weights(self) -> CPPNWeights:
        """A copy of the weights as they are now (render them at any size)."""
        return CPPNWeights(self.network, tuple(self.get_weights()))
