"""De-emoji engine: compositing and its mask, the harmonic fill, deterministic crops, the STL-10
reader, a user's folder with bad files, PSNR, bfloat16 where the CPU has it, the learning-rate
decay, and networks that learn (loss falls) and refuse foreign weights."""

import numpy as np
import pytest
from PIL import Image

from engine.deemoji import config as deemoji_config
from engine.deemoji import data as deemoji_data
from engine.deemoji.config import DeEmojiNet, preset
from engine.deemoji.data import (
    SIDE,
    augment_photos,
    corrupt,
    crops_from_photos,
    emoji_name,
    emoji_paths,
    emoji_split,
    load_emoji,
    load_photo_folder,
    paste,
    read_stl10,
    recolour_emoji,
    recolour_parts,
)
from engine.deemoji.metrics import psnr
from engine.deemoji.models import HarmonicFill, MaskWithRim, network_weights_from_file
from engine.deemoji.trainer import DeEmojiData, DeEmojiTrainer, cosine_factor, prepare_data
from engine.files.images import ImageFileError, load_image
from engine.files.model_files import ModelFileError, save_model
from engine.runs.loop import run_loop
from engine.runs.run import Run
from engine.tf_runtime import fast_bfloat16


@pytest.fixture(scope="module")
def emoji():
    return load_emoji(emoji_paths()[:12])


def test_paste_blends_inside_the_box_and_leaves_the_rest_untouched(emoji):
    photo = np.random.default_rng(0).uniform(0, 255, (96, 96, 3)).astype(np.float32)
    out, mask = paste(photo, emoji[0], row=30, col=50)
    box = np.zeros((96, 96), bool)
    box[30:70, 50:90] = True
    assert np.array_equal(out[~box], photo[~box])
    assert (mask[~box] == 0).all()
    alpha = emoji[0][..., 3] / 255.0
    np.testing.assert_allclose(mask[box].reshape(40, 40), alpha, atol=1e-6)
    opaque = alpha == 1.0
    np.testing.assert_allclose(out[30:70, 50:90][opaque], emoji[0][..., :3][opaque], atol=1e-4)


def test_paste_clips_at_the_edges(emoji):
    photo = np.zeros((50, 60, 3), np.float32)
    out, mask = paste(photo, emoji[1], row=-10, col=45)
    assert out.shape == (50, 60, 3) and mask[:30, 45:].sum() > 0 and mask[:, :45].sum() == 0


def test_corrupt_changes_only_what_the_mask_covers(emoji):
    photos = np.random.default_rng(1).integers(0, 256, (8, SIDE, SIDE, 3), dtype=np.uint8)
    pairs = corrupt(photos, emoji, seed=3)
    clean_where = pairs.mask == 0
    assert np.array_equal(pairs.corrupted[clean_where], pairs.clean[clean_where])
    assert all(m.sum() > 100 for m in pairs.mask)  # one emoji on every photo
    assert np.array_equal(corrupt(photos, emoji, seed=3).corrupted, pairs.corrupted)


def test_recoloured_emoji_keep_their_shape_and_change_colour(emoji):
    rng = np.random.default_rng(0)
    for e in emoji:
        other = recolour_emoji(e, rng)
        assert other.shape == e.shape and other.min() >= 0 and other.max() <= 255
        assert np.array_equal(other[..., 3], e[..., 3])
    opaque = emoji[..., 3] > 128
    changed = [np.abs(recolour_emoji(e, rng)[..., :3] - e[..., :3])[o].mean() > 5
               for e, o in zip(emoji, opaque)]
    assert sum(changed) >= len(emoji) - 2  # a shuffle of a grey emoji may leave it as it was
    photos = np.random.default_rng(1).integers(0, 256, (30, SIDE, SIDE, 3), dtype=np.uint8)
    plain, mixed = corrupt(photos, emoji, seed=3), corrupt(photos, emoji, seed=3, recolour=1.0)
    assert np.array_equal(plain.corrupted, corrupt(photos, emoji, seed=3, recolour=0.0).corrupted)
    assert not np.array_equal(plain.corrupted, mixed.corrupted)


def test_emoji_parts_are_recoloured_each_on_its_own():
    """A red half and a green half: recoloured part by part, sometimes one half changes and the
    other keeps its colour (a whole recolouring changes both or neither); each half stays one
    flat colour, and the shape and alpha are kept."""
    flat = np.zeros((40, 40, 4), np.float32)
    flat[:, :20, :3], flat[:, 20:, :3] = (200, 30, 30), (30, 200, 30)
    flat[..., 3] = 255
    flat[:3, :3, 3] = 0
    halves = (np.s_[3:, :20], np.s_[:, 20:])
    outcomes = set()
    for seed in range(40):
        out = recolour_parts(flat, np.random.default_rng(seed))
        assert out.shape == flat.shape and np.array_equal(out[..., 3], flat[..., 3])
        for half in halves:
            assert np.ptp(out[half][..., :3].reshape(-1, 3), axis=0).max() == 0
        outcomes.add(tuple(bool(np.abs(out[h] - flat[h]).max() > 0) for h in halves))
    assert {(True, False), (False, True)} <= outcomes
    again = recolour_parts(flat, np.random.default_rng(7))
    assert np.array_equal(again, recolour_parts(flat, np.random.default_rng(7)))


def test_emoji_files_are_named_by_their_code_points():
    assert emoji_name("1f340") == "four leaf clover"
    assert emoji_name("2764-fe0f") == "heavy black heart"          # presentation selector skipped
    assert emoji_name("1f469-200d-1f680") == "woman, rocket"       # a joined sequence
    for stem in ("logo", "e000", "110000", "1f340-"):             # not named code points
        assert emoji_name(stem) == stem


def test_the_held_out_emoji_stay_out_of_training_with_the_full_set(monkeypatch, tmp_path):
    bundled = emoji_paths()
    train, held = emoji_split(False, 6278, 0.15)
    assert len(held) == 15 and sorted(train + held) == bundled
    extra = [tmp_path / f"{code}.png" for code in ("1f004", "1f0cf", "1f170")]
    full_set = sorted([tmp_path / p.name for p in bundled] + extra)   # the same emoji, elsewhere
    monkeypatch.setattr(deemoji_data, "emoji_paths",
                        lambda full=False: full_set if full else bundled)
    full_train, full_held = emoji_split(True, 6278, 0.15)
    assert full_held == held
    assert {p.stem for p in full_train} == {p.stem for p in full_set} - {p.stem for p in held}
    assert len(full_train) == len(train) + len(extra)


def test_the_blend_mask_covers_a_one_pixel_rim_around_what_the_finder_found():
    found = np.zeros((1, 8, 8, 1), np.float32)
    found[0, 3, 4, 0], found[0, 6, 1, 0] = 1.0, 0.4
    blend = MaskWithRim()(found).numpy()[0, ..., 0]
    assert np.array_equal(blend[2:5, 3:6], np.ones((3, 3)))     # the pixel and its 8 neighbours
    assert np.allclose(blend[5:8, 0:3], 0.4)                     # a soft score keeps its value
    assert np.isclose(blend.sum(), 9 + 0.4 * 9)                  # and nothing else


def test_the_fill_paints_a_smooth_photo_back_under_the_emoji_and_ignores_its_colours():
    rows, cols = np.mgrid[0:SIDE, 0:SIDE] / (SIDE - 1)
    photo = np.stack([rows, cols, 0.5 + 0.0 * rows], -1).astype(np.float32)[None]  # harmonic ramps
    with_emoji = photo.copy()
    with_emoji[:, 30:70, 20:60] = (1.0, 1.0, 0.0)
    mask = np.zeros((1, SIDE, SIDE, 1), np.float32)
    mask[:, 30:70, 20:60] = 0.7                      # more likely emoji than not: painted over
    fill = HarmonicFill()([with_emoji, mask]).numpy()
    assert np.abs(fill - photo)[:, 30:70, 20:60].max() < 0.03
    mask[:, 30:70, 20:60] = 0.4                      # less likely: the pixels are kept
    kept = HarmonicFill()([with_emoji, mask]).numpy()
    assert np.abs(kept - with_emoji)[:, 32:68, 22:58].max() < 1e-6


def test_crops_are_deterministic_for_a_seed():
    photos = [Image.fromarray(np.random.default_rng(i).integers(0, 256, (200, 300, 3),
                                                                dtype=np.uint8)) for i in range(3)]
    a = crops_from_photos(photos, 10, seed=7)
    assert a.shape == (10, 96, 96, 3) and a.dtype == np.uint8
    assert np.array_equal(a, crops_from_photos(photos, 10, seed=7))
    assert not np.array_equal(a, crops_from_photos(photos, 10, seed=8))


def test_augmented_photos_differ_by_the_share_asked_and_repeat_for_a_seed():
    photos = np.random.default_rng(0).integers(0, 256, (40, 96, 96, 3), dtype=np.uint8)
    assert np.array_equal(augment_photos(photos, np.random.default_rng(1), share=0.0), photos)
    changed = augment_photos(photos, np.random.default_rng(1), share=1.0)
    assert changed.shape == photos.shape and changed.dtype == np.float32
    assert changed.min() >= 0 and changed.max() <= 255
    assert all(not np.allclose(c, p) for c, p in zip(changed, photos))
    half = augment_photos(photos, np.random.default_rng(2), share=0.5)
    same = [np.array_equal(h, p) for h, p in zip(half, photos)]
    assert 8 <= sum(same) <= 32
    assert np.array_equal(half, augment_photos(photos, np.random.default_rng(2), share=0.5))


def test_stl10_reader_decodes_column_major_images(tmp_path):
    images = np.random.default_rng(2).integers(0, 256, (3, 96, 96, 3), dtype=np.uint8)
    images[0, 5, 70] = (255, 0, 0)  # row 5, column 70 red: a transposed reader would miss it
    path = tmp_path / "train_X.bin"
    path.write_bytes(images.transpose(0, 3, 2, 1).tobytes())  # STL-10 stores each channel column-major
    read = read_stl10(path)
    assert np.array_equal(read, images)
    assert np.array_equal(read_stl10(path, limit=2), images[:2])
    (tmp_path / "short.bin").write_bytes(b"\0" * 1000)
    with pytest.raises(ImageFileError, match="not a whole number"):
        read_stl10(tmp_path / "short.bin")


def test_a_folder_with_bad_files_says_which_and_loads_the_rest(tmp_path):
    Image.new("RGB", (120, 100), (10, 200, 30)).save(tmp_path / "good.png")
    Image.new("RGB", (100, 140), (200, 10, 30)).save(tmp_path / "good2.jpg")
    (tmp_path / "notes.txt").write_text("not a picture")
    (tmp_path / "broken.jpg").write_bytes(Image.new("RGB", (50, 50)).tobytes()[:100])
    jpeg = tmp_path / "half.jpg"
    Image.new("RGB", (200, 200), (1, 2, 3)).save(tmp_path / "full.jpg")
    jpeg.write_bytes((tmp_path / "full.jpg").read_bytes()[:300])
    (tmp_path / "full.jpg").unlink()
    photos, problems = load_photo_folder(tmp_path)
    assert len(photos) == 2
    text = " ".join(problems)
    assert "notes.txt" in text and "broken.jpg" in text and "half.jpg" in text


def test_a_huge_picture_is_refused_with_a_message(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("1", (20_000, 20_000)).save(path)  # 400 MP, a few kB on disk
    with pytest.raises(ImageFileError, match="too large"):
        load_image(path)


def test_psnr_inside_and_outside():
    clean = np.full((2, 8, 8, 3), 0.5, np.float32)
    mask = np.zeros((2, 8, 8), np.float32)
    mask[:, 2:6, 2:6] = 1.0
    out = clean.copy()
    out[:, 2:6, 2:6] += 0.1
    p = psnr(out, clean, mask)
    assert p["inside"] == pytest.approx(20.0, abs=1e-3)     # MSE 0.01
    assert p["outside"] == pytest.approx(60.0)              # identical: capped at 60 dB
    assert p["whole"] == pytest.approx(10 * np.log10(1 / (0.01 * 16 / 64)), abs=1e-3)


def small_data(emoji, n=60):
    rng = np.random.default_rng(0)
    photos = rng.integers(0, 256, (n, 1, 1, 3), dtype=np.uint8).repeat(SIDE, 1).repeat(SIDE, 2)
    return DeEmojiData(photos, emoji, corrupt(photos[:6], emoji, seed=9), "test")  # flat colours


@pytest.mark.parametrize("net,width,bfloat16,lr", [(DeEmojiNet.IMPROVED, 0.34, False, 1e-3),
                                                   (DeEmojiNet.IMPROVED, 0.34, True, 1e-3),
                                                   (DeEmojiNet.ORIGINAL_2018, 0.1, False, 3e-3)])
def test_training_loss_falls(emoji, net, width, bfloat16, lr):
    epochs = 12 if net is DeEmojiNet.IMPROVED else 6
    config = preset(net, width_scale=width, train_images=60, epochs=epochs, learning_rate=lr,
                    bfloat16=bfloat16, cosine_decay=False, clean_share=0.0)  # emoji on every one
    trainer = DeEmojiTrainer(config, small_data(emoji))
    conv = trainer.model.get_layer("e1b" if net is DeEmojiNet.IMPROVED else "l2")
    assert conv.compute_dtype == ("bfloat16" if bfloat16 else "float32")
    run = Run("deemoji", config)
    for update in run_loop(trainer, update_interval_s=0.2):
        run.apply(update)
    losses = run.column("loss")
    assert run.state.value == "finished" and len(losses) == 6 * epochs
    # the first step is left out: the improved net's untrained mask paints half the picture
    assert np.mean(losses[-12:]) < 0.9 * np.mean(losses[1:13])
    mse = run.column("mse")
    assert np.mean(mse[-12:]) < 0.8 * np.mean(mse[1:13])
    assert run.latest().payload.outputs.shape == (6, 96, 96, 3)
    assert set(run.evaluations.column("step")) == set(run.snapshots.steps)  # one PSNR a snapshot
    out = trainer.clean_up(np.random.default_rng(0).random((1, 50, 70, 3)))
    assert out.shape == (1, 50, 70, 3)  # any size, padded to a multiple of 4 and cropped back
    assert out.dtype == np.float32


def test_the_improved_net_decays_its_learning_rate_along_a_cosine(emoji):
    for net, decayed in ((DeEmojiNet.IMPROVED, True), (DeEmojiNet.ORIGINAL_2018, False)):
        config = preset(net, width_scale=0.1, train_images=60, epochs=2, learning_rate=3e-3)
        trainer = DeEmojiTrainer(config, small_data(emoji))
        final = list(run_loop(trainer))[-1]
        assert final.state.value == "finished" and final.step == 12
        last_lr = float(trainer.optimizer.learning_rate.numpy())
        expected = 3e-3 * cosine_factor(11 / 12) if decayed else 3e-3  # set before the last step
        assert last_lr == pytest.approx(expected, rel=1e-5)
    assert cosine_factor(0) == 1 and cosine_factor(0.5) == pytest.approx(0.5)
    assert cosine_factor(1) == pytest.approx(0) and cosine_factor(2) == pytest.approx(0)


def test_bfloat16_is_chosen_only_where_the_cpu_multiplies_it(tmp_path, monkeypatch):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n")
    assert not fast_bfloat16(str(cpuinfo))
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16\n")
    assert fast_bfloat16(str(cpuinfo))
    assert not fast_bfloat16(str(tmp_path / "missing"))
    for fast in (False, True):
        monkeypatch.setattr(deemoji_config, "fast_bfloat16", lambda: fast)
        assert preset(DeEmojiNet.IMPROVED).bfloat16 is fast
        assert preset(DeEmojiNet.ORIGINAL_2018).bfloat16 is False  # the 2018 network stays float32


def test_weights_of_another_network_are_refused(emoji, tmp_path):
    a = DeEmojiTrainer(preset(DeEmojiNet.IMPROVED, width_scale=0.25, train_images=10,
                              bfloat16=True), small_data(emoji))
    seed = preset(DeEmojiNet.ORIGINAL_2018, width_scale=0.1, train_images=10)
    save_model(a.model, tmp_path / "a.keras")
    with pytest.raises(ModelFileError, match="holds a improved network, not seed_2018"):
        network_weights_from_file(tmp_path / "a.keras", seed)
    # a model trained in bfloat16 loads on a machine that runs it in float32
    c = DeEmojiTrainer(a.config.replace(bfloat16=False, seed=1), small_data(emoji))
    assert not np.array_equal(c.model.get_weights()[0], a.model.get_weights()[0])
    c.set_weights(network_weights_from_file(tmp_path / "a.keras", c.config))
    assert all(np.array_equal(x, y) for x, y in zip(c.model.get_weights(), a.model.get_weights()))
    assert c.model.get_layer("e1b").compute_dtype == "float32"
    (tmp_path / "junk.keras").write_bytes(b"junk")
    with pytest.raises(ModelFileError, match="not a zip archive"):
        network_weights_from_file(tmp_path / "junk.keras", a.config)


def test_bundled_data_holds_out_photos_and_emoji(monkeypatch):
    """Training never sees a held-out photo or emoji: the crops of each part come from disjoint
    photos (the ones the frozen set and the app's scores use are the held-out ones), and the
    emoji pasted on the held-out crops are none of the training emoji."""
    from engine.deemoji import trainer as deemoji_trainer
    from engine.deemoji.evaluation import held_out_photo_paths

    cut_from = []
    real_crops = deemoji_trainer.crops_from_photos

    def recording_crops(photos, *args, **kwargs):
        cut_from.append({np.asarray(p).tobytes() for p in photos})
        return real_crops(photos, *args, **kwargs)

    pasted = []
    real_load = deemoji_trainer.load_emoji
    monkeypatch.setattr(deemoji_trainer, "crops_from_photos", recording_crops)
    monkeypatch.setattr(deemoji_trainer, "load_emoji",
                        lambda paths: pasted.append(list(paths)) or real_load(paths))
    data = prepare_data(preset(DeEmojiNet.IMPROVED, train_images=20, held_out_images=8))
    assert data.train_photos.shape == (20, 96, 96, 3)
    assert data.held_out.corrupted.shape == (8, 96, 96, 3)
    train_photos, held_photos = cut_from
    assert not train_photos & held_photos and len(train_photos) + len(held_photos) == 28
    assert held_photos == {np.asarray(load_image(p)).tobytes() for p in held_out_photo_paths()}
    train_emoji, held_emoji = pasted
    assert not {p.stem for p in train_emoji} & {p.stem for p in held_emoji}
    assert len(train_emoji) == 85 and len(held_emoji) == 15 and len(data.train_emoji) == 85


def test_a_reused_trainer_trains_exactly_like_a_new_one(emoji):
    config = preset(DeEmojiNet.IMPROVED, width_scale=0.25, train_images=20, epochs=1,
                    bfloat16=False)
    other = config.replace(seed=5, learning_rate=2e-3)
    fresh = np.concatenate([u.rows for u in run_loop(DeEmojiTrainer(other, small_data(emoji)))])
    trainer = DeEmojiTrainer.for_run(config, small_data(emoji))
    list(run_loop(trainer))
    trainer.release()
    reused_trainer = DeEmojiTrainer.for_run(other, small_data(emoji))
    assert reused_trainer is trainer
    reused = np.concatenate([u.rows for u in run_loop(reused_trainer)])
    np.testing.assert_array_equal(reused[:, 2:], fresh[:, 2:])
