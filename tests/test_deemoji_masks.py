"""Masks the user controls: grown, shrunk and feathered by N pixels, read from a mask picture or
a PNG's alpha, found by a photo's name, written out; from the terminal, 'deemoji --mask-dir
--grow 4' changes each photo inside its grown mask and nowhere else, and '--mask-only' writes
the masks."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.deemoji.masks import (
    MaskEdit,
    MaskFileError,
    face_sized_regions,
    mask_path_for,
    read_mask,
    write_mask,
)
from engine.files.images import image_to_array, load_image

ROOT = Path(__file__).resolve().parent.parent


def disc(shape, centre, radius) -> np.ndarray:
    rows, cols = np.ogrid[:shape[0], :shape[1]]
    return (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 <= radius ** 2


def test_a_mask_grows_shrinks_and_feathers_by_n_pixels():
    mask = disc((80, 80), (40, 40), 10)
    grown = MaskEdit(grow=4).applied(mask)
    shrunk = MaskEdit(grow=-4).applied(mask)
    assert grown.sum() == pytest.approx(disc((80, 80), (40, 40), 14).sum(), rel=0.03)
    assert (grown >= mask).all() and (shrunk <= mask).all()
    radius = lambda m: np.nonzero(m[40])[0].max() - 40             # noqa: E731
    assert (radius(grown), radius(mask), radius(shrunk)) == (14, 10, 6)
    photo = np.zeros((80, 80, 3), np.float32)
    filled = np.ones_like(photo)
    hard = MaskEdit().blend(photo, filled, mask)
    soft = MaskEdit(feather=5).blend(photo, filled, mask)
    np.testing.assert_array_equal(hard[..., 0], mask)
    assert (soft[~mask] == 0).all()                                 # never past the mask's edge
    assert soft[40, 40, 0] == 1 and 0 < soft[40, 49, 0] < 1         # fades in over its inner edge
    with pytest.raises(ValueError, match="grow"):
        MaskEdit(grow=65)
    with pytest.raises(ValueError, match="feather"):
        MaskEdit(feather=-1)


def test_masks_are_read_from_brightness_or_alpha_and_refused_with_reasons(tmp_path):
    mask = disc((60, 90), (30, 40), 12)
    white = tmp_path / "white.png"
    write_mask(mask, white)
    np.testing.assert_array_equal(read_mask(white, (60, 90)), mask)
    overlay = np.zeros((60, 90, 4), np.uint8)
    overlay[..., :3] = 255                      # white everywhere: only the alpha tells
    overlay[..., 3] = mask * 255
    Image.fromarray(overlay).save(tmp_path / "alpha.png")
    np.testing.assert_array_equal(read_mask(tmp_path / "alpha.png", (60, 90)), mask)
    big = read_mask(white, (120, 180))                               # same proportions: scaled
    assert big.shape == (120, 180) and abs(int(big.sum()) - 4 * int(mask.sum())) < 0.1 * big.sum()
    with pytest.raises(MaskFileError, match="does not fit a photo of 60×60"):
        read_mask(white, (60, 60))
    (tmp_path / "broken.png").write_bytes(white.read_bytes()[:40])
    with pytest.raises(MaskFileError, match="broken.png"):
        read_mask(tmp_path / "broken.png", (60, 90))


def test_a_photos_mask_is_found_by_its_name(tmp_path):
    for name in ("a.png", "b-mask.png", "c_mask.jpg"):
        (tmp_path / name).write_bytes(b"")
    assert mask_path_for(Path("x/a.jpg"), tmp_path) == tmp_path / "a.png"
    assert mask_path_for(Path("b.jpg"), tmp_path) == tmp_path / "b-mask.png"
    assert mask_path_for(Path("c.webp"), tmp_path) == tmp_path / "c_mask.jpg"
    assert mask_path_for(Path("d.jpg"), tmp_path) is None


def deemoji(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "deemoji", *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_the_terminal_fills_the_grown_masks_and_nothing_else(tmp_path):
    photos, masks = tmp_path / "photos", tmp_path / "masks"
    photos.mkdir()
    masks.mkdir()
    photo = load_image(ROOT / "resources/photos/chelsea.jpg").crop((0, 0, 240, 160))
    photo.save(photos / "cat.png")
    photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photos / "unmasked.png")
    mask = disc((160, 240), (70, 120), 15)
    write_mask(mask, masks / "cat-mask.png")
    result = deemoji("--in", str(photos), "--mask-dir", str(masks), "--grow", "4",
                     "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "unmasked.png: no mask for it" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cat-clean.png"]
    before = image_to_array(load_image(photos / "cat.png"))
    after = image_to_array(load_image(tmp_path / "out/cat-clean.png"))
    changed = np.abs(after - before).max(axis=2) > 0
    grown = disc((160, 240), (70, 120), 19)          # a disc grown by 4 is the disc 4 wider
    assert not changed[~grown].any()                                 # nowhere else
    assert changed[grown].mean() > 0.5                               # inside, filled
    assert changed[grown & ~mask].any()                              # the grown ring too

    result = deemoji("--in", str(photos), "--mask-dir", str(masks), "--grow", "-5",
                     "--mask-only", "--out", str(tmp_path / "masks-out"))
    assert result.returncode == 0, result.stderr[-2000:]
    written = read_mask(tmp_path / "masks-out/cat-mask.png", (160, 240))
    np.testing.assert_array_equal(written, MaskEdit(grow=-5).applied(mask))
    result = deemoji("--in", str(photos), "--mask-dir", str(photos), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "photos' own folder" in result.stderr


def test_only_regions_large_and_solid_enough_to_hide_a_face_are_counted():
    mask = np.zeros((480, 640), bool)
    assert face_sized_regions(mask) == 0
    mask[100:180, 100:180] = True                 # an 80-pixel emoji
    mask[300:310, 300:310] = True                 # a 10-pixel one: too small for a face
    mask[20, 0:600] = True                        # a long thin stroke: covers nothing whole
    yy, xx = np.mgrid[:480, :640]
    ring = np.abs(np.hypot(yy - 350, xx - 500) - 60) < 1.5
    mask |= ring                                  # a ring: large, but it hides no face
    assert face_sized_regions(mask) == 1
    mask[400:440, 100:140] = True                 # 40 pixels, past 5 % of 480 and 24 px
    assert face_sized_regions(mask) == 2
    big = np.zeros((3000, 4000), bool)
    big[0:100, 0:100] = True                      # on a 12-MP photo 100 px is under 5 % (150)
    assert face_sized_regions(big) == 0
