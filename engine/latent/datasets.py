"""Image datasets for the autoencoder tabs: MNIST and Fashion-MNIST from IDX or Keras' npz.

The bundled copies in ``resources/`` make the app work offline. A user may point at their own
``mnist.npz`` (Keras' layout), a pair of IDX files or a folder holding them; Keras' cache and
download are used when asked for. Every problem with a file raises :class:`DatasetError` naming
the file and what is wrong with it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.files.limits import (
    FileLimitError,
    check_regular_file,
    describe_size,
    gunzip_bounded,
    read_bounded,
)
from engine.files.resources import resource_path
from engine.latent.cifar import CIFAR_NAMES, CifarError, read_cifar10
from engine.latent.image_folders import PictureFolderError, folder_in_colour, read_picture_folder

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
IMAGE_SIDE = 28
PICTURE_SHAPE = (IMAGE_SIDE, IMAGE_SIDE, 1)   # MNIST's, and what a folder is read at by default
MAX_DATASET_BYTES = 2**30   # a dataset file, inflated: MNIST's 60,000 digits are 47 MB
MAX_FOLDER_BYTES = 2**31    # a folder's pictures as read: 100,000 of 64 × 64 RGB are 1.2 GB

DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
BUNDLED = {"mnist": DIGIT_NAMES, "fashion-mnist": FASHION_NAMES}
CIFAR = "cifar10"   # the source name of CIFAR-10 from Keras' cache
KERAS_CACHE = Path.home() / ".keras" / "datasets" / "mnist.npz"


class DatasetError(ValueError):
    """A dataset file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class ImageDataset:
    """Labelled pictures: ``images`` (N, H, W) uint8 grey or (N, H, W, 3) RGB (MNIST's are
    28 × 28 grey), ``labels`` (N,) int64; ``colour``: whether the source was in colour.

    The first ``train_count`` images are the training split, which runs train on; the rest (the
    test split, where the source has one) are only ever shown. ``None``: all of them train.
    ``notice``: what reading it skipped, for the user (empty when nothing was)."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    train_count: int | None = None
    notice: str = ""
    colour: bool = False

    def __post_init__(self) -> None:
        if self.train_count is None:
            object.__setattr__(self, "train_count", len(self.images))

    def with_test_split(self, test: "ImageDataset") -> "ImageDataset":
        """This training split followed by ``test``, to be shown but never trained on."""
        return ImageDataset(self.name, np.concatenate([self.images, test.images]),
                            np.concatenate([self.labels, test.labels]), self.class_names,
                            len(self.images), self.notice, self.colour)


def _idx_bytes(path: Path, kind: str, ndim: int, expected_magic: int, stop) -> tuple[tuple, bytes]:
    """(dims, body) of an IDX file, raw or gzip: the header is read (inflating only its bytes)
    and checked before the body is, so a header promising gigabytes is refused up front."""
    raw = read_bounded(path, MAX_DATASET_BYTES, "dataset file", stop)
    if not raw:
        raise DatasetError(f"{path}: the file is empty (0 bytes)")
    header_size = 4 + 4 * ndim
    packed = raw[:2] == b"\x1f\x8b"
    if packed:
        try:
            head = zlib.decompressobj(wbits=31).decompress(raw[:65536], header_size)
        except zlib.error as exc:
            raise DatasetError(f"{path}: the gzip stream is corrupt or truncated ({exc})") from None
    else:
        head = raw[:header_size]
    if len(head) < header_size:
        raise DatasetError(f"{path}: too short for an IDX {kind} header ({len(head)} bytes)")
    magic = struct.unpack(">I", head[:4])[0]
    if magic != expected_magic:
        raise DatasetError(
            f"{path}: not an IDX {kind} file (magic number {magic}, expected {expected_magic})")
    dims = struct.unpack(f">{ndim}I", head[4:header_size])
    expected = int(np.prod(dims, dtype=np.int64))
    if expected > MAX_DATASET_BYTES:
        raise DatasetError(f"{path}: its header promises {'x'.join(map(str, dims))} = "
                           f"{describe_size(expected)} of data; Latent Lab reads datasets up to "
                           f"{describe_size(MAX_DATASET_BYTES)}")
    if packed:
        raw = gunzip_bounded(raw, header_size + expected, path, stop)
    body = len(raw) - header_size
    if body != expected:
        raise DatasetError(
            f"{path}: header promises {'x'.join(map(str, dims))} = {expected} bytes of data "
            f"but the file holds {body}; it is truncated or corrupt")
    return dims, raw[header_size:]


def read_idx(path: str | Path, expected_magic: int, stop=None) -> np.ndarray:
    """Read one IDX file (raw or gzip) of unsigned bytes, checking its header against its size;
    ``stop()`` is called between chunks and may raise to abandon the read."""
    path = Path(path)
    kind = "images" if expected_magic == IMAGES_MAGIC else "labels"
    ndim = 3 if expected_magic == IMAGES_MAGIC else 1
    try:
        dims, body = _idx_bytes(path, kind, ndim, expected_magic, stop)
    except FileLimitError as exc:
        raise DatasetError(str(exc)) from None
    return np.frombuffer(body, np.uint8).reshape(dims)


def _checked(name: str, images: np.ndarray, labels: np.ndarray, source: str,
             class_names: tuple[str, ...]) -> ImageDataset:
    images = np.asarray(images)
    labels = np.asarray(labels)
    for part, array in (("images", images), ("labels", labels)):
        if array.dtype.kind not in "uif":
            raise DatasetError(f"{source}: its {part} are {array.dtype} values, not numbers")
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise DatasetError(f"{source}: images have shape {images.shape}, expected (N, 28, 28)")
    if labels.shape != (images.shape[0],):
        raise DatasetError(
            f"{source}: {labels.shape[0] if labels.ndim else 0} labels for {images.shape[0]} images")
    if images.shape[0] == 0:
        raise DatasetError(f"{source}: holds no images")
    if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 or \
            labels.max() >= len(class_names):
        raise DatasetError(f"{source}: labels must be integers 0..{len(class_names) - 1}")
    if images.dtype != np.uint8:
        if not np.all(np.isfinite(images)):
            raise DatasetError(f"{source}: images contain NaN or infinite values")
        lo, hi = float(images.min()), float(images.max())
        scale = 255.0 if hi <= 1.0 else 1.0
        if lo < 0 or hi * scale > 255:
            raise DatasetError(f"{source}: pixel values span {lo}..{hi}, expected 0..255 or 0..1")
        images = np.round(images * scale).astype(np.uint8)
    return ImageDataset(name, images, labels.astype(np.int64), class_names)


def load_idx_pair(images_path: str | Path, labels_path: str | Path,
                  name: str | None = None, class_names: tuple[str, ...] = DIGIT_NAMES,
                  stop=None) -> ImageDataset:
    """Images and labels from two IDX files (``*-images-idx3-ubyte[.gz]``, ``*-labels-idx1-ubyte``)."""
    images = read_idx(images_path, IMAGES_MAGIC, stop)
    labels = read_idx(labels_path, LABELS_MAGIC, stop)
    return _checked(name or Path(images_path).name, images, labels, str(images_path), class_names)


def _npz_member_header(archive: zipfile.ZipFile, key: str, path: Path) -> None:
    """Check one array's header (shape, dtype) before numpy reads its data."""
    with archive.open(f"{key}.npy") as member:
        try:
            major, _ = np.lib.format.read_magic(member)
            read_header = (np.lib.format.read_array_header_1_0 if major == 1
                           else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read_header(member)
        except ValueError as exc:
            raise DatasetError(f"{path}: {key} is not a numpy array ({exc})") from None
    if dtype.hasobject or dtype.kind not in "uif":
        raise DatasetError(f"{path}: {key} holds {dtype} values, not numbers")
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size > MAX_DATASET_BYTES:
        raise DatasetError(f"{path}: {key} declares {'x'.join(map(str, shape))} {dtype} = "
                           f"{describe_size(size)}; Latent Lab reads datasets up to "
                           f"{describe_size(MAX_DATASET_BYTES)}")


def load_npz(path: str | Path, class_names: tuple[str, ...] = DIGIT_NAMES, stop=None
             ) -> ImageDataset:
    """A Keras-layout ``mnist.npz`` (keys ``x_train``, ``y_train``, and ``x_test``, ``y_test``
    when it has them, as a test split to show); the arrays' headers are checked before their
    data is read."""
    path = Path(path)
    try:
        size = check_regular_file(path, "dataset file")
    except FileLimitError as exc:
        raise DatasetError(str(exc)) from None
    if size == 0:
        raise DatasetError(f"{path}: the file is empty (0 bytes)")
    if not zipfile.is_zipfile(path):
        raise DatasetError(f"{path}: not a readable .npz archive (not a zip of numpy arrays)")
    try:
        with zipfile.ZipFile(path) as archive:
            keys = {n[:-4] for n in archive.namelist() if n.endswith(".npy")}
            missing = {"x_train", "y_train"} - keys
            if missing:
                raise DatasetError(
                    f"{path}: missing key(s) {', '.join(sorted(missing))}; it holds "
                    f"{', '.join(sorted(keys)) or 'nothing'} (expected Keras' mnist.npz layout)")
            with_test = {"x_test", "y_test"} <= keys
            for key in ("x_train", "y_train") + (("x_test", "y_test") if with_test else ()):
                _npz_member_header(archive, key, path)
        if stop is not None:
            stop()
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
            images, labels = npz["x_train"], npz["y_train"]
            test = (npz["x_test"], npz["y_test"]) if with_test else None
    except DatasetError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise DatasetError(f"{path}: not a readable .npz archive ({exc})") from None
    train = _checked(path.name, images, labels, str(path), class_names)
    if test is None:
        return train
    return train.with_test_split(_checked(path.name, *test, f"{path} (x_test)", class_names))


def _idx_files_in(folder: Path, split: str) -> tuple[Path, Path] | None:
    images = sorted(folder.glob(f"{split}-images-idx3-ubyte*"))
    labels = sorted(folder.glob(f"{split}-labels-idx1-ubyte*"))
    return (images[0], labels[0]) if images and labels else None


def load_path(path: str | Path, stop=None, progress=None, image_shape=PICTURE_SHAPE) -> ImageDataset:
    """A dataset from what a user picked: an ``.npz``, an IDX images file, a folder of IDX files,
    or a folder of pictures (:mod:`engine.latent.image_folders`), read at ``image_shape``."""
    path = Path(path).expanduser()
    if path.is_dir():
        pair = _idx_files_in(path, "train")
        if pair is not None:
            return load_idx_pair(*pair, name=path.name, stop=stop)
        if _is_picture_folder(path):
            return load_picture_folder(path, stop, progress, image_shape)
        return load_npz(sorted(path.glob("*.npz"))[0], stop=stop)
    try:
        check_regular_file(path, "dataset file")
    except FileLimitError as exc:
        raise DatasetError(str(exc)) from None
    if path.suffix == ".npz":
        return load_npz(path, stop=stop)
    if "images-idx3" in path.name:
        labels = sorted(path.parent.glob(path.name.split("images-idx3")[0] + "labels-idx1-ubyte*"))
        if not labels:
            raise DatasetError(f"{path}: no matching labels file (…-labels-idx1-ubyte) beside it")
        return load_idx_pair(path, labels[0], stop=stop)
    raise DatasetError(f"{path}: expected an .npz, an IDX images file, or a folder of them or "
                       "of pictures")


def load_picture_folder(path: Path, stop=None, progress=None, image_shape=PICTURE_SHAPE
                        ) -> ImageDataset:
    """A folder of pictures, one class per subfolder (or one class), read at ``image_shape``
    (side, side, channels); ``progress(done, total)`` as they are read."""
    side, _, channels = image_shape
    try:
        folder = read_picture_folder(path, side, MAX_FOLDER_BYTES // (side * side * channels),
                                     stop, progress, channels)
    except PictureFolderError as exc:
        raise DatasetError(str(exc)) from None
    return ImageDataset(path.name, folder.images, folder.labels, folder.class_names,
                        notice=folder.notice, colour=folder.colour)


def load_bundled(name: str = "mnist", stop=None) -> ImageDataset:
    """A dataset shipped in ``resources/`` (``mnist`` or ``fashion-mnist``): its 60,000 training
    images, then its 10,000 test images (shown, never trained on)."""
    if name not in BUNDLED:
        raise DatasetError(f"unknown bundled dataset {name!r}; choose one of {', '.join(BUNDLED)}")
    folder = resource_path(name)
    train, test = _idx_files_in(folder, "train"), _idx_files_in(folder, "t10k")
    if train is None or test is None:
        raise DatasetError(f"{folder}: the bundled IDX files are missing")
    splits = [load_idx_pair(*pair, name=name, class_names=BUNDLED[name], stop=stop)
              for pair in (train, test)]
    return splits[0].with_test_split(splits[1])


def load_keras_mnist(download: bool = False) -> ImageDataset:
    """MNIST from Keras' cache (``~/.keras/datasets/mnist.npz``), downloading it if asked and online."""
    if KERAS_CACHE.exists() or not download:
        return load_npz(KERAS_CACHE)
    from engine.tf_runtime import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # network errors come in many types
        raise DatasetError(f"Keras could not download MNIST ({exc}); the bundled copy still works")
    return _checked("mnist (keras)", x_train, y_train, str(KERAS_CACHE), DIGIT_NAMES
                    ).with_test_split(_checked("mnist (keras)", x_test, y_test, str(KERAS_CACHE),
                                               DIGIT_NAMES))


def load_dataset(source: str, stop=None, progress=None, image_shape=PICTURE_SHAPE) -> ImageDataset:
    """Resolve a dataset source: a bundled name, ``keras`` (cache or download), or a path;
    ``stop()`` is called while reading and may raise to abandon it; ``progress(done, total)``
    tells how many pictures of a folder are read, at ``image_shape`` (the run's; other sources
    keep their own format, converted as a run uses them)."""
    if source in BUNDLED:
        return load_bundled(source, stop)
    if source == "keras":
        return load_keras_mnist(download=True)
    if source == CIFAR:
        return load_cifar10(stop=stop)
    return load_path(source, stop, progress, image_shape)


def load_cifar10(folder=None, stop=None) -> ImageDataset:
    """CIFAR-10 from Keras' cache (:mod:`engine.latent.cifar`): 50,000 training pictures of
    32 × 32 RGB, then 10,000 test pictures (shown, never trained on)."""
    try:
        (x, y), (x_test, y_test) = read_cifar10(folder, stop=stop)
    except CifarError as exc:
        raise DatasetError(str(exc)) from None
    return ImageDataset(CIFAR, x, y, CIFAR_NAMES, colour=True).with_test_split(
        ImageDataset(CIFAR, x_test, y_test, CIFAR_NAMES, colour=True))


def source_in_colour(source: str) -> bool:
    """Whether a dataset source holds colour pictures, cheaply (a folder's headers): what
    "as the pictures are" means for it."""
    if source in BUNDLED or source == "keras":
        return False
    if source == CIFAR:
        return True
    path = Path(source).expanduser()
    return _is_picture_folder(path) and folder_in_colour(path)


def _is_picture_folder(path: Path) -> bool:
    """Whether :func:`load_path` reads ``path`` as a folder of pictures (no IDX files, no npz)."""
    return path.is_dir() and _idx_files_in(path, "train") is None and not any(path.glob("*.npz"))


def channels_for(colour: str, source: str, preset: str) -> int:
    """The channels a run sees for a colour choice: ``grey`` 1, ``rgb`` 3, ``auto`` as the
    source's pictures are (grey for the 2018 original, which sees only grey)."""
    if colour == "auto":
        return 3 if preset != "original-2018" and source_in_colour(source) else 1
    return 3 if colour == "rgb" else 1


def normalise_per_image(images: np.ndarray) -> np.ndarray:
    """Stretch each image to [0, 1] by its own min and max (the 2018 code's ``imresize`` bytescale),
    over all its pixels and channels."""
    x = images.astype(np.float32)
    axes = tuple(range(1, x.ndim))
    lo = x.min(axis=axes, keepdims=True)
    span = x.max(axis=axes, keepdims=True) - lo
    return np.where(span > 0, (x - lo) / np.maximum(span, 1e-12), 0.0).astype(np.float32)
