"""Loading MNIST-like data: the bundled files, user files, and clear errors for bad ones."""

import gzip
import struct

import numpy as np
import pytest

from engine.files.resources import resource_path
from engine.latent.config import ALL_POINTS, preset_config
from engine.latent.datasets import (
    DatasetError,
    load_bundled,
    load_dataset,
    load_idx_pair,
    load_npz,
    load_path,
    normalise_per_image,
)
from engine.latent.training_data import prepare_training_data


def write_idx(path, array, magic, compress=False):
    data = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()
    path.write_bytes(gzip.compress(data) if compress else data)


def test_bundled_mnist_is_complete(mnist):
    """Training split then test split: 60,000 + 10,000, the test digits never trained on."""
    assert mnist.images.shape == (70000, 28, 28) and mnist.images.dtype == np.uint8
    assert mnist.train_count == 60000
    assert np.bincount(mnist.labels[:60000]).tolist()[:2] == [5923, 6742]
    assert np.bincount(mnist.labels[60000:]).tolist()[:2] == [980, 1135]   # MNIST's test split
    fashion = load_bundled("fashion-mnist")
    assert fashion.images.shape == (70000, 28, 28) and fashion.class_names[9] == "Ankle boot"
    assert fashion.train_count == 60000
    assert (mnist.name, fashion.name) == ("mnist", "fashion-mnist")   # the names runs show


def test_licences_ship_with_the_data():
    for name in ("mnist", "fashion-mnist"):
        assert "licen" in resource_path(name, "LICENSE.md").read_text().lower()


def test_idx_pair_and_folder_round_trip(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (12, 28, 28), dtype=np.uint8)
    labels = np.arange(12, dtype=np.uint8) % 10
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", images, 2051, compress=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels, 2049)
    ds = load_path(tmp_path)
    assert np.array_equal(ds.images, images) and ds.labels.tolist() == labels.tolist()
    assert ds.name == tmp_path.name
    ds2 = load_path(tmp_path / "train-images-idx3-ubyte.gz")
    assert np.array_equal(ds2.images, images)


def test_npz_in_keras_layout(tmp_path):
    x = np.random.default_rng(1).integers(0, 256, (20, 28, 28), dtype=np.uint8)
    y = np.arange(20) % 10
    np.savez(tmp_path / "mnist.npz", x_train=x, y_train=y, x_test=x[:2] // 2, y_test=y[:2])
    ds = load_dataset(str(tmp_path / "mnist.npz"))
    assert np.array_equal(ds.images, np.concatenate([x, x[:2] // 2])) and ds.train_count == 20
    np.savez(tmp_path / "train-only.npz", x_train=x, y_train=y)
    ds = load_dataset(str(tmp_path / "train-only.npz"))
    assert np.array_equal(ds.images, x) and ds.train_count == 20


@pytest.mark.parametrize("case, expected", [
    ("empty", "empty (0 bytes)"),
    ("truncated_gzip", "gzip stream is corrupt or truncated"),
    ("wrong_magic", "not an IDX images file"),
    ("short_body", "truncated or corrupt"),
])
def test_bad_idx_files_name_the_file_and_problem(tmp_path, case, expected):
    images = np.random.default_rng(2).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    good = struct.pack(">IIII", 2051, 5, 28, 28) + images.tobytes()
    path = tmp_path / "train-images-idx3-ubyte"
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(5, np.uint8), 2049)
    if case == "empty":
        path.write_bytes(b"")
    elif case == "truncated_gzip":
        path = tmp_path / "train-images-idx3-ubyte.gz"
        path.write_bytes(gzip.compress(good)[:2000])
    elif case == "wrong_magic":
        path.write_bytes(struct.pack(">IIII", 2049, 5, 28, 28) + images.tobytes())
    else:
        path.write_bytes(good[:-100])
    with pytest.raises(DatasetError) as err:
        load_idx_pair(path, tmp_path / "train-labels-idx1-ubyte")
    assert str(path) in str(err.value) and expected in str(err.value)


@pytest.mark.parametrize("arrays, expected", [
    (dict(images=np.zeros((4, 28, 28))), "missing key(s) x_train, y_train"),
    (dict(x_train=np.zeros((4, 32, 32)), y_train=np.zeros(4, int)), "expected (N, 28, 28)"),
    (dict(x_train=np.zeros((4, 28, 28)), y_train=np.zeros(3, int)), "3 labels for 4 images"),
    (dict(x_train=np.full((4, 28, 28), np.nan), y_train=np.zeros(4, int)), "NaN"),
])
def test_bad_npz_files(tmp_path, arrays, expected):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(DatasetError, match=None) as err:
        load_npz(path)
    assert expected in str(err.value) and str(path) in str(err.value)


def test_corrupt_npz_and_zero_byte_npz(tmp_path):
    np.savez(tmp_path / "ok.npz", x_train=np.zeros((4, 28, 28), np.uint8), y_train=np.zeros(4, int))
    raw = (tmp_path / "ok.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "zero.npz").write_bytes(b"")
    with pytest.raises(DatasetError, match="not a readable .npz"):
        load_npz(tmp_path / "cut.npz")
    with pytest.raises(DatasetError, match="empty"):
        load_npz(tmp_path / "zero.npz")


def test_per_image_min_max():
    x = np.stack([np.full((28, 28), 7, np.uint8), np.arange(784, dtype=np.uint8).reshape(28, 28)])
    out = normalise_per_image(x)
    assert out[0].max() == 0.0
    assert out[1].min() == 0.0 and out[1].max() == pytest.approx(1.0)


def test_seed_subset_and_fixed_view_sets(mnist):
    config = preset_config("ae", "bce", "original-2018")
    data = prepare_training_data(config, mnist)
    assert data.train_images.shape == (10000, 28, 28, 1)
    assert np.array_equal(data.train_labels, mnist.labels[5000:15000])
    again = prepare_training_data(config, mnist)
    assert np.array_equal(data.view_images, again.view_images) and len(data.view_labels) == 1000
    assert sorted(data.reconstruction_labels.tolist()) == list(range(10))
    other = prepare_training_data(config.replace(seed=1), mnist)
    assert not np.array_equal(data.view_labels, other.view_labels)


def test_shown_digits_are_bytes_of_the_training_subset(mnist):
    """1,000 shown digits come from the training subset, stored as the bytes of the very images
    the model trains on."""
    config = preset_config("ae", "bce", "quick", train_size=2_000, train_offset=100)
    data = prepare_training_data(config, mnist)
    assert data.view_images.dtype == np.uint8 and data.view_images.shape == (1000, 28, 28, 1)
    as_float = data.view_images.astype(np.float32) / 255
    found = [int(np.abs(data.train_images - im).max(axis=(1, 2, 3)).argmin()) for im in as_float[:20]]
    np.testing.assert_allclose(data.train_images[found], as_float[:20], atol=0.5 / 255)
    assert np.array_equal(data.train_labels[found], data.view_labels[:20])


def test_all_points_show_the_whole_dataset_test_split_included(mnist):
    """'All': every one of MNIST's 70,000 digits, the 10,000 test digits among them, while the
    model trains on its subset of the training split only."""
    config = preset_config("vae", "bce", "quick", latent_points=ALL_POINTS)
    data = prepare_training_data(config, mnist)
    assert len(data.view_images) == 70_000 and data.view_images.nbytes == 70_000 * 784
    assert np.array_equal(data.view_labels, mnist.labels)
    assert np.array_equal(data.view_images[65_000, ..., 0],
                          np.round(normalise_per_image(mnist.images[65_000:65_001])[0] * 255))
    assert data.train_images.shape == (10_000, 28, 28, 1)   # still the 2018 subset
    with pytest.raises(ValueError, match="2018 original.*at most 10,000"):
        preset_config("vae", "bce", "original-2018", latent_points=ALL_POINTS)


def test_a_folder_of_pictures_is_a_dataset_with_its_classes(picture_folder):
    """Subfolders are the classes (by name, sorted); colour pictures of any size and format are
    made 28 x 28 grey; a broken file is named in the notice and skipped; others are ignored."""
    ds = load_dataset(str(picture_folder))
    assert ds.class_names == ("discs", "squares", "stripes") and ds.name == "shapes"
    assert ds.images.shape == (120, 28, 28) and ds.images.dtype == np.uint8
    assert np.bincount(ds.labels).tolist() == [40, 40, 40] and ds.train_count == 120
    assert "broken.png" in ds.notice and "skipped 1" in ds.notice and "notes.txt" not in ds.notice
    discs, squares = ds.images[ds.labels == 0], ds.images[ds.labels == 1]
    assert discs[:, 14, 14].min() > 40 and squares[:, 14, 14].min() > 40    # the shape's middle
    assert discs[:, 0, 0].max() < 10                                         # black corners
    assert discs[:, 6, 6].mean() < squares[:, 6, 6].mean()   # a disc leaves its box's corner


def test_a_flat_folder_is_one_class_and_an_empty_one_is_named(tmp_path, picture_folder):
    ds = load_dataset(str(picture_folder / "discs"))
    assert ds.class_names == ("discs",) and len(ds.images) == 40 and set(ds.labels) == {0}
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "readme.txt").write_text("no pictures here")
    with pytest.raises(DatasetError, match=r"nothing: no pictures"):
        load_dataset(str(empty))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.png").write_bytes(b"junk")
    with pytest.raises(DatasetError, match=r"none of its 1 pictures could be read; the first: a.png"):
        load_dataset(str(broken))


def test_a_picture_folder_trains_with_its_class_names(picture_folder):
    config = preset_config("vae", "bce", "quick", dataset=str(picture_folder), epochs=1)
    data = prepare_training_data(config, load_dataset(config.dataset))
    assert data.train_images.shape == (120, 28, 28, 1) and data.class_names[2] == "stripes"
    assert "broken.png" in data.notice
