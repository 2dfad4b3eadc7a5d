"""Teaching de-emoji a user's stickers: which files are stickers, a sticker run starts from the
bundled network and pastes the stickers, the score and the tab (the terminal command:
test_cli.py)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6 import QtCore

from engine.deemoji.config import DeEmojiNet, preset, sticker_preset
from engine.deemoji.evaluation import score_stickers
from engine.deemoji.networks import Cleaners, NetworkFiles, bundled_network
from engine.deemoji.stickers import load_stickers
from engine.deemoji.trainer import DeEmojiTrainer, prepare_data
from engine.files.images import ImageFileError
from engine.files.model_files import load_model
from engine.files.resources import resource_path

MAGENTA = (255, 0, 255)


def magenta_sticker(folder, name="blob.png", size=(120, 80)):
    """A magenta disc on a transparent background, off centre on a wide canvas."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((60, 10, 110, 60), fill=(*MAGENTA, 255))
    image.save(folder / name)


def test_load_stickers_crops_to_the_sticker_and_lists_what_is_not_one(tmp_path):
    magenta_sticker(tmp_path)
    Image.new("RGB", (50, 50), MAGENTA).save(tmp_path / "opaque.jpg")   # no transparency
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(tmp_path / "empty.png")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
    stickers, problems = load_stickers(tmp_path)
    assert stickers.shape == (1, 40, 40, 4)
    opaque = stickers[0, ..., 3] > 128
    # cut to the disc and centred: it fills the square, its middle is magenta
    assert opaque.mean() > 0.7 and opaque[20, 20] and not opaque[0, 0]
    np.testing.assert_allclose(stickers[0, 20, 20, :3], MAGENTA, atol=2)
    text = " ".join(problems)
    for name, reason in (("opaque.jpg", "no transparent background"),
                         ("empty.png", "see-through everywhere"), ("notes.txt", "not a picture"),
                         ("broken.png", "broken.png")):
        assert name in text and reason in text
    with pytest.raises(ImageFileError, match="no usable stickers"):
        load_stickers(_only(tmp_path, "opaque.jpg"))
    with pytest.raises(ImageFileError, match="not a folder"):
        load_stickers(tmp_path / "none")


def _only(folder, name):
    alone = folder / "alone"
    alone.mkdir()
    (alone / name).write_bytes((folder / name).read_bytes())
    return alone


def test_a_sticker_run_starts_from_the_bundled_network_and_pastes_the_stickers(tmp_path):
    magenta_sticker(tmp_path)
    start = bundled_network().paths[0]
    config = sticker_preset(tmp_path, start, train_images=10, epochs=1, sticker_share=1.0,
                            clean_share=0.0)
    data = prepare_data(config)
    trainer = DeEmojiTrainer(config, data)
    for mine, bundled in zip(trainer.get_weights(), load_model(start).get_weights()):
        np.testing.assert_array_equal(mine, bundled)
    pairs = trainer.batch_pairs(np.arange(10), 0)
    solid = pairs.mask > 0.95
    assert solid.any(axis=(1, 2)).all()               # a sticker on every picture …
    colours = pairs.corrupted[solid] * 255
    assert np.abs(colours - MAGENTA).max() < 14       # … and it is the magenta one
    # the live view shows the stickers too
    assert (np.abs(data.held_out.corrupted[data.held_out.mask > 0.95] * 255 - MAGENTA) < 14).all()
    plain_config = preset(DeEmojiNet.IMPROVED, train_images=10, epochs=1, clean_share=0.0)
    plain = DeEmojiTrainer(plain_config, prepare_data(plain_config))
    plain_pairs = plain.batch_pairs(np.arange(10), 0)
    magenta = np.all(np.abs(plain_pairs.corrupted * 255 - MAGENTA) < 3, axis=-1)
    assert not magenta.any()                          # without stickers: emoji only
    assert not np.array_equal(plain.get_weights()[0], trainer.get_weights()[0])
    with pytest.raises(ValueError, match="only the improved network"):
        sticker_preset(tmp_path, start).replace(net=DeEmojiNet.ORIGINAL_2018)


def test_the_score_tells_a_found_sticker_from_a_missed_one(tmp_path):
    """The bundled network finds a badge-like sticker and misses the example barcode."""
    cleaner = Cleaners().get(NetworkFiles((bundled_network().paths[0],)))
    examples = resource_path("deemoji", "example-stickers")
    (tmp_path / "barcode.png").write_bytes((examples / "barcode.png").read_bytes())
    barcode, _ = load_stickers(tmp_path)
    missed, missed_more = score_stickers(cleaner, barcode, count=8)
    emoji, _ = load_stickers(_emoji_as_sticker(tmp_path))
    found, found_more = score_stickers(cleaner, emoji, count=8)
    assert missed.stickers_found <= 0.25 < 0.75 <= found.stickers_found
    assert missed.pictures == found.pictures == 8
    assert 0 <= found.clean_pixels_changed < 0.1 and 0 <= found.clean_untouched <= 1
    assert found.emoji_found >= 0.75
    assert found.lines()[0].startswith("finding usual: stickers found: ")
    assert found_more.eagerness == "more" and found_more.clean_pixels_changed >= \
        found.clean_pixels_changed and found_more.sticker_pixels_found >= found.sticker_pixels_found


def _emoji_as_sticker(folder):
    """A bundled emoji the network trained on, as a sticker folder."""
    target = folder / "emoji"
    target.mkdir()
    source = sorted(resource_path("emoji").glob("*.png"))[0]
    (target / source.name).write_bytes(source.read_bytes())
    return target


@pytest.fixture
def tab(window):
    window.tabs.setCurrentWidget(window.tab("deemoji"))
    return window.tab("deemoji")


def test_the_tab_teaches_the_example_stickers_and_scores_them(tab, qtbot):
    panel = tab.panel
    panel.net_box.setCurrentIndex(1)                      # the 2018 network: not for stickers
    panel.stickers_box.setCurrentIndex(1)
    panel.stickers_box.activated.emit(1)                  # "The example stickers (4)"
    assert panel.net_box.currentIndex() == 0              # back to the improved network
    assert panel.images_box.value() == 2000 and panel.epochs_box.value() == 5
    panel.images_box.setValue(20)
    panel.epochs_box.setValue(1)
    qtbot.mouseClick(tab.controls.start_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=120_000)
    assert tab.run.config.start_from.endswith("improved-seed1.keras")
    assert "4 sticker(s) of yours" in tab.run.fixtures.source
    qtbot.waitUntil(lambda: "stickers found" in panel.message_label.text(), timeout=120_000)
    text = panel.message_label.text()
    assert "finding usual" in text and "finding more" in text
    assert "held-out emoji found" in text and "clean photos untouched" in text
    panel.net_box.setCurrentIndex(1)
    assert not tab.start()
    assert "improved network" in panel.message_label.text()
