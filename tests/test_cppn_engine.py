"""CPPN engine: the 2018 coordinate grid, determinism, channels, tiled rendering, the
streamed PNG export, animations, and the fit (its loss falls; hand-written gradients match
autodiff)."""

import numpy as np
import pytest
from PIL import Image, ImageSequence

from engine.cppn.colormaps import colourise, lookup_table
from engine.cppn.config import ACTIVATIONS, PRESETS, CPPNConfig, CPPNStyle
from engine.cppn.fit import CPPNFitConfig, CPPNFitter, FitLoss, match_channels
from engine.cppn.network import coordinate_axis, init_weights
from engine.cppn.paths import PathKind, ZPath
from engine.cppn.render import RenderCancelled, export_animation, export_png, render
from engine.latent.config import Backprop
from engine.runs.loop import run_loop
from engine.runs.run import Run
from engine.tf_runtime import tf

SMALL = CPPNConfig(width=16, depth=2, activations=("atan", "atan"), z_dim=16)


def spec_coordinates(x_dim, y_dim, scale):
    """The 2018 code, verbatim (docs/original-2018.md)."""
    x_range = scale * (np.arange(x_dim) - (x_dim - 1) / 2.0) / (x_dim - 1) / 0.5
    y_range = scale * (np.arange(y_dim) - (y_dim - 1) / 2.0) / (y_dim - 1) / 0.5
    x_mat = np.matmul(np.ones((y_dim, 1)), x_range.reshape((1, x_dim)))
    y_mat = np.matmul(y_range.reshape((y_dim, 1)), np.ones((1, x_dim)))
    return x_mat, y_mat, np.sqrt(x_mat * x_mat + y_mat * y_mat)


@pytest.mark.parametrize("cols,rows,scale", [(7, 7, 1.0), (8, 6, 1.0), (1080, 1080, 1.0),
                                             (33, 64, 8.0)])
def test_coordinate_grid_matches_the_2018_code(cols, rows, scale):
    x_mat, y_mat, r_mat = spec_coordinates(cols, rows, scale)
    xs, ys = coordinate_axis(cols, scale), coordinate_axis(rows, scale)
    np.testing.assert_allclose(np.broadcast_to(xs[None, :], x_mat.shape), x_mat, atol=1e-6)
    np.testing.assert_allclose(np.broadcast_to(ys[:, None], y_mat.shape), y_mat, atol=1e-6)
    np.testing.assert_allclose(np.sqrt(xs[None, :] ** 2 + ys[:, None] ** 2), r_mat, atol=1e-6)
    assert xs[0] == pytest.approx(-scale) and xs[-1] == pytest.approx(scale)


def test_the_same_seed_paints_the_same_picture_and_another_seed_does_not():
    z = np.full(16, 0.3, np.float32)
    a = render(init_weights(SMALL), z, 40, 30, 1.0)
    b = render(init_weights(SMALL), z, 40, 30, 1.0)
    c = render(init_weights(SMALL.replace(seed=5)), z, 40, 30, 1.0)
    assert np.array_equal(a, b)
    assert np.abs(a - c).mean() > 0.01


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_channels_give_the_right_shapes(channels):
    cfg = SMALL.replace(channels=channels)
    img = render(init_weights(cfg), np.zeros(16, np.float32), 50, 20, 1.0)
    assert img.shape == (20, 50, channels)
    assert 0.0 <= img.min() and img.max() <= 1.0 and img.std() > 0.01


def test_the_2018_original_preset_is_the_2018_network():
    cfg = PRESETS[0].config
    assert (cfg.style, cfg.width, cfg.depth, cfg.activations, cfg.channels) == \
        (CPPNStyle.ORIGINAL_2018, 64, 4, ("atan",) * 4, 1)
    w = init_weights(cfg)
    # the 2018 spreads: z 1.0, x 0.1, y 0.8, r 1.0 (64 or 4096 samples each)
    assert np.std(w.arrays[0]) == pytest.approx(1.0, rel=0.05)
    assert np.std(w.arrays[1]) == pytest.approx(0.1, rel=0.25)
    assert np.std(w.arrays[2]) == pytest.approx(0.8, rel=0.25)
    assert PRESETS[1].config.channels == 3 and PRESETS[1].config.width == 32


def test_a_tiled_2048_render_equals_the_untiled_one():
    w = init_weights(PRESETS[1].config)
    z = ZPath(PathKind.SWEEP, w.config.z_dim).at(0.4)
    whole = render(w, z, 2048, 2048, 1.0, band_pixels=None)
    tiled = render(w, z, 2048, 2048, 1.0, band_pixels=100_000)
    assert np.array_equal(whole, tiled)


def test_every_activation_renders_finite_pixels():
    for name in ACTIVATIONS:
        cfg = SMALL.replace(activations=(name, name))
        assert np.isfinite(render(init_weights(cfg), np.ones(16, np.float32), 16, 16, 2.0)).all()


def test_bad_settings_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="activation"):
        CPPNConfig(depth=1, activations=("swish",))
    with pytest.raises(ValueError, match="channels"):
        CPPNConfig(channels=2)
    with pytest.raises(ValueError, match="8,192"):
        render(init_weights(SMALL), np.zeros(16, np.float32), 9000, 10, 1.0)
    with pytest.raises(ValueError, match="z has 3 values"):
        render(init_weights(SMALL), np.zeros(3, np.float32), 10, 10, 1.0)


def test_png_export_streams_the_same_pixels(tmp_path):
    w = init_weights(SMALL.replace(channels=4))
    z = np.full(16, 0.5, np.float32)
    seen = []
    path = export_png(w, z, 300, 200, 1.5, "viridis", tmp_path / "still.png", progress=seen.append)
    with Image.open(path) as img:
        assert img.size == (300, 200) and img.mode == "RGBA"
        pixels = np.asarray(img)
    expected = (np.clip(render(w, z, 300, 200, 1.5), 0, 1) * 255 + 0.5).astype(np.uint8)
    assert np.array_equal(pixels, expected)
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_grey_export_goes_through_the_colour_map(tmp_path):
    w = init_weights(SMALL)
    z = np.zeros(16, np.float32)
    with Image.open(export_png(w, z, 64, 64, 1.0, "viridis", tmp_path / "v.png")) as img:
        assert img.mode == "RGB"
        colours = np.asarray(img)
    with Image.open(export_png(w, z, 64, 64, 1.0, "grey", tmp_path / "g.png")) as img:
        assert img.mode == "L"
        grey = np.asarray(img)
    assert grey.std() > 5
    # the map is read between its entries: within one entry's step of the grey's own entry
    assert np.abs(colours.astype(int) - lookup_table("viridis")[grey]).max() <= 3
    exact = colourise(np.arange(256, dtype=np.float32).reshape(16, 16, 1) / 255, "magma")
    assert np.array_equal(exact.reshape(256, 3), lookup_table("magma"))
    assert np.array_equal(lookup_table("viridis")[[0, 255]], [[68, 1, 84], [253, 231, 37]])


def test_a_cancelled_export_writes_nothing(tmp_path):
    target = tmp_path / "old.png"
    target.write_bytes(b"previous")
    with pytest.raises(RenderCancelled):
        export_png(init_weights(SMALL), np.zeros(16, np.float32), 2048, 2048, 1.0, "grey", target,
                   cancelled=lambda: True)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["old.png"]


def read_frames(path) -> list[np.ndarray]:
    """Every frame as RGB, read back with the library that wrote it (PyAV for MP4)."""
    if path.suffix == ".mp4":
        import av
        with av.open(str(path)) as video:
            return [f.to_ndarray(format="rgb24").astype(np.float32) for f in video.decode(video=0)]
    with Image.open(path) as img:
        return [np.asarray(f.convert("RGB"), np.float32) for f in ImageSequence.Iterator(img)]


@pytest.mark.parametrize("suffix", [".gif", ".webp", ".mp4"])
def test_animations_stream_every_frame_and_read_back(tmp_path, suffix):
    w = init_weights(SMALL.replace(channels=3))
    seen = []
    path = export_animation(w, ZPath(PathKind.CIRCLE, 16, seed=3), 12, 47, 1.0, "viridis",
                            tmp_path / f"loop{suffix}", frame_ms=50, progress=seen.append)
    shown = read_frames(path)
    assert len(shown) == 12 and seen[-1] == 1.0
    assert all(f.std() > 1 for f in shown)
    assert np.abs(shown[0] - shown[6]).mean() > 1  # the picture moves
    assert [p.name for p in tmp_path.iterdir()] == [path.name]   # no temporary left


def test_a_cancelled_animation_leaves_no_file(tmp_path):
    calls = []

    def cancel_on_the_third_frame():
        calls.append(1)
        return len(calls) > 40

    with pytest.raises(RenderCancelled):
        export_animation(init_weights(SMALL), ZPath(PathKind.SWEEP, 16), 200, 64, 1.0, "grey",
                         tmp_path / "long.mp4", 40, cancelled=cancel_on_the_third_frame)
    assert list(tmp_path.iterdir()) == []


def test_z_paths():
    sweep = ZPath(PathKind.SWEEP, 4)
    assert np.array_equal(sweep.at(0.25), np.full(4, 0.25)) and not sweep.loops
    assert np.allclose(sweep.times(4), [0, 0.25, 0.5, 0.75])                   # the 2018 t = i/N
    for path in (ZPath(PathKind.CIRCLE, 8, seed=2, radius=1.5),
                 ZPath(PathKind.KEYFRAMES, 3, keyframes=((0, 0, 0), (1, 0, 0), (0, 1, 1)))):
        assert path.loops and np.allclose(path.at(0.0), path.at(1.0))
        steps = [np.linalg.norm(path.at(t + 0.01) - path.at(t)) for t in np.arange(0, 1, 0.01)]
        seam, before, after = steps[-1], steps[-2], steps[0]     # 0.99 -> 1.0 is 0.99 -> 0.0
        assert 0.8 < seam / before < 1.2 and 0.8 < seam / after < 1.2
    keys = ZPath(PathKind.KEYFRAMES, 3, keyframes=((0, 0, 0), (1, 0, 0), (0, 1, 1)))
    assert np.allclose(keys.at(1 / 3), (1, 0, 0)) and np.allclose(keys.at(2 / 3), (0, 1, 1))
    circle = ZPath(PathKind.CIRCLE, 8, seed=2, radius=1.5)
    centre = (circle.at(0) + circle.at(0.5)) / 2
    assert all(np.isclose(np.linalg.norm(circle.at(t) - centre), 1.5) for t in (0.1, 0.37, 0.8))


def test_match_channels():
    rgb = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.5]]],
                   np.float32)
    grey = match_channels(rgb, 1)[0, :, 0]
    np.testing.assert_allclose(grey, [0.299, 0.587, 0.114, 0.5], atol=1e-6)   # ITU-R 601 luma
    assert np.array_equal(match_channels(rgb[..., :1], 3)[0, 1], [0, 0, 0])
    np.testing.assert_allclose(match_channels(grey[None, :, None], 3)[0, 0], [0.299] * 3)
    rgba = match_channels(rgb, 4)
    assert rgba.shape == (1, 4, 4) and (rgba[..., 3] == 1).all()
    see_through = np.array([[[0.0, 0.0, 1.0, 0.25]]], np.float32)          # a quarter-opaque blue
    np.testing.assert_allclose(match_channels(see_through, 3)[0, 0], [0.75, 0.75, 1.0])
    np.testing.assert_allclose(match_channels(see_through, 4)[0, 0], [0.0, 0.0, 1.0, 0.25])


@pytest.mark.parametrize("loss", list(FitLoss))
@pytest.mark.parametrize("preset", [0, 2])
def test_hand_written_gradients_match_gradient_tape(loss, preset):
    cfg = PRESETS[preset].config.replace(width=12, depth=3, z_dim=5, channels=3,
                                         activations=("atan", "sin", "gaussian"))
    target = np.random.default_rng(1).random((9, 11, 3)).astype(np.float32)
    z = np.random.default_rng(2).uniform(-1, 1, 5).astype(np.float32)
    fitter = CPPNFitter(init_weights(cfg), z, 2.0, target, CPPNFitConfig(loss, Backprop.MANUAL))
    _, manual = fitter.gradients()
    fitter.config = CPPNFitConfig(loss, Backprop.AUTODIFF)
    _, auto = fitter.gradients()
    for m, a in zip(manual, auto):
        rel = float(tf.reduce_max(tf.abs(m - a)) / (tf.reduce_max(tf.abs(a)) + 1e-12))
        assert rel <= 1e-4


def fit(fitter):
    run = Run("cppn-fit", fitter.config)
    for update in run_loop(fitter):
        run.apply(update)
    return run


@pytest.mark.parametrize("backprop", list(Backprop))
def test_fitting_a_digit_lowers_the_loss(mnist, backprop):
    digit = mnist.images[0].astype(np.float32) / 255.0
    cfg = SMALL.replace(width=32, weight_scale=0.5)
    fitter = CPPNFitter(init_weights(cfg), np.full(16, 0.5, np.float32), 1.0, digit,
                        CPPNFitConfig(FitLoss.BCE, backprop, steps=300, learning_rate=5e-3))
    run = fit(fitter)
    losses = run.column("loss")
    assert len(losses) == 300 and run.state.value == "finished"
    assert np.mean(losses[-20:]) < 0.5 * np.mean(losses[:5])
    assert run.latest().payload.picture.shape == (28, 28, 1)
    assert all(np.array_equal(a, b) for a, b in zip(run.latest().weights, fitter.weights().arrays))


def test_a_diverging_fit_stops_and_keeps_finite_weights():
    """Eight |x| layers (they never saturate) with weights 100x their usual spread and a learning
    rate of 1e3 overflow float32 at the third step."""
    target = np.random.default_rng(0).random((8, 8, 1)).astype(np.float32)
    cfg = SMALL.replace(depth=8, activations=("abs",) * 8, weight_scale=100.0)
    fitter = CPPNFitter(init_weights(cfg), np.ones(16, np.float32), 1.0, target,
                        CPPNFitConfig(FitLoss.BCE, steps=300, learning_rate=1e3))
    run = fit(fitter)
    assert run.state.value == "failed", f"the fit did not diverge (loss {run.final_loss()})"
    assert "lower the learning rate" in run.message and run.step < 300
    assert all(np.isfinite(a).all() for a in fitter.weights().arrays)
