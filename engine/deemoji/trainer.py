"""Training steps of a de-emoji network (case d) for the run loop, and the data it learns from.

Training photos are kept as 96x96 uint8 crops and each batch gets its emoji (and, for the
improved net, its photo changes) when it is drawn, from a seed per photo and epoch, so memory
stays at one byte per pixel whatever the number of pictures, and runs repeat exactly. The live
view measures held-out photos *and* held-out emoji, never seen in training (on a sticker run,
held-out photos with the user's stickers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from engine.deemoji.config import DeEmojiConfig, DeEmojiNet, PhotoSource
from engine.deemoji.data import (
    SIDE,
    CorruptedSet,
    augment_photo,
    bundled_photo_paths,
    corrupt,
    crops_from_photos,
    emoji_split,
    held_out_split,
    load_emoji,
    load_photo_folder,
    paste_random_emoji,
    read_stl10,
)
from engine.deemoji.metrics import psnr
from engine.deemoji.models import NetworkRunner, build_model
from engine.deemoji.stickers import load_stickers
from engine.files.images import ImageFileError, load_image, to_bytes
from engine.files.model_files import load_model, matching_weights
from engine.runs.shells import ShellPool
from engine.runs.update import RunSetup
from engine.tf_runtime import keras, tf

HELD_OUT_FRACTION = 0.15
VIEW_COUNT = 6            # held-out triplets shown live
MASK_LOSS_WEIGHT = 1.0    # improved net: weight of the mask head's BCE + Dice loss
AUGMENT_SHARE = 0.8       # improved net: the share of photos changed each epoch
METRICS = ("loss", "mse")
_SHELLS = ShellPool()


@dataclass(frozen=True)
class DeEmojiData:
    """Training photos (uint8) and emoji, and the held-out set, corrupted once with held-out emoji."""

    train_photos: np.ndarray
    train_emoji: np.ndarray
    held_out: CorruptedSet
    source: str
    problems: tuple[str, ...] = ()
    train_stickers: np.ndarray | None = None   # the user's stickers, pasted beside the emoji


def prepare_data(config: DeEmojiConfig, stop: Callable[[], None] | None = None) -> DeEmojiData:
    """Cut the crops and split photos and emoji into training and held-out parts: which are held
    out follows ``split_seed`` (the same for every training seed), the training crops ``seed``.
    ``stop()`` is called between slow parts and may raise to abandon the preparation."""
    problems: list[str] = []
    n_train, n_held = config.train_images, config.held_out_images
    if config.photo_source is PhotoSource.STL10:
        images = read_stl10(config.photo_path, n_train + n_held)
        train_idx, held_idx = held_out_split(len(images), HELD_OUT_FRACTION, config.split_seed)
        train, held = images[train_idx][:n_train], images[held_idx][:n_held]
        source = f"STL-10 ({Path(config.photo_path).name})"
    else:
        if config.photo_source is PhotoSource.FOLDER:
            photos, problems = load_photo_folder(config.photo_path, stop)
            source = f"folder {config.photo_path}"
        else:
            photos = []
            for path in bundled_photo_paths():
                if stop is not None:
                    stop()
                photos.append(load_image(path))
            source = "bundled photos"
        if len(photos) < 2:
            raise ImageFileError(f"{source}: needs at least 2 photos (some are held out)")
        train_idx, held_idx = held_out_split(len(photos), HELD_OUT_FRACTION, config.split_seed)
        train = crops_from_photos([photos[i] for i in train_idx], n_train, config.seed, stop=stop,
                                  native=config.native_crops)
        held = crops_from_photos([photos[i] for i in held_idx], n_held, config.split_seed + 1)
    train_e, held_e = emoji_split(config.full_emoji_set, config.split_seed, HELD_OUT_FRACTION)
    train_emoji, stickers = load_emoji(train_e), None
    if config.sticker_path:
        stickers, skipped = load_stickers(config.sticker_path, stop)
        problems += skipped
        source += f", {len(stickers)} sticker(s) of yours"
    # the live view shows what the run learns to remove: the user's stickers when it has them
    shown = stickers if stickers is not None else load_emoji(held_e)
    return DeEmojiData(train, train_emoji, corrupt(held, shown, config.split_seed + 2),
                       source, tuple(problems), stickers)


def cosine_factor(progress: float) -> float:
    """The share of the learning rate left at ``progress`` (0 to 1) through a run: 1 falling to 0
    along half a cosine."""
    return 0.5 * (1.0 + math.cos(math.pi * min(max(progress, 0.0), 1.0)))


@dataclass(frozen=True)
class DeEmojiFixtures:
    """What a de-emoji run always shows: held-out triplets, where the photos came from, and the
    files that were skipped."""

    view: CorruptedSet
    source: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class DeEmojiSnapshot:
    """The network's outputs for the held-out view (as bytes: a run keeps hundreds), and their
    PSNR (measured before rounding)."""

    outputs: np.ndarray       # (VIEW_COUNT, 96, 96, 3) uint8
    psnr_whole: float
    psnr_inside: float
    psnr_outside: float

    def metrics(self) -> dict[str, float]:
        return {"psnr_whole": self.psnr_whole, "psnr_inside": self.psnr_inside,
                "psnr_outside": self.psnr_outside}


def graph_key(config: DeEmojiConfig) -> tuple:
    """What the compiled training step depends on: runs with equal keys can share it."""
    return (config.net, config.width_scale, config.bfloat16, config.batch_size,
            config.mask_weight)


def measured_snapshot(outputs: np.ndarray, view: CorruptedSet) -> DeEmojiSnapshot:
    p = psnr(outputs, view.clean, view.mask)
    return DeEmojiSnapshot(to_bytes(outputs), p["whole"], p["inside"], p["outside"])


class DeEmojiTrainer:
    """One run's network, optimiser and compiled step. :meth:`for_run` reuses the compiled step
    of an earlier run with the same graph (:mod:`engine.runs.shells`)."""

    def __init__(self, config: DeEmojiConfig, data: DeEmojiData):
        self.runner = NetworkRunner(build_model(config))
        self.model = self.runner.model
        self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
        self.optimizer.build(self.model.trainable_variables)
        self._step_fn = tf.function(self._train_step)
        self._start(config, data)

    @classmethod
    def for_run(cls, config: DeEmojiConfig, data: DeEmojiData) -> "DeEmojiTrainer":
        return _SHELLS.take(graph_key(config), lambda: cls(config, data),
                            lambda shell: shell.reset(config, data))

    def reset(self, config: DeEmojiConfig, data: DeEmojiData) -> None:
        """Begin a new run of the same graph: the weights a new trainer would have, a fresh
        optimiser state and learning rate, and ``data``."""
        self.model.set_weights(build_model(config).get_weights())
        for variable in self.optimizer.variables:
            variable.assign(tf.zeros_like(variable))
        self.optimizer.learning_rate.assign(config.learning_rate)
        self._start(config, data)

    def _start(self, config: DeEmojiConfig, data: DeEmojiData) -> None:
        if config.start_from:
            self.model.set_weights(matching_weights(
                load_model(config.start_from).get_weights(), self.model.get_weights(),
                config.start_from, "network", "start from an improved network of full width"))
        self.config = config
        self.data = data
        held = data.held_out
        self.view = CorruptedSet(held.corrupted[:VIEW_COUNT], held.clean[:VIEW_COUNT],
                                 held.mask[:VIEW_COUNT])
        self.steps_per_epoch = len(data.train_photos) // config.batch_size
        self.total_steps = self.steps_per_epoch * config.epochs
        self._rng = np.random.default_rng(config.seed)
        self._epoch, self._batch, self._order = -1, self.steps_per_epoch, None
        self._base_lr = config.learning_rate

    def setup(self) -> RunSetup:
        return RunSetup(METRICS, self.total_steps, self.steps_per_epoch, self.config.batch_size,
                        DeEmojiFixtures(self.view, self.data.source, self.data.problems))

    def _loss(self, x, y, m):
        cleaned, mask_prob = self.model(x, training=True)
        err = tf.reduce_mean(tf.square(cleaned - y), axis=-1)                  # (B, H, W)
        mse = tf.reduce_mean(err)
        if self.config.net is DeEmojiNet.ORIGINAL_2018:
            return mse, mse
        weighted = tf.reduce_mean(err * (1.0 + self.config.mask_weight * m))
        # the mask head: cross-entropy per pixel, plus Dice, since emoji cover only ~17% of a
        # picture and cross-entropy alone under-finds them
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

    def batch_pairs(self, indices: np.ndarray, epoch: int) -> CorruptedSet:
        """Training pairs for photos ``indices`` in ``epoch``: each photo gets its emoji (and
        changes) from a seed of its own, so a batch is the same whatever came before it. Without
        ``fresh_emoji`` every epoch pastes the same emoji, as the 2018 run did."""
        cfg = self.config
        round_ = epoch if cfg.fresh_emoji else 0
        corrupted = np.empty((len(indices), SIDE, SIDE, 3), np.float32)
        clean = np.empty_like(corrupted)
        masks = np.empty((len(indices), SIDE, SIDE), np.float32)
        for k, i in enumerate(indices):
            rng = np.random.default_rng([cfg.seed, round_, int(i)])
            photo = self.data.train_photos[i].astype(np.float32)
            if cfg.augment_photos and rng.random() < AUGMENT_SHARE:
                photo = augment_photo(photo, rng)
            clean[k] = photo
            if cfg.clean_share and rng.random() < cfg.clean_share:
                corrupted[k], masks[k] = photo, 0.0   # nothing to find: leave it alone
            elif self.data.train_stickers is not None and rng.random() < cfg.sticker_share:
                corrupted[k], masks[k] = paste_random_emoji(photo, self.data.train_stickers, rng,
                                                            0.0, cfg.emoji_sizes)
            else:
                corrupted[k], masks[k] = paste_random_emoji(photo, self.data.train_emoji, rng,
                                                            cfg.recolour_emoji, cfg.emoji_sizes)
        return CorruptedSet(corrupted / 255.0, clean / 255.0, masks)

    # -- what the run loop calls --------------------------------------------------------------
    def train(self, max_steps: int, progress: float) -> np.ndarray:
        if self._batch >= self.steps_per_epoch:
            self._epoch += 1
            self._order = self._rng.permutation(self.steps_per_epoch * self.config.batch_size) \
                .reshape(self.steps_per_epoch, self.config.batch_size)
            self._batch = 0
        pairs = self.batch_pairs(self._order[self._batch], self._epoch)
        self._batch += 1
        if self.config.cosine_decay:
            self.optimizer.learning_rate.assign(self._base_lr * cosine_factor(progress))
        return self._step_fn(pairs.corrupted, pairs.clean, pairs.mask).numpy()[None]

    def snapshot(self) -> DeEmojiSnapshot:
        return measured_snapshot(self.runner.clean_up(self.view.corrupted), self.view)

    def get_weights(self) -> list[np.ndarray]:
        return self.model.get_weights()

    def set_weights(self, weights) -> None:
        self.model.set_weights(list(weights))

    def set_learning_rate(self, value: float) -> None:
        self._base_lr = value
        self.optimizer.learning_rate.assign(value)

    # -- measuring ------------------------------------------------------------------------------
    def clean_up(self, images: np.ndarray) -> np.ndarray:
        return self.runner.clean_up(images)

    def release(self) -> None:
        """The run has ended: let go of its data and keep the compiled trainer for the next run
        of the same graph. A released trainer must not train until :meth:`reset`."""
        self.data = self._order = self.view = None
        _SHELLS.put(graph_key(self.config), self)


def trainer_for_run(config: DeEmojiConfig, control) -> DeEmojiTrainer:
    """A run's trainer, built in its worker thread (a stop while photos are read abandons it)."""
    return DeEmojiTrainer.for_run(config, prepare_data(config, stop=control.raise_if_stopped))
