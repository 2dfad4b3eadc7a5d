"""Trains an autoencoder or VAE with a compiled custom step and streams plain-numpy updates.

``AutoencoderTrainer.run`` is a generator: each ``yield`` hands over the loss points since the
last one (never dropped) and, when due, a fresh :class:`Snapshot` of the fixed digits. It yields
at most every ``update_interval_s``, so a GUI worker can forward each update as it comes. Between
steps it honours a :class:`RunControl` (stop, pause, learning rate). Snapshots cost forward passes,
so live ones are spaced to take at most ~5% of the run's time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from engine.latent import losses
from engine.latent.config import AutoencoderConfig, Backprop, ModelKind, Preset
from engine.latent.models import AutoencoderModels, build_models, images_from_logits
from engine.runs.good_weights import GoodWeights, diverged_message
from engine.files.model_files import save_models
from engine.latent.manual_backprop import SeedAdam, manual_loss_and_gradients
from engine.runs.control import RunControl
from engine.runs.snapshots import Snapshot, SnapshotHistory
from engine.tf_runtime import keras, tf
from engine.latent.training_data import TrainingData
from engine.runs.update import LossHistory, LossPoint, TrainingUpdate

FRAME_BUDGET = 0.05     # the share of wall time live snapshots may take
# digits per encoder call: the dense model takes a whole snapshot in one call (40% cheaper than
# five calls of 250); the conv model's 28x28x256 activations for 1,010 digits would need ~0.8 GB
ENCODE_BATCH = {Preset.QUICK: 2048, Preset.SEED: 250}
MAX_CHUNK = 16          # training steps per compiled call, at most
# 10 updates a second: live snapshots come ~5 times a second anyway (FRAME_BUDGET), and every
# update wakes the GUI thread, which on 2 cores stalls the training beside it (25 a second cost
# the live tab a few % of its speed)
UPDATE_INTERVAL_S = 0.1


@dataclass
class _Clock:
    start: float = field(default_factory=time.perf_counter)
    train_s: float = 0.0

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


class AutoencoderTrainer:
    """One run: its models, optimiser, compiled step, loss history and snapshot history."""

    def __init__(self, config: AutoencoderConfig, data: TrainingData):
        self.config = config
        self.data = data
        keras.utils.set_random_seed(config.seed)
        self.models: AutoencoderModels = build_models(config)
        variables = self.models.trainable_variables
        if config.backprop is Backprop.MANUAL and config.seed_backprop_quirks:
            self.optimizer = SeedAdam(variables, config.learning_rate)
        else:
            self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
            self.optimizer.build(variables)
        self._train_images = tf.constant(data.train_images)
        # what a snapshot encodes: the latent view's digits, then the reconstruction digits
        self._snapshot_images = np.concatenate([data.view_images, data.reconstruction_images])
        self._chunk_fn = tf.function(self._train_chunk, jit_compile=config.jit_compile)
        self._encode_fn = tf.function(
            self._encode, input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32)])
        self._decode_fn = tf.function(
            self._decode, input_signature=[tf.TensorSpec([None, config.latent_dim], tf.float32)])
        self.loss_history = LossHistory()
        self.snapshots = SnapshotHistory()
        self.step = 0
        n = len(data.train_images)
        self.steps_per_epoch = n // config.batch_size
        self.total_steps = self.steps_per_epoch * config.epochs

    # -- compiled pieces ---------------------------------------------------------------------
    def _loss(self, x, eps):
        if self.config.kind is ModelKind.VAE:
            mean, spread = self.models.encoder(x, training=True)
            z = losses.sample_latent(mean, spread, eps)
            kl = losses.kl_per_image(mean, spread, self.config.seed_kl_quirks)
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
        """Run ``count`` (<= MAX_CHUNK) steps from batch ``start`` of the epoch in one call.

        One compiled call per chunk instead of per step saves the Python round trip; shapes stay
        fixed (the whole epoch's order and noise go in), so the chunk size can vary freely.
        """
        def body(i, out):
            values = self._train_step(images, tf.gather(order, start + i), tf.gather(eps, start + i))
            return i + 1, tf.tensor_scatter_nd_update(out, [[i]], values[None])

        _, out = tf.while_loop(lambda i, _: i < count, body,
                               (tf.constant(0), tf.zeros([MAX_CHUNK, 3])))
        return out

    def _encode(self, x):
        out = self.models.encoder(x, training=False)
        return out[0] if self.config.kind is ModelKind.VAE else out

    def _decode(self, z):
        return images_from_logits(self.models.decoder(z, training=False))

    # -- public, usable while a run is going ---------------------------------------------------
    def encode(self, images: np.ndarray) -> np.ndarray:
        """Latent codes (the VAE's means) of images shaped (B, 28, 28[, 1]) in [0, 1]."""
        x = np.asarray(images, np.float32).reshape(-1, 28, 28, 1)
        step = ENCODE_BATCH[self.config.preset]
        parts = [self._encode_fn(x[i:i + step]).numpy() for i in range(0, len(x), step)]
        return np.concatenate(parts) if parts else np.zeros((0, self.config.latent_dim), np.float32)

    def decode(self, latent: np.ndarray) -> np.ndarray:
        """Images (B, 28, 28) in [0, 1] decoded from latent codes (B, latent_dim)."""
        z = np.asarray(latent, np.float32).reshape(-1, self.config.latent_dim)
        return self._decode_fn(z).numpy()

    def snapshot(self, pinned: bool = False) -> Snapshot:
        """Encode the latent view's digits and reconstruct the reconstruction digits, now."""
        latent = self.encode(self._snapshot_images)
        shown = len(self.data.view_images)
        return Snapshot(step=self.step, epoch=self.step / self.steps_per_epoch,
                        latent=latent[:shown], reconstructions=self.decode(latent[shown:]),
                        pinned=pinned)

    def set_learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate.assign(value)

    def release(self) -> None:
        """Let go of the models, data, histories and compiled steps of a run the app is done with.

        TensorFlow keeps a traced function alive after its owner is dropped, and through its bound
        method the whole trainer with it: a GUI restarting runs grew by ~60 MB a run until this.
        A released trainer can no longer train, encode or decode."""
        for name in ("_chunk_fn", "_encode_fn", "_decode_fn", "models", "optimizer",
                     "_train_images", "_snapshot_images", "data"):
            self.__dict__.pop(name, None)
        self.loss_history = LossHistory()
        self.snapshots = SnapshotHistory()

    def save(self, path: str | Path) -> Path:
        """Write the model as one ``.keras`` file, atomically (a kill mid-save keeps the old file)."""
        return save_models(self.models, path)

    # -- the run -------------------------------------------------------------------------------
    def run(self, control: RunControl | None = None, update_interval_s: float = UPDATE_INTERVAL_S,
            live_snapshots: bool = True, snapshots_per_epoch: int = 1) -> Iterator[TrainingUpdate]:
        """Train for the configured epochs, yielding updates; see the module docstring.

        ``snapshots_per_epoch`` pinned snapshots are taken at even steps within each epoch (the
        frames of the CLI's GIFs); ``live_snapshots`` adds time-spaced ones for a live view.
        """
        control = control or RunControl()
        cfg = self.config
        rng = np.random.default_rng(cfg.seed)
        clock = _Clock()
        pending: list[LossPoint] = []
        pinned_steps = {round(self.steps_per_epoch * k / snapshots_per_epoch)
                        for k in range(1, snapshots_per_epoch + 1)}
        first = self.snapshot(pinned=True)
        self.snapshots.add(first)
        yield self._update(first, (), 0.0, clock)
        last_emit = last_frame = time.perf_counter()
        frame_cost = 0.0
        emitted_step = 0
        state, message = "finished", ""
        chunk, spe, bs = 1, self.steps_per_epoch, cfg.batch_size
        good = GoodWeights(self.models.trainable_variables)
        for epoch in range(cfg.epochs):
            order = tf.constant(rng.permutation(spe * bs).astype(np.int32).reshape(spe, bs))
            eps = tf.constant(rng.standard_normal((spe, bs, cfg.latent_dim)).astype(np.float32))
            b = 0
            while b < spe and state == "finished":
                stop, lr = control.checkpoint()
                if stop:
                    state, message = "stopped", f"stopped at step {self.step}"
                    break
                if lr is not None:
                    self.set_learning_rate(lr)
                count = min(chunk, min(p for p in pinned_steps if p > b) - b)
                t0 = time.perf_counter()
                values = self._chunk_fn(self._train_images, order, eps, tf.constant(b),
                                        tf.constant(count)).numpy()[:count]
                spent = time.perf_counter() - t0
                clock.train_s += spent
                chunk = int(np.clip(update_interval_s / 2 / (spent / count), 1, MAX_CHUNK))
                for row in values:
                    point = LossPoint(self.step, epoch, clock.elapsed(), *map(float, row))
                    self.step += 1
                    self.loss_history.append(point)
                    pending.append(point)
                    if not np.all(np.isfinite(row)):
                        state = "failed"
                        message = diverged_message(row[0], point.step, good.restore())
                        break
                if state == "finished":
                    good.keep(self.step)
                b += count
                now = time.perf_counter()
                pinned = b in pinned_steps
                frame_due = live_snapshots and now - last_frame >= max(
                    update_interval_s, frame_cost / FRAME_BUDGET)
                if state == "finished" and (pinned or frame_due or now - last_emit >= update_interval_s):
                    snap = None
                    if pinned or frame_due:
                        snap = self.snapshot(pinned=pinned)
                        self.snapshots.add(snap)
                        last_frame = time.perf_counter()
                        frame_cost = last_frame - now
                    rate = (self.step - emitted_step) * bs / max(now - last_emit, 1e-9)
                    yield self._update(snap, tuple(pending), rate, clock)
                    pending, emitted_step, last_emit = [], self.step, time.perf_counter()
            if state != "finished":
                break
        final = self.snapshot(pinned=True)
        if final.step != self.snapshots[-1].step:
            self.snapshots.add(final)
        yield self._update(final, tuple(pending), self._overall_rate(clock), clock, state, message)

    def _overall_rate(self, clock: _Clock) -> float:
        return self.step * self.config.batch_size / max(clock.train_s, 1e-9)

    def _update(self, snap, points, rate, clock, state="running", message="") -> TrainingUpdate:
        remaining = self.total_steps - self.step
        per_step = clock.elapsed() / self.step if self.step else 0.0
        return TrainingUpdate(step=self.step, total_steps=self.total_steps,
                              epoch=self.step / self.steps_per_epoch, loss_points=points,
                              snapshot=snap, samples_per_second=rate,
                              eta_s=remaining * per_step, state=state, message=message)
