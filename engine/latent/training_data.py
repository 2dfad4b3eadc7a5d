"""The arrays one autoencoder run trains on and shows: its training subset and fixed view sets."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import partial

import numpy as np

from engine.files.limits import describe_size
from engine.latent.config import ORIGINAL_2018_SHAPE, AutoencoderConfig, Preset
from engine.latent.datasets import DatasetError, ImageDataset, normalise_per_image
from engine.latent.picture_format import describe_shape, fit_pictures, picture_shape

RECONSTRUCTION_COUNT = 10
MAX_TRAINING_BYTES = 2**31   # the training pictures as float32: 10,000 of 64 × 64 RGB are 0.5 GB
MAX_VIEW_BYTES = 2**28       # the shown pictures as bytes: 70,000 MNIST digits are 55 MB
_RECENT: OrderedDict = OrderedDict()   # the last few subsets cut, shared by the runs using them
RECENT_COUNT = 3


@dataclass(frozen=True)
class TrainingData:
    """Training images as (N, side, side, channels) float32 in [0, 1], the config's picture
    shape; the view sets are fixed once per run.

    ``view_*``: the pictures shown in the latent scatter, as bytes (N, side, side, channels)
    uint8 (each image stretched to 0..255, as it is to 0..1 for training): a seeded choice from
    the training subset, or, when more are asked for than it holds, from the whole dataset (its
    test split included).
    ``reconstruction_*``: the digits shown beside their reconstructions, one per class if possible,
    in [0, 1].
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    view_images: np.ndarray
    view_labels: np.ndarray
    reconstruction_images: np.ndarray
    reconstruction_labels: np.ndarray
    class_names: tuple[str, ...]
    source: str
    notice: str = ""                  # what reading the dataset skipped, for the user


def _fingerprint(dataset: ImageDataset) -> tuple:
    images = dataset.images
    return (dataset.name, images.shape, images[::997].tobytes(), dataset.labels[::97].tobytes())


def prepare_training_data(config: AutoencoderConfig, dataset: ImageDataset) -> TrainingData:
    """Cut the training subset (the 2018 code's indices 5000..14999 by default) and fix the view sets.
    Runs on the same data with the same seed get the very same arrays (kept runs share their
    digits instead of holding a copy each)."""
    key = (_fingerprint(dataset), config.train_size, config.train_offset, config.seed,
           config.latent_points, config.batch_size, config.image_shape)
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    data = _cut(config, dataset)
    _RECENT[key] = data
    while len(_RECENT) > RECENT_COUNT:
        _RECENT.popitem(last=False)
    return data


def _cut(config: AutoencoderConfig, dataset: ImageDataset) -> TrainingData:
    n = dataset.train_count
    size = min(config.train_size, n)
    start = config.train_offset if config.train_offset + size <= n else n - size
    if size < config.batch_size:
        raise DatasetError(f"{dataset.name}: only {size} images, fewer than one batch "
                           f"of {config.batch_size}")
    side, _, channels = config.image_shape
    picture_bytes = side * side * channels
    if size * picture_bytes * 4 > MAX_TRAINING_BYTES:
        raise DatasetError(
            f"{dataset.name}: {size:,} training pictures of {config.describe_pictures()} take "
            f"{describe_size(size * picture_bytes * 4)}; Latent Lab trains on up to "
            f"{MAX_TRAINING_BYTES // (picture_bytes * 4):,} of them (a smaller train size or side)")
    fitted = partial(fit_pictures, side=side, channels=channels)
    images = normalise_per_image(fitted(dataset.images[start:start + size]))
    labels = dataset.labels[start:start + size]
    rng = np.random.default_rng(config.seed)
    points = min(config.latent_points, MAX_VIEW_BYTES // picture_bytes)
    notes = [dataset.notice, _conversion_note(config, dataset)]
    if points < config.latent_points:
        notes.append(f"showing {points:,} pictures of {config.describe_pictures()} "
                     f"(at most {describe_size(MAX_VIEW_BYTES)} of them)")
    if points <= size:   # shown from the training subset
        view = np.sort(rng.choice(size, points, replace=False)) + start
    else:                # shown from the whole dataset
        total = len(dataset.images)
        view = np.sort(rng.choice(total, min(points, total), replace=False))
    view_labels = dataset.labels[view]
    firsts = [int(np.flatnonzero(view_labels == c)[0]) for c in np.unique(view_labels)]
    rest = [i for i in range(min(len(view), len(firsts) + RECONSTRUCTION_COUNT))
            if i not in firsts]
    chosen = view[(firsts + rest)[:RECONSTRUCTION_COUNT]]
    chosen = chosen[np.argsort(dataset.labels[chosen], kind="stable")]
    return TrainingData(
        train_images=images, train_labels=labels,
        view_images=image_bytes(dataset.images, view, config.image_shape),
        view_labels=view_labels,
        reconstruction_images=normalise_per_image(fitted(dataset.images[chosen])),
        reconstruction_labels=dataset.labels[chosen],
        class_names=dataset.class_names, source=dataset.name,
        notice="; ".join(n for n in notes if n))


def _conversion_note(config: AutoencoderConfig, dataset: ImageDataset) -> str:
    """What the user should know about pictures made another shape for the model ('' if none)."""
    own = picture_shape(dataset.images)
    colour_lost = (dataset.colour or own[2] == 3) and config.channels == 1
    if config.preset is Preset.ORIGINAL_2018 and (colour_lost or own != ORIGINAL_2018_SHAPE):
        return (f"the 2018 original sees 28 × 28 grey: {dataset.name}'s "
                f"{'colour ' if colour_lost else ''}pictures are made so")
    if own != config.image_shape and not (own[:2] == config.image_shape[:2] and colour_lost):
        return f"{dataset.name}'s {describe_shape(own)} pictures are made {config.describe_pictures()}"
    return ""


def image_bytes(images: np.ndarray, indices: np.ndarray, shape: tuple[int, int, int],
                chunk: int = 8_192) -> np.ndarray:
    """``images[indices]`` made pictures of ``shape`` (side, side, channels), each stretched to
    0..255 as uint8, in chunks, so 70,000 of them never pass through float32 all at once."""
    side, _, channels = shape
    out = np.empty((len(indices), *shape), np.uint8)
    for i in range(0, len(indices), chunk):
        pictures = fit_pictures(images[indices[i:i + chunk]], side=side, channels=channels)
        out[i:i + chunk] = np.round(normalise_per_image(pictures) * 255.0)
    return out
