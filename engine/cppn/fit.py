"""Fitting a CPPN to a target picture with log loss or MSE (the post's back-propagation aside).

The network keeps its architecture, z and coordinate scale; only its weights learn, with Adam,
by TensorFlow's autodiff or by the hand-written backward pass of :mod:`engine.cppn.network`.
The learned function can then be rendered at any resolution: 8x the target shows what a CPPN
"imagines" between the pixels it was taught.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from typing import Iterator

import numpy as np

from engine.latent.config import Backprop
from engine.cppn.network import CPPNWeights, coordinate_axis, forward, manual_gradients
from engine.runs.good_weights import GoodWeights, diverged_message
from engine.runs.control import RunControl, check_learning_rate
from engine.tf_runtime import keras, tf
from engine.runs.update import LossHistory, LossPoint, TrainingUpdate


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
        object.__setattr__(self, "loss", FitLoss(self.loss))
        object.__setattr__(self, "backprop", Backprop(self.backprop))
        if not isinstance(self.steps, int) or not 1 <= self.steps <= 1_000_000:
            raise ValueError(f"steps must be a whole number from 1 to 1,000,000, not {self.steps!r}")
        check_learning_rate(self.learning_rate, "learning_rate")


def match_channels(target: np.ndarray, channels: int) -> np.ndarray:
    """A target (rows, cols, 1|3|4) in [0, 1] with the network's channel count: colour to grey by
    luminance, grey to colour by repeating, and an opaque alpha where none was given."""
    target = np.asarray(target, np.float32)
    if target.ndim == 2:
        target = target[..., None]
    rgb = target[..., :3] if target.shape[-1] >= 3 else np.repeat(target[..., :1], 3, -1)
    alpha = target[..., 3:4] if target.shape[-1] == 4 else np.ones_like(rgb[..., :1])
    if channels == 1:
        return (rgb @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
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
class FitSnapshot:
    """The network as it stands: its picture at the target's size, and a copy of its weights."""

    picture: np.ndarray          # (rows, cols, C) in [0, 1]
    weights: CPPNWeights


class CPPNFitter:
    """One fit: the weights being learned, their optimiser, and the loss history."""

    def __init__(self, weights: CPPNWeights, z, scale: float, target: np.ndarray,
                 config: CPPNFitConfig):
        self.network = weights.config
        self.config = config
        self.target = match_channels(target, self.network.channels)
        rows, cols = self.target.shape[:2]
        self.scale = float(scale)
        self._xs = tf.constant(coordinate_axis(cols, scale))
        self._ys = tf.constant(coordinate_axis(rows, scale))
        self._z = tf.constant(np.asarray(z, np.float32))
        self._target = tf.constant(self.target)
        self.variables = [tf.Variable(a) for a in weights.arrays]
        self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
        self.optimizer.build(self.variables)
        self._step_fn = tf.function(self._step)
        self.loss_history = LossHistory()
        self.step = 0

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

    def weights(self) -> CPPNWeights:
        """A copy of the weights as they are now (render them at any size)."""
        return CPPNWeights(self.network, tuple(v.numpy() for v in self.variables))

    def snapshot(self) -> FitSnapshot:
        """The network's current output at the target's resolution, with its weights."""
        return FitSnapshot(tf.sigmoid(self._logits()).numpy(), self.weights())

    def run(self, control: RunControl | None = None,
            update_interval_s: float = 1 / 20) -> Iterator[TrainingUpdate]:
        """Take ``config.steps`` Adam steps, yielding the loss points and a :class:`FitSnapshot` at
        most every ``update_interval_s``; stops at the first non-finite loss, keeping the last
        good weights."""
        control = control or RunControl()
        start = last = time.perf_counter()
        pending: list[LossPoint] = []
        state, message = "finished", ""
        total = self.config.steps
        good = GoodWeights(self.variables)
        yield self._update((), self.snapshot(), 0.0, start)
        while self.step < total:
            stop, lr = control.checkpoint()
            if stop:
                state, message = "stopped", f"stopped at step {self.step}"
                break
            if lr is not None:
                self.optimizer.learning_rate.assign(lr)
            value = float(self._step_fn())
            point = LossPoint(self.step, self.step, time.perf_counter() - start, value, value, 0.0)
            self.step += 1
            self.loss_history.append(point)
            pending.append(point)
            if not np.isfinite(value):
                state = "failed"
                message = diverged_message(value, point.step, good.restore())
                break
            good.keep(self.step)
            now = time.perf_counter()
            if now - last >= update_interval_s:
                yield self._update(tuple(pending), self.snapshot(), len(pending) / (now - last), start)
                pending, last = [], time.perf_counter()
        yield self._update(tuple(pending), self.snapshot(), 0.0, start, state, message)

    def _update(self, points, snapshot, rate, start, state="running", message="") -> TrainingUpdate:
        elapsed = time.perf_counter() - start
        eta = (self.config.steps - self.step) * elapsed / self.step if self.step else 0.0
        return TrainingUpdate(step=self.step, total_steps=self.config.steps, epoch=float(self.step),
                              loss_points=points, snapshot=snapshot, samples_per_second=rate,
                              eta_s=eta, state=state, message=message)
