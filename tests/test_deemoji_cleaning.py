"""Cleaning real photos with the bundled networks: clean photos stay clean, pasted emoji are found
and filled, the mask is decided and corrected by hand, the classical fills compare, and whole
folders are cleaned without touching an original."""

import hashlib

import numpy as np
import pytest
from PIL import Image

from engine.deemoji.cleaning import (
    THRESHOLD,
    Cancelled,
    Eagerness,
    PhotoCleaner,
    decide_mask,
    harmonic_fill,
)
from engine.deemoji.config import DeEmojiNet, preset
from engine.deemoji.data import emoji_paths, held_out_split, load_emoji
from engine.deemoji.evaluation import SPLIT_SEED, held_out_photo_paths
from engine.deemoji.fills import Truth, compare_fills
from engine.deemoji.folder import FolderError, clean_folder
from engine.deemoji.hand_cleaning import HandCleaning
from engine.deemoji.hand_edits import MAX_UNDO, HandEdits
from engine.deemoji.models import NetworkRunner, build_runner
from engine.deemoji.networks import Cleaners, NetworkFiles, bundled_network
from engine.deemoji.quality import judge, ssim_map
from engine.deemoji.trainer import HELD_OUT_FRACTION
from engine.files.images import difference_map, image_to_array, load_image
from engine.files.model_files import load_model


def psnr(a, b) -> float:
    return float(10 * np.log10(1 / max(np.square(np.asarray(a) - b).mean(), 1e-10)))


@pytest.fixture(scope="module")
def network():
    network = bundled_network()
    assert network is not None, "resources/deemoji/improved-seed{1,2,3}.keras are part of the app"
    return network


@pytest.fixture(scope="module")
def cleaner(network):
    return Cleaners().get(network)


@pytest.fixture(scope="module")
def photo():
    """A held-out photo (never trained on) at its native size."""
    return image_to_array(load_image(held_out_photo_paths()[0]))


@pytest.fixture(scope="module")
def emoji():
    return load_emoji(emoji_paths())


@pytest.fixture(scope="module")
def training_emoji(emoji):
    """The emoji the bundled networks learned from (how well it finds others is the bench's)."""
    learned, _ = held_out_split(len(emoji), HELD_OUT_FRACTION, SPLIT_SEED)
    return emoji[learned]


def test_a_clean_photo_at_native_size_comes_back_clean(cleaner, photo):
    result = cleaner.clean(photo)
    assert result.output.shape == photo.shape
    assert psnr(result.output, photo) >= 40.0
    assert result.mask.mean() < 0.01
    assert np.array_equal(result.output[~result.mask], photo[~result.mask])   # untouched


def test_emoji_pasted_at_many_sizes_are_found_and_nothing_else_changes(cleaner, photo,
                                                                        training_emoji):
    edits = HandEdits(photo)
    for k, (side, row, col) in enumerate(((24, 80, 90), (70, 300, 200), (180, 250, 560))):
        edits.paste(training_emoji[3 + k], side, row, col)
    result = cleaner.clean(edits.image)
    truth = edits.alpha > 0.5
    found = (result.mask & truth).sum() / truth.sum()
    assert found > 0.9, f"only {found:.0%} of the emoji pixels were found"
    wrong = (result.mask & (edits.alpha == 0)).sum() / max(result.mask.sum(), 1)
    assert wrong < 0.35, f"{wrong:.0%} of the mask is on clean pixels"
    assert np.array_equal(result.output[~result.mask], edits.image[~result.mask])
    inside = psnr(result.output[truth], photo[truth])
    assert inside > psnr(edits.image[truth], photo[truth]) + 6     # the emoji went


def test_the_decision_keeps_certain_regions_and_their_pieces_and_drops_specks_and_doubt():
    USUAL = Eagerness.USUAL.certainty()
    CONFIDENT = USUAL[0]
    doubtful = (THRESHOLD + CONFIDENT) / 2
    p = np.zeros((160, 160), np.float32)
    p[10:40, 10:40] = doubtful
    p[10:40, 10:18] = CONFIDENT          # a quarter certain: an emoji, all of it kept
    p[10:40, 42:44] = doubtful           # a thin piece 2 pixels beside it (a ray): joins it
    p[60:90, 60:90] = doubtful
    p[60:90, 60:66] = CONFIDENT          # a fifth certain: doubt, dropped
    p[10:13, 120:123] = CONFIDENT        # a certain speck, dropped
    p[10:40, 52:54] = doubtful           # a piece 12 pixels away from the emoji: dropped
    p[5:10, 10:40] = 0.05                # a soft edge above it, not ruled out: a 2-pixel rim
    mask = decide_mask(p, USUAL)
    assert mask[10:40, 10:40].all() and mask[10:40, 42:44].all()
    assert mask[8:10, 25].all() and not mask[7, 25]              # the rim over the soft edge
    assert not mask[25, 9]                      # but not where the finder rules emoji out
    assert not mask[60:90, 60:90].any() and not mask[10:13, 120:123].any()
    assert not mask[10:40, 52:54].any()
    assert not decide_mask(np.full((50, 50), doubtful, np.float32), USUAL).any()


def test_fewer_or_more_emoji_move_the_line_between_certain_and_doubtful():
    p = np.zeros((100, 200), np.float32)
    p[10:40, 10:40] = 0.7
    p[10:40, 10:20] = 0.996              # a third certain: an emoji, unless asked for fewer
    p[10:40, 110:140] = 0.7
    p[10:40, 110:120] = 0.97             # a third fairly sure: an emoji only if asked for more
    kept = {level: decide_mask(p, level.certainty()) for level in Eagerness}
    assert kept[Eagerness.USUAL][10:40, 10:40].all() and not kept[Eagerness.USUAL][:, 100:].any()
    assert not kept[Eagerness.FEWER].any()
    assert kept[Eagerness.MORE][10:40, 10:40].all() and kept[Eagerness.MORE][10:40, 110:140].all()


def test_networks_averaged_take_a_region_one_network_would_doubt():
    """Several networks averaged are certain less often than one: a region a third of which is
    0.985 sure is an emoji for the bundled three as trained, doubt for one network, and doubt
    for the three when asked for fewer."""
    p = np.zeros((60, 60), np.float32)
    p[10:40, 10:40] = 0.7
    p[10:40, 10:20] = 0.985
    assert decide_mask(p, Eagerness.USUAL.certainty(averaged=True))[10:40, 10:40].all()
    assert not decide_mask(p, Eagerness.USUAL.certainty()).any()
    assert not decide_mask(p, Eagerness.FEWER.certainty(averaged=True)).any()
    for level in Eagerness:
        assert decide_mask(p, level.certainty(averaged=True)).sum() >= \
            decide_mask(p, level.certainty()).sum()


def test_the_bundled_cleaner_averages_what_its_three_networks_find(network, cleaner, photo):
    alone = [Cleaners().get(NetworkFiles((path,))) for path in network.paths]
    crop = photo[:300, :400]
    assert cleaner.averaged and not any(c.averaged for c in alone)
    found = [c.probability(crop) for c in alone]
    assert np.abs(cleaner.probability(crop) - np.mean(found, axis=0)).max() < 1e-5
    assert max(np.abs(found[0] - f).max() for f in found[1:]) > 0.1    # they differ


def test_a_2018_network_cannot_be_averaged(network):
    original = build_runner(preset(DeEmojiNet.ORIGINAL_2018, width_scale=0.1))
    improved = NetworkRunner(load_model(network.paths[0]))
    assert not PhotoCleaner(original).has_finder
    with pytest.raises(ValueError, match="2018 network has no finder"):
        PhotoCleaner(improved, original)


def test_the_fill_solves_laplace_so_a_smooth_gradient_comes_back():
    """Linear ramps are harmonic: a 120-pixel hole in them is filled back to within 0.5%
    (50 far-to-near sweeps alone, the network's training fill, were 1.2% off)."""
    rows, cols = np.mgrid[:200, :240].astype(np.float32)
    ramps = np.stack([cols / 240, rows / 200, 0.3 + 0.2 * (cols + rows) / 440], -1)
    hole = (rows - 100) ** 2 + (cols - 120) ** 2 < 60 ** 2
    out = harmonic_fill(ramps, hole)
    assert np.abs(out - ramps)[hole].max() < 0.005
    assert np.array_equal(out[~hole], ramps[~hole])


def test_cleaning_stops_when_asked(cleaner, photo):
    with pytest.raises(Cancelled):
        cleaner.clean(photo, cancelled=lambda: True)


def test_the_classical_fills_change_only_their_mask_and_are_scored(photo):
    mask = np.zeros(photo.shape[:2], bool)
    mask[100:140, 200:260] = True
    alpha = mask.astype(np.float32)
    damaged = photo.copy()
    damaged[mask] = [1.0, 0.8, 0.0]
    fills = compare_fills(damaged, photo, mask, Truth(photo, alpha))
    assert [f.key for f in fills] == ["network", "telea_predicted", "ns_predicted", "telea_true",
                                      "ns_true"]
    for fill in fills[1:]:
        assert np.array_equal(fill.output[~mask], damaged[~mask])
        assert fill.scores["psnr_outside"] == 60.0
        assert fill.scores["psnr_inside"] > psnr(damaged[mask], photo[mask]) + 5
    assert fills[0].scores["psnr_inside"] == 60.0          # the "network" here was perfect
    assert compare_fills(damaged, photo, mask)[0].scores is None
    diff = difference_map(fills[1].output, damaged)
    assert not diff[~mask].any() and diff[mask].max() > 0.5


def test_pastes_and_strokes_undo_in_order(photo, emoji):
    edits = HandEdits(photo)
    edits.paste(emoji[0], 50, 100, 100)
    pasted = edits.image.copy()
    edits.brush([(10, 10), (10, 60)], 5, add=True)
    assert edits.added[10, 10:61].all() and edits.added[5:16, 30].all()
    assert not edits.added[4, 30] and not edits.added[16, 30] and not edits.added[10, 66]
    edits.brush([(10, 30)], 8, add=False)
    assert not edits.added[10, 25:35].any() and edits.erased[10, 30]
    assert edits.undo() and edits.added[10, 30] and not edits.erased.any()
    assert edits.undo() and not edits.added.any()
    assert np.array_equal(edits.image, pasted)
    assert edits.undo() and np.array_equal(edits.image, photo) and edits.alpha is None
    assert not edits.undo()
    with pytest.raises(ValueError, match="20 to 200"):
        edits.paste(emoji[0], 500, 10, 10)
    for _ in range(MAX_UNDO + 10):
        edits.brush([(5, 5)], 2, add=True)
    assert sum(edits.undo() for _ in range(MAX_UNDO + 10)) == MAX_UNDO


def test_brushed_mask_changes_the_output_only_there_and_erasing_all_returns_the_input(
        network, photo):
    hand = HandCleaning()
    none = np.zeros(photo.shape[:2], bool)
    edits = HandEdits(photo)
    edits.brush([(200, 300), (220, 340)], 12, add=True)
    result = hand.clean(network, 1, photo, edits.added, edits.erased, None)
    changed = np.abs(result.fills[0].output - photo).max(axis=-1) > 0
    assert changed.any()
    assert not (changed & ~result.mask).any()
    assert (result.mask == (result.found.mask | edits.added)).all()
    everything = np.ones_like(none)
    result = hand.clean(network, 1, photo, none, everything, None)
    assert not result.mask.any()
    assert np.array_equal(result.fills[0].output, photo)


def test_asking_for_more_emoji_decides_again_without_searching_again(network):
    hand = HandCleaning()
    for version, path in enumerate(held_out_photo_paths()):   # one the levels tell apart
        photo = image_to_array(load_image(path))
        none = np.zeros(photo.shape[:2], bool)
        usual = hand.clean(network, version, photo, none, none, None)
        more = hand.clean(network, version, photo, none, none, None, eagerness="more")
        if more.mask.sum() > usual.mask.sum():
            break
    fewer = hand.clean(network, version, photo, none, none, None, eagerness=Eagerness.FEWER)
    assert more.found is usual.found is fewer.found                   # one search
    assert np.array_equal(more.mask, decide_mask(usual.found.probability,
                                                 Eagerness.MORE.certainty(averaged=True)))
    assert more.mask.sum() > usual.mask.sum() >= fewer.mask.sum()
    assert not (usual.mask & ~more.mask).any() and not (fewer.mask & ~usual.mask).any()
    searched_eager = hand.clean(network, -1, photo, none, none, None, eagerness="more")
    assert searched_eager.found is not usual.found                    # a new photo version:
    assert np.array_equal(searched_eager.found.mask, more.mask)       # searched at that level
    changed = np.abs(more.fills[0].output - photo).max(axis=-1) > 0
    assert not (changed & ~more.mask).any()


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_folder_is_cleaned_file_by_file_and_the_originals_stay(cleaner, tmp_path, photo):
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    small = Image.fromarray((photo[:200, :300] * 255).astype(np.uint8))
    small.save(source / "a.jpg")
    small.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(source / "b.png")
    (source / "broken.jpg").write_bytes((source / "a.jpg").read_bytes()[:300])
    (source / "notes.txt").write_text("not a photo")
    before = digest(source)
    progress = []
    report = clean_folder(cleaner, source, target, lambda f, note: progress.append((f, note)))
    assert sorted(p.name for p in report.written) == ["a-clean.png", "b-clean.png"]
    assert len(report.skipped) == 2 and any("broken.jpg" in s for s in report.skipped) and \
        any("notes.txt" in s for s in report.skipped)
    assert digest(source) == before
    assert sorted(p.name for p in target.iterdir()) == ["a-clean.png", "b-clean.png"]
    assert progress[-1][0] == 1.0 and "left" in progress[-1][1]
    assert np.asarray(Image.open(target / "a-clean.png")).shape == (200, 300, 3)
    with pytest.raises(FolderError, match="photos' own"):
        clean_folder(cleaner, source, source)


def test_a_cancelled_folder_leaves_no_partial_file(cleaner, tmp_path, photo):
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name in ("a", "b"):
        Image.fromarray((photo * 255).astype(np.uint8)).save(source / f"{name}.png")
    asked = []

    def cancelled():   # yes from the fourth question on: in the middle of the first photo
        asked.append(1)
        return len(asked) > 3

    report = clean_folder(cleaner, source, target, cancelled=cancelled)
    assert report.cancelled and not report.written
    assert list(target.iterdir()) == []


def test_ssim_and_the_judge_give_known_values():
    a = np.full((40, 50, 3), 0.6, np.float32)
    b = np.full((40, 50, 3), 0.3, np.float32)
    c1 = 0.01 ** 2
    expected = (2 * 0.6 * 0.3 + c1) / (0.6 ** 2 + 0.3 ** 2 + c1)    # flat pictures: luminance only
    np.testing.assert_allclose(ssim_map(a, b), expected, rtol=1e-4)
    noise = np.random.default_rng(0).normal(0, 0.1, a.shape).astype(np.float32)
    assert ssim_map(a + noise, a + noise).min() > 0.9999
    assert ssim_map(a + noise, a).mean() < 0.5
    mask = np.zeros((40, 50), np.float32)
    mask[10:20, 10:20] = 1.0
    damaged = a.copy()
    damaged[10:20, 10:20] = 0.5                   # error 0.1 inside: 20 dB; none outside
    scores = judge(damaged, a, mask)
    assert scores["psnr_inside"] == pytest.approx(20.0, abs=1e-3)
    assert scores["psnr_outside"] == 60.0 and scores["ssim_outside"] > 0.9
    assert np.isnan(judge(a, a, np.zeros((40, 50)))["psnr_inside"])
