"""CIFAR-10 from Keras' cache (``~/.keras/datasets/cifar-10-batches-py``): 50,000 training and
10,000 test pictures of 32 × 32 RGB in ten classes.

Its batches are Python pickles, and unpickling can run any code a file names. They are read with
an unpickler that admits numpy's array reconstruction and nothing else, from files of bounded
size, so a tampered cache can fail to load but cannot run anything.
:func:`engine.latent.datasets.load_dataset` makes the result a dataset (source ``cifar10``).
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import numpy as np

from engine.files.limits import FileLimitError, read_bounded

CIFAR_CACHE = Path(".keras", "datasets", "cifar-10-batches-py")   # under the home folder
CIFAR_NAMES = ("airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck")
TRAIN_BATCHES = tuple(f"data_batch_{k}" for k in range(1, 6))
TEST_BATCH = "test_batch"
MAX_BATCH_BYTES = 64 * 2**20     # a batch is 31 MB
_ARRAY_GLOBALS = {(module, name) for module in ("numpy.core.multiarray", "numpy._core.multiarray")
                  for name in ("_reconstruct", "scalar")} | {("numpy", "ndarray"), ("numpy", "dtype"),
                                                             ("_codecs", "encode")}   # bytes, protocol 2


class CifarError(ValueError):
    """CIFAR-10's files missing or unusable; the message names the file and the problem."""


class _ArraysOnly(pickle.Unpickler):
    """Unpickles dicts, lists, numbers, bytes and numpy arrays; any other global is refused."""

    def find_class(self, module: str, name: str):
        if (module, name) in _ARRAY_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"it names {module}.{name}, which is not array data")


def _batch(path: Path, stop) -> tuple[np.ndarray, np.ndarray]:
    try:
        raw = read_bounded(path, MAX_BATCH_BYTES, "CIFAR-10 batch", stop)
        record = _ArraysOnly(io.BytesIO(raw), encoding="bytes").load()
    except FileLimitError as exc:
        raise CifarError(str(exc)) from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError) as exc:
        raise CifarError(f"{path}: not a readable CIFAR-10 batch ({exc})") from None
    data = record.get(b"data") if isinstance(record, dict) else None
    labels = np.asarray(record.get(b"labels", []) if isinstance(record, dict) else [])
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or \
            data.shape[1] != 3 * 32 * 32:
        raise CifarError(f"{path}: expected its data as N × 3072 bytes (32 × 32 RGB), found "
                         f"{getattr(data, 'shape', type(data).__name__)}")
    if labels.shape != (len(data),) or not np.issubdtype(labels.dtype, np.integer) or \
            labels.min() < 0 or labels.max() >= len(CIFAR_NAMES):
        raise CifarError(f"{path}: expected {len(data)} labels 0..9")
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), labels.astype(np.int64)


def read_cifar10(folder: str | Path | None = None, stop=None
                 ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((train images, labels), (test images, labels)): images (N, 32, 32, 3) uint8, from
    ``folder`` (Keras' cache when None)."""
    folder = Path(folder or Path.home() / CIFAR_CACHE).expanduser()
    missing = [name for name in TRAIN_BATCHES + (TEST_BATCH,) if not (folder / name).is_file()]
    if missing:
        raise CifarError(f"{folder}: CIFAR-10 is not in Keras' cache (missing "
                         f"{', '.join(missing)}); keras.datasets.cifar10.load_data() puts it "
                         "there once online")
    train = [_batch(folder / name, stop) for name in TRAIN_BATCHES]
    test = _batch(folder / TEST_BATCH, stop)
    return (np.concatenate([b[0] for b in train]), np.concatenate([b[1] for b in train])), test
