"""The arrays one autoencoder run trains on and shows: its training subset and fixed view sets."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from engine.latent.config import AutoencoderConfig
from engine.latent.datasets import DatasetError, ImageDataset, normalise_per_image

RECONSTRUCTION_COUNT = 10
_RECENT: OrderedDict = OrderedDict()   # the last few subsets cut, shared by the runs using them
RECENT_COUNT = 3


@dataclass(frozen=True)
class TrainingData:
    """Training images as (N, 28, 28, 1) float32 in [0, 1]; the view sets are fixed once per run.

    ``view_*``: the digits shown in the latent scatter, as bytes (N, 28, 28, 1) uint8 (each image
    stretched to 0..255, as it is to 0..1 for training): a seeded choice from the training subset,
    or, when more are asked for than it holds, from the whole dataset (its test split included).
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
           config.latent_points, config.batch_size)
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
    images = normalise_per_image(dataset.images[start:start + size])[..., None]
    labels = dataset.labels[start:start + size]
    rng = np.random.default_rng(config.seed)
    if config.latent_points <= size:   # shown from the training subset
        view = np.sort(rng.choice(size, config.latent_points, replace=False)) + start
    else:                              # shown from the whole dataset
        total = len(dataset.images)
        view = np.sort(rng.choice(total, min(config.latent_points, total), replace=False))
    view_labels = dataset.labels[view]
    firsts = [int(np.flatnonzero(view_labels == c)[0]) for c in np.unique(view_labels)]
    rest = [i for i in range(min(len(view), len(firsts) + RECONSTRUCTION_COUNT))
            if i not in firsts]
    chosen = view[(firsts + rest)[:RECONSTRUCTION_COUNT]]
    chosen = chosen[np.argsort(dataset.labels[chosen], kind="stable")]
    return TrainingData(
        train_images=images, train_labels=labels,
        view_images=image_bytes(dataset.images, view), view_labels=view_labels,
        reconstruction_images=normalise_per_image(dataset.images[chosen])[..., None],
        reconstruction_labels=dataset.labels[chosen],
        class_names=dataset.class_names, source=dataset.name, notice=dataset.notice)


def image_bytes(images: np.ndarray, indices: np.ndarray, chunk: int = 8_192) -> np.ndarray:
    """``images[indices]`` each stretched to 0..255 as uint8 (N, 28, 28, 1), in chunks, so 70,000
    of them never pass through float32 all at once."""
    out = np.empty((len(indices), *images.shape[1:], 1), np.uint8)
    for i in range(0, len(indices), chunk):
        part = normalise_per_image(images[indices[i:i + chunk]])
        out[i:i + chunk, ..., 0] = np.round(part * 255.0)
    return out
