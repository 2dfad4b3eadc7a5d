"""Training and measuring a de-emoji network (case d), streamed as plain-numpy updates.

Measurement uses held-out photos *and* held-out emoji, never seen in training, and reports PSNR
over the whole picture, inside the emoji's mask and outside it: a network that only learned to
smudge the emoji away shows a good "outside" and a poor "inside".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from engine.files.atomic import write_atomically
from engine.deemoji.data import (CorruptedSet, augment_photos, bundled_photo_paths, corrupt,
                                 crops_from_photos, emoji_paths, held_out_split, load_emoji,
                                 load_photo_folder, read_stl10)
from engine.deemoji.models import DeEmojiConfig, DeEmojiNet, PhotoSource, build_model
from engine.runs.good_weights import GoodWeights, diverged_message
from engine.files.images import ImageFileError, load_image
from engine.runs.control import RunControl
from engine.tf_runtime import keras, tf
from engine.runs.update import LossHistory, LossPoint, TrainingUpdate

HELD_OUT_FRACTION = 0.15
VIEW_COUNT = 6            # held-out triplets shown live
FRAME_BUDGET = 0.1        # the share of wall time live snapshots may take
MASK_INSIDE = 0.5         # alpha above which a pixel counts as "under the emoji"
MASK_LOSS_WEIGHT = 1.0    # improved net: weight of the mask head's BCE + Dice loss
PSNR_FLOOR = 1e-6         # squared error floor: identical pictures score 60 dB, not infinity


@dataclass(frozen=True)
class DeEmojiData:
    """Training photos (uint8) and emoji, and the held-out set, corrupted once with held-out emoji."""

    train_photos: np.ndarray
    train_emoji: np.ndarray
    held_out: CorruptedSet
    source: str
    problems: tuple[str, ...] = ()


def prepare_data(config: DeEmojiConfig) -> DeEmojiData:
    """Cut the crops and split photos and emoji into training and held-out parts, from the seed."""
    problems: list[str] = []
    if config.photo_source is PhotoSource.STL10:
        images = read_stl10(config.photo_path, config.train_images + config.held_out_images)
        train_idx, held_idx = held_out_split(len(images), HELD_OUT_FRACTION, config.seed)
        train = images[train_idx][:config.train_images]
        held = images[held_idx][:config.held_out_images]
        source = f"STL-10 ({Path(config.photo_path).name})"
    else:
        if config.photo_source is PhotoSource.FOLDER:
            photos, problems = load_photo_folder(config.photo_path)
            source = f"folder {config.photo_path}"
        else:
            photos = [load_image(p) for p in bundled_photo_paths()]
            source = "bundled photos"
        if len(photos) < 2:
            raise ImageFileError(f"{source}: needs at least 2 photos (some are held out)")
        train_idx, held_idx = held_out_split(len(photos), HELD_OUT_FRACTION, config.seed)
        train = crops_from_photos([photos[i] for i in train_idx], config.train_images, config.seed)
        held = crops_from_photos([photos[i] for i in held_idx], config.held_out_images,
                                 config.seed + 1)
    emoji = load_emoji(emoji_paths(config.full_emoji_set))
    train_e, held_e = held_out_split(len(emoji), HELD_OUT_FRACTION, config.seed)
    return DeEmojiData(train, emoji[train_e], corrupt(held, emoji[held_e], config.seed + 2),
                       source, tuple(problems))


def psnr(cleaned: np.ndarray, clean: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Mean per-image PSNR (dB, peak 1, at most 60) over the whole picture, inside the mask and
    outside it."""
    err = np.square(np.clip(cleaned, 0, 1) - clean).mean(axis=-1)      # (N, H, W)
    inside = mask > MASK_INSIDE
    outside = mask <= 0.0
    result = {}
    for name, where in (("whole", np.ones_like(inside)), ("inside", inside), ("outside", outside)):
        mse = (err * where).sum(axis=(1, 2)) / np.maximum(where.sum(axis=(1, 2)), 1)
        result[name] = float(np.mean(10 * np.log10(1.0 / np.maximum(mse, PSNR_FLOOR))))
    return result


def cosine_factor(progress: float) -> float:
    """The share of the learning rate left at ``progress`` (0 to 1) through a run: 1 falling to 0
    along half a cosine."""
    return 0.5 * (1.0 + math.cos(math.pi * min(max(progress, 0.0), 1.0)))


@dataclass(frozen=True)
class PSNRPoint:
    """PSNR of the live held-out pictures at one step (the shape LossPlot reads)."""

    step: int
    whole: float
    inside: float
    outside: float


@dataclass(frozen=True)
class DeEmojiSnapshot:
    step: int
    epoch: float
    outputs: np.ndarray       # (VIEW_COUNT, 96, 96, 3) in [0, 1]
    psnr: PSNRPoint


class DeEmojiTrainer:
    """One run: the network, its optimiser, the loss history and the live snapshots."""

    def __init__(self, config: DeEmojiConfig, data: DeEmojiData):
        self.config = config
        self.data = data
        self.model = build_model(config)
        self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
        self.optimizer.build(self.model.trainable_variables)
        self._step_fn = tf.function(self._train_step)
        self._apply_fn = tf.function(
            lambda x: self.model(x, training=False),
            input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])
        self.loss_history = LossHistory()
        self.snapshots: list[DeEmojiSnapshot] = []
        self.step = 0
        self.steps_per_epoch = len(data.train_photos) // config.batch_size
        self.total_steps = self.steps_per_epoch * config.epochs

    @property
    def view(self) -> CorruptedSet:
        h = self.data.held_out
        return CorruptedSet(h.corrupted[:VIEW_COUNT], h.clean[:VIEW_COUNT], h.mask[:VIEW_COUNT])

    def _loss(self, x, y, m):
        cleaned, mask_prob = self.model(x, training=True)
        err = tf.reduce_mean(tf.square(cleaned - y), axis=-1)                  # (B, H, W)
        mse = tf.reduce_mean(err)
        if self.config.net is DeEmojiNet.SEED:
            return mse, mse
        weighted = tf.reduce_mean(err * (1.0 + self.config.mask_weight * m))
        # the mask head: cross-entropy per pixel, plus Dice, since emoji cover only ~17% of a
        # picture (with Dice, held-out mask IoU rose from 0.68 to 0.72 in a 2-minute run)
        mask_bce = tf.reduce_mean(keras.losses.binary_crossentropy(m[..., None], mask_prob))
        p = mask_prob[..., 0]
        dice = 1.0 - (2.0 * tf.reduce_sum(p * m) + 1.0) / (tf.reduce_sum(p) + tf.reduce_sum(m) + 1.0)
        return weighted + MASK_LOSS_WEIGHT * (mask_bce + dice), mse

    def _train_step(self, x, y, m):
        with tf.GradientTape() as tape:
            total, mse = self._loss(x, y, m)
        variables = self.model.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(total, variables), variables))
        return tf.stack([total, mse])

    def clean_up(self, images: np.ndarray, batch: int = 16) -> np.ndarray:
        """The network's output for pictures (B, H, W, 3) in [0, 1]; sides not divisible by 4 are
        padded by reflection and cropped back."""
        x = np.asarray(images, np.float32)
        h, w = x.shape[1:3]
        ph, pw = -h % 4, -w % 4
        x = np.pad(x, ((0, 0), (0, ph), (0, pw), (0, 0)), mode="reflect" if h > 1 else "edge")
        parts = [self._apply_fn(x[i:i + batch])[0].numpy() for i in range(0, len(x), batch)]
        return np.clip(np.concatenate(parts)[:, :h, :w], 0.0, 1.0)

    def evaluate(self, pictures: CorruptedSet | None = None) -> dict[str, float]:
        """PSNR of the network's output on a set (the held-out set by default)."""
        pictures = pictures or self.data.held_out
        return psnr(self.clean_up(pictures.corrupted), pictures.clean, pictures.mask)

    def snapshot(self) -> DeEmojiSnapshot:
        view = self.view
        outputs = self.clean_up(view.corrupted)
        p = psnr(outputs, view.clean, view.mask)
        snap = DeEmojiSnapshot(self.step, self.step / self.steps_per_epoch, outputs,
                               PSNRPoint(self.step, p["whole"], p["inside"], p["outside"]))
        self.snapshots.append(snap)
        return snap

    def release(self) -> None:
        """Let go of the network, optimiser, data and compiled steps of a run the app is done with.

        As with :meth:`AutoencoderTrainer.release`: TensorFlow keeps each traced function, and
        through its bound method the whole trainer, alive after the app drops it. A released
        trainer can no longer train or clean pictures."""
        for name in ("_step_fn", "_apply_fn", "model", "optimizer", "data"):
            self.__dict__.pop(name, None)
        self.loss_history = LossHistory()
        self.snapshots = []

    def save(self, path: str | Path) -> Path:
        """Write the network as one ``.keras`` file, atomically."""
        if Path(path).suffix != ".keras":
            raise ValueError(f"{path}: model files end in .keras")
        return write_atomically(path, self.model.save)

    def load_weights(self, path: str | Path) -> None:
        """Take the weights of a saved network of the same design; anything else is refused."""
        try:
            other = keras.models.load_model(path, compile=False)
        except Exception as exc:  # Keras raises many types for foreign or damaged files
            raise ValueError(f"{path}: not a Latent Lab de-emoji model ({exc})") from None
        mine = [w.shape for w in self.model.get_weights()]
        theirs = [w.shape for w in other.get_weights()]
        if other.name != self.model.name or mine != theirs:
            raise ValueError(f"{path}: holds a {other.name} network of another shape; choose the "
                             "network and width it was saved from")
        self.model.set_weights(other.get_weights())

    def run(self, control: RunControl | None = None, update_interval_s: float = 1 / 20,
            time_budget_s: float | None = None) -> Iterator[TrainingUpdate]:
        """Train, yielding loss points (never dropped) and, time-spaced, a live snapshot of the
        held-out triplets; ``time_budget_s`` ends the run early (for fair comparisons), and a
        cosine-decayed learning rate then falls with whichever of steps or time runs out first."""
        control = control or RunControl()
        cfg = self.config
        rng = np.random.default_rng(cfg.seed)
        start = last_emit = last_frame = time.perf_counter()
        frame_cost = 0.0
        pending: list[LossPoint] = []
        state, message = "finished", ""
        base_lr = cfg.learning_rate
        yield self._update(self.snapshot(), (), 0.0, start)
        pairs = None
        good = GoodWeights(self.model.variables)
        for epoch in range(cfg.epochs):
            if pairs is None or cfg.fresh_emoji:
                photos = self.data.train_photos
                if cfg.augment_photos:
                    photos = augment_photos(photos, np.random.default_rng(cfg.seed + 200 + epoch))
                pairs = corrupt(photos, self.data.train_emoji, cfg.seed + 100 + epoch,
                                cfg.recolour_emoji)
            order = rng.permutation(self.steps_per_epoch * cfg.batch_size).reshape(-1, cfg.batch_size)
            for batch in order:
                stop, lr = control.checkpoint()
                if stop:
                    state, message = "stopped", f"stopped at step {self.step}"
                    break
                if time_budget_s is not None and time.perf_counter() - start >= time_budget_s:
                    state, message = "stopped", f"time budget of {time_budget_s:.0f} s used"
                    break
                if lr is not None:
                    base_lr = lr
                if cfg.cosine_decay:
                    progress = self.step / self.total_steps
                    if time_budget_s:
                        progress = max(progress, (time.perf_counter() - start) / time_budget_s)
                    lr = base_lr * cosine_factor(progress)
                if lr is not None:
                    self.optimizer.learning_rate.assign(lr)
                total, mse = self._step_fn(pairs.corrupted[batch], pairs.clean[batch],
                                           pairs.mask[batch]).numpy()
                point = LossPoint(self.step, epoch, time.perf_counter() - start, float(total),
                                  float(mse), 0.0)
                self.step += 1
                self.loss_history.append(point)
                pending.append(point)
                if not np.isfinite(total):
                    state = "failed"
                    message = diverged_message(total, point.step, good.restore())
                    break
                good.keep(self.step)
                now = time.perf_counter()
                if now - last_emit >= update_interval_s:
                    snap = None
                    if now - last_frame >= max(update_interval_s, frame_cost / FRAME_BUDGET):
                        snap = self.snapshot()
                        last_frame = time.perf_counter()
                        frame_cost = last_frame - now
                    rate = len(pending) * cfg.batch_size / max(now - last_emit, 1e-9)
                    yield self._update(snap, tuple(pending), rate, start)
                    pending, last_emit = [], time.perf_counter()
            if state != "finished":
                break
        overall = self.step * cfg.batch_size / max(time.perf_counter() - start, 1e-9)
        yield self._update(self.snapshot(), tuple(pending), overall, start, state, message)

    def _update(self, snap, points, rate, start, state="running", message="") -> TrainingUpdate:
        elapsed = time.perf_counter() - start
        eta = (self.total_steps - self.step) * elapsed / self.step if self.step else 0.0
        return TrainingUpdate(step=self.step, total_steps=self.total_steps,
                              epoch=self.step / self.steps_per_epoch, loss_points=points,
                              snapshot=snap, samples_per_second=rate, eta_s=eta, state=state,
                              message=message)
