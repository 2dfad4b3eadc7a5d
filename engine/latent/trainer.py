"""Training steps of an autoencoder or VAE (cases b and c) for the run loop.

:class:`AutoencoderTrainer` supplies what :func:`engine.runs.loop.run_loop` asks of a trainer: up
to 16 steps per compiled call (a ``tf.while_loop`` over the epoch's batches), and a snapshot of
the fixed digits (their latent codes and reconstructions). Everything about running (pausing,
divergence, timing, snapshot spacing) is the loop's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.latent import losses
from engine.latent.config import AutoencoderConfig, Backprop, ModelKind
from engine.latent.datasets import load_dataset
from engine.latent.manual_backprop import Adam2018, manual_loss_and_gradients
from engine.latent.models import AutoencoderModels, build_models
from engine.latent.picture_format import shown
from engine.latent.training_data import TrainingData, prepare_training_data
from engine.runs.loop import MAX_STEPS_PER_CALL
from engine.runs.shells import ShellPool
from engine.runs.update import RunSetup
from engine.tf_runtime import keras, tf

METRICS = ("loss", "reconstruction", "kl")
_SHELLS = ShellPool()


@dataclass(frozen=True)
class LatentFixtures:
    """What a latent run always shows: the scatter's digits (as bytes: 70,000 of them take 55 MB)
    and the reconstruction digits."""

    view_images: np.ndarray              # (N, side, side, channels) uint8, 0..255
    view_labels: np.ndarray              # (N,) int
    reconstruction_images: np.ndarray    # (R, side, side, channels) float32 in [0, 1]
    reconstruction_labels: np.ndarray
    class_names: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        if self.view_images.dtype != np.uint8:   # workspaces saved before the bytes: [0, 1] floats
            object.__setattr__(self, "view_images",
                               np.round(np.clip(self.view_images, 0, 1) * 255).astype(np.uint8))

    def view_image(self, index: int) -> np.ndarray:
        """One shown picture as float32 in [0, 1]: (side, side) grey or (side, side, 3) RGB."""
        return shown(self.view_images[index]).astype(np.float32) / 255.0

    @property
    def originals(self) -> np.ndarray:
        """The reconstruction pictures as drawn: (R, side, side) grey or (R, side, side, 3)."""
        return shown(self.reconstruction_images)


@dataclass(frozen=True)
class LatentSnapshot:
    """The model's view of its fixed digits at one step."""

    latent: np.ndarray             # (N, latent_dim) float32: codes (the VAE's means)
    reconstructions: np.ndarray    # (R, side, side[, 3]) float32 in [0, 1]


def fixtures_of(data: TrainingData) -> LatentFixtures:
    return LatentFixtures(data.view_images, data.view_labels, data.reconstruction_images,
                          data.reconstruction_labels, data.class_names, data.source)


def latent_snapshot(models: AutoencoderModels, fixtures: LatentFixtures) -> LatentSnapshot:
    """Encode the view digits (in chunks) and reconstruct the reconstruction digits."""
    codes = models.encode(fixtures.view_images)
    return LatentSnapshot(codes, models.decode(models.encode(fixtures.reconstruction_images)))


def graph_key(config: AutoencoderConfig, data: TrainingData) -> tuple:
    """What the compiled training step depends on: runs with equal keys can share it."""
    return (config.replace(seed=0, learning_rate=1e-3, epochs=1, dataset="", latent_points=1,
                           train_offset=0), data.train_images.shape)


class AutoencoderTrainer:
    """One run's models, optimiser and compiled steps. :meth:`for_run` reuses the compiled steps
    of an earlier run with the same graph (:mod:`engine.runs.shells`)."""

    def __init__(self, config: AutoencoderConfig, data: TrainingData):
        keras.utils.set_random_seed(config.seed)
        self.models: AutoencoderModels = build_models(config)
        variables = self.models.trainable_variables
        if config.backprop is Backprop.MANUAL and config.backprop_2018_quirks:
            self.optimizer = Adam2018(variables, config.learning_rate)
        else:
            self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
            self.optimizer.build(variables)
        self._chunk_fn = tf.function(self._train_chunk, jit_compile=config.jit_compile)
        self._start(config, data)

    @classmethod
    def for_run(cls, config: AutoencoderConfig, data: TrainingData) -> "AutoencoderTrainer":
        return _SHELLS.take(graph_key(config, data), lambda: cls(config, data),
                            lambda shell: shell.reset(config, data))

    def _start(self, config: AutoencoderConfig, data: TrainingData) -> None:
        self.config = config
        self.fixtures = fixtures_of(data)
        self._notice = data.notice
        self._key = graph_key(config, data)
        self._train_images = tf.constant(data.train_images)
        self._rng = np.random.default_rng(config.seed)
        self.steps_per_epoch = len(data.train_images) // config.batch_size
        self.total_steps = self.steps_per_epoch * config.epochs
        self._batch = self.steps_per_epoch   # the next batch of the epoch: a new epoch first
        self._order = self._eps = None

    def reset(self, config: AutoencoderConfig, data: TrainingData) -> None:
        """Begin a new run of the same graph: the weights a new trainer would have (from
        ``config.seed``), a fresh optimiser state and learning rate, and ``data``."""
        keras.utils.set_random_seed(config.seed)
        self.models.set_weights(build_models(config).get_weights())
        for variable in self.optimizer.variables:
            variable.assign(tf.zeros_like(variable))
        self.optimizer.learning_rate.assign(config.learning_rate)
        self._start(config, data)

    def setup(self) -> RunSetup:
        return RunSetup(METRICS, self.total_steps, self.steps_per_epoch, self.config.batch_size,
                        self.fixtures, notice=self._notice)

    # -- compiled pieces ---------------------------------------------------------------------
    def _loss(self, x, eps):
        if self.config.kind is ModelKind.VAE:
            mean, log_var = self.models.encoder(x, training=True)
            z = losses.sample_latent(mean, log_var, eps)
            kl = losses.kl_per_image(mean, log_var, self.config.kl_2018_quirks)
        else:
            z = self.models.encoder(x, training=True)
            kl = tf.zeros(tf.shape(x)[:1])
        logits = tf.cast(self.models.decoder(z, training=True), tf.float32)
        rec = losses.reconstruction_per_image(self.config, x, logits)
        return losses.reduce_batch(self.config, rec, kl)

    def _train_step(self, images, indices, eps):
        x = tf.gather(images, indices)
        variables = self.models.trainable_variables
        if self.config.backprop is Backprop.MANUAL:
            total, rec, kl, grads = manual_loss_and_gradients(self.config, self.models, x)
        else:
            with tf.GradientTape() as tape:
                total, rec, kl = self._loss(x, eps)
            grads = tape.gradient(total, variables)
        grads = [tf.zeros_like(v) if g is None else g for g, v in zip(grads, variables)]
        self.optimizer.apply_gradients(zip(grads, variables))
        return tf.stack([total, rec, kl])

    def _train_chunk(self, images, order, eps, start, count):
        """Run ``count`` steps from batch ``start`` of the epoch in one call; shapes stay fixed
        (the whole epoch's order and noise go in), so the count can vary freely."""
        def body(i, out):
            values = self._train_step(images, tf.gather(order, start + i), tf.gather(eps, start + i))
            return i + 1, tf.tensor_scatter_nd_update(out, [[i]], values[None])

        _, out = tf.while_loop(lambda i, _: i < count, body,
                               (tf.constant(0), tf.zeros([MAX_STEPS_PER_CALL, 3])))
        return out

    # -- what the run loop calls --------------------------------------------------------------
    def train(self, max_steps: int, progress: float) -> np.ndarray:
        spe, bs = self.steps_per_epoch, self.config.batch_size
        if self._batch >= spe:  # a new epoch: a new order of the digits and new VAE noise
            self._order = tf.constant(self._rng.permutation(spe * bs).astype(np.int32)
                                      .reshape(spe, bs))
            self._eps = tf.constant(self._rng.standard_normal(
                (spe, bs, self.config.latent_dim)).astype(np.float32))
            self._batch = 0
        count = min(max_steps, spe - self._batch, MAX_STEPS_PER_CALL)
        values = self._chunk_fn(self._train_images, self._order, self._eps,
                                tf.constant(self._batch), tf.constant(count)).numpy()[:count]
        self._batch += count
        return values

    def snapshot(self) -> LatentSnapshot:
        return latent_snapshot(self.models, self.fixtures)

    def get_weights(self) -> list[np.ndarray]:
        return self.models.get_weights()

    def set_weights(self, weights) -> None:
        self.models.set_weights(weights)

    def set_learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate.assign(value)

    def release(self) -> None:
        """The run has ended: let go of its data and keep the compiled trainer for the next run
        of the same graph. A released trainer must not train until :meth:`reset`."""
        self._train_images = self._order = self._eps = self.fixtures = None
        _SHELLS.put(self._key, self)


def trainer_for_run(config: AutoencoderConfig, control) -> AutoencoderTrainer:
    """A run's trainer, built in its worker thread: its dataset read (a stop while reading
    abandons it) and prepared, then a trainer of that graph (a pooled one when there is)."""
    data = prepare_training_data(config, load_dataset(config.dataset,
                                                      stop=control.raise_if_stopped,
                                                      progress=control.report_loading,
                                                      image_shape=config.image_shape))
    control.raise_if_stopped()
    return AutoencoderTrainer.for_run(config, data)
