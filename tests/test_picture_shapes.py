"""Pictures of other sides and colour: the conversion, what each preset takes, what a run is told."""

import numpy as np
import pytest

from engine.latent.config import preset_config
from engine.latent.datasets import channels_for, load_dataset
from engine.latent.models import build_models
from engine.latent.picture_format import fit_pictures
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data


def test_fit_pictures_resizes_and_converts_colour():
    ramp = np.tile(np.linspace(0, 255, 28).round().astype(np.uint8), (2, 28, 1))   # (2, 28, 28)
    big = fit_pictures(ramp, 64, 3)
    assert big.shape == (2, 64, 64, 3) and big.dtype == np.uint8
    assert np.array_equal(big[..., 0], big[..., 2])             # grey repeated into RGB
    assert big[0, 10, 0, 0] < 10 and big[0, 10, -1, 0] > 245     # the ramp still runs left to right
    back = fit_pictures(big, 28, 1)[..., 0]
    assert np.abs(back.astype(int) - ramp).max() <= 6            # a smooth picture survives the trip
    red = np.zeros((1, 40, 40, 3), np.uint8)
    red[..., 0] = 200
    grey = fit_pictures(red, 32, 1)
    assert grey.shape == (1, 32, 32, 1) and abs(int(grey[0, 5, 5, 0]) - round(200 * 0.299)) <= 1


def test_a_colour_folder_trains_at_any_side_in_rgb(picture_folder):
    """As the pictures are: a colour folder is RGB; the quick and conv models see 32 x 32 RGB,
    decode colour and learn (the loss falls)."""
    assert channels_for("auto", str(picture_folder), "conv") == 3
    assert channels_for("auto", "mnist", "conv") == 1
    assert channels_for("auto", str(picture_folder), "original-2018") == 1
    for preset in ("conv", "quick"):
        config = preset_config("ae", "bce", preset, dataset=str(picture_folder), image_side=32,
                               channels=3, batch_size=20)
        data = prepare_training_data(config, load_dataset(config.dataset,
                                                          image_shape=config.image_shape))
        assert data.train_images.shape == (120, 32, 32, 3) and data.view_images.shape[1:] == (32, 32, 3)
        assert data.notice.startswith("skipped 1")      # read at the shape asked: nothing converted
        trainer = AutoencoderTrainer(config, data)
        losses = [trainer.train(16, 0)[:, 0].mean() for _ in range(12)]
        assert losses[-1] < losses[0], (preset, losses)
        snapshot = trainer.snapshot()
        assert snapshot.reconstructions.shape == (10, 32, 32, 3)
        assert trainer.fixtures.view_image(0).shape == (32, 32, 3)


def test_mnist_made_larger_says_so():
    config = preset_config("vae", "mse", "conv", image_side=64, channels=3, train_size=200)
    data = prepare_training_data(config, load_dataset("mnist"))
    assert data.train_images.shape == (200, 64, 64, 3)
    assert data.notice == "mnist's 28 × 28 grey pictures are made 64 × 64 RGB"
    assert build_models(config).decode(np.zeros((2, 3))).shape == (2, 64, 64, 3)


def test_the_2018_original_stays_28_grey_and_says_so(picture_folder):
    with pytest.raises(ValueError, match="2018 original sees 28 × 28 grey pictures, not 32 × 32 grey"):
        preset_config("ae", "bce", "original-2018", image_side=32)
    with pytest.raises(ValueError, match="not 28 × 28 RGB"):
        preset_config("ae", "bce", "original-2018", channels=3)
    config = preset_config("ae", "bce", "original-2018", dataset=str(picture_folder))
    data = prepare_training_data(config, load_dataset(config.dataset))
    assert "the 2018 original sees 28 × 28 grey: shapes's colour pictures are made so" in data.notice


def test_shown_pictures_are_capped_by_their_bytes():
    """70,000 pictures of 64 x 64 RGB would be 860 MB of bytes: fewer are shown, and the run
    says how many."""
    config = preset_config("ae", "bce", "quick", image_side=64, channels=3, train_size=200,
                           latent_points=70_000)
    data = prepare_training_data(config, load_dataset("mnist"))
    assert len(data.view_images) == 21_845 and data.view_images.nbytes <= 2**28
    assert "showing 21,845 pictures of 64 × 64 RGB (at most 268.4 MB of them)" in data.notice


def test_cifar10_from_keras_cache(cifar_cache):
    from engine.latent.datasets import load_cifar10

    ds = load_cifar10(cifar_cache / ".keras/datasets/cifar-10-batches-py")
    assert ds.images.shape == (360, 32, 32, 3) and ds.train_count == 300 and ds.colour
    assert ds.class_names[0] == "airplane" and ds.class_names[9] == "truck"
    k = int(ds.labels[0])
    red, green, _ = ds.images[0, 5, 5].astype(int)           # rows of RGB, not planes
    assert abs(red - k * 25) <= 4 and abs(green - (250 - k * 25)) <= 4


def test_a_tampered_cifar_pickle_runs_nothing(cifar_cache, tmp_path):
    """A batch whose pickle names a function (here: one that would write a file) is refused by
    name, and the function never runs."""
    import pickle

    from engine.latent.datasets import DatasetError, load_cifar10

    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    folder = cifar_cache / ".keras/datasets/cifar-10-batches-py"
    (folder / "data_batch_3").write_bytes(pickle.dumps({b"data": Exploit()}, protocol=2))
    with pytest.raises(DatasetError, match=r"data_batch_3: not a readable CIFAR-10 batch "
                                           r"\(it names (builtins|io)\.open, which is not array data\)"):
        load_cifar10(folder)
    assert not marker.exists()
    (folder / "test_batch").unlink()
    with pytest.raises(DatasetError, match="CIFAR-10 is not in Keras' cache \\(missing test_batch\\)"):
        load_cifar10(folder)


def test_a_folder_over_the_picture_cap_is_refused_before_reading(picture_folder, monkeypatch):
    """The cap is in bytes of the pictures as read: at 64 x 64 RGB a folder of 100,000 fits
    (1.2 GB); past the cap the folder is refused by its count of files (121, the broken one too),
    before any picture is decoded."""
    from engine.latent import datasets

    monkeypatch.setattr(datasets, "MAX_FOLDER_BYTES", 100 * 64 * 64 * 3)
    with pytest.raises(datasets.DatasetError, match="shapes: 121 pictures; Latent Lab reads up to "
                                                    "100 from a folder"):
        datasets.load_dataset(str(picture_folder), image_shape=(64, 64, 3))
    assert len(datasets.load_dataset(str(picture_folder), image_shape=(32, 32, 3)).images) == 120
