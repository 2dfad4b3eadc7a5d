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
    """Images as (N, 28, 28, 1) float32 in [0, 1]; the view sets are fixed once per run.

    ``view_*``: the digits shown in the latent scatter (a seeded choice from the training set).
    ``reconstruction_*``: the digits shown beside their reconstructions, one per class if possible.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    view_images: np.ndarray
    view_labels: np.ndarray
    reconstruction_images: np.ndarray
    reconstruction_labels: np.ndarray
    class_names: tuple[str, ...]
    source: str


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
    n = len(dataset.images)
    size = min(config.train_size, n)
    start = config.train_offset if config.train_offset + size <= n else n - size
    if size < config.batch_size:
        raise DatasetError(f"{dataset.name}: only {size} images, fewer than one batch "
                           f"of {config.batch_size}")
    images = normalise_per_image(dataset.images[start:start + size])[..., None]
    labels = dataset.labels[start:start + size]
    rng = np.random.default_rng(config.seed)
    view = np.sort(rng.choice(size, min(config.latent_points, size), replace=False))
    firsts = [int(np.flatnonzero(labels[view] == c)[0]) for c in np.unique(labels[view])]
    rest = [i for i in range(len(view)) if i not in firsts]
    chosen = view[(firsts + rest)[:RECONSTRUCTION_COUNT]]
    chosen = chosen[np.argsort(labels[chosen], kind="stable")]
    return TrainingData(
        train_images=images, train_labels=labels,
        view_images=images[view], view_labels=labels[view],
        reconstruction_images=images[chosen], reconstruction_labels=labels[chosen],
        class_names=dataset.class_names, source=dataset.name)
