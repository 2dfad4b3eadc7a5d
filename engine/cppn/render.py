"""Rendering a CPPN: a pure function of (weights, z, width, height, scale) at any resolution.

``scale`` is the coordinate range: x and y span [-scale, scale], so bigger is more zoomed out.
Big pictures are rendered in bands of rows, so memory stays bounded whatever the size, and an
export streams its bands straight into a PNG file. Sweeps of z make animations.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from PIL import Image

from engine.cppn.colormaps import colourise
from engine.cppn.config import CPPNConfig
from engine.cppn.network import CPPNWeights, coordinate_axis, forward
from engine.files.png_stream import StreamingPNGWriter
from engine.tf_runtime import tf

BAND_PIXELS = 1 << 18     # pixels per band: ~64 MB per hidden activation at width 64
MAX_SIDE = 8192


class RenderCancelled(Exception):
    """An export stopped by its caller before it finished; nothing was written."""


@functools.lru_cache(maxsize=8)
def _compiled(shape_key: CPPNConfig):
    """One traced forward pass per network shape; weights come in as arguments, so a new seed
    or weight scale reuses it. (Not XLA: its atan measured ~15x slower than TensorFlow's.)"""
    h = shape_key.width
    shapes = ([(shape_key.z_dim, h), (h,), (h,), (h,)] + [(h, h)] * shape_key.depth
              + [(h, shape_key.channels)])
    signature = [[tf.TensorSpec(s, tf.float32) for s in shapes], tf.TensorSpec([None], tf.float32),
                 tf.TensorSpec([None], tf.float32), tf.TensorSpec([shape_key.z_dim], tf.float32),
                 tf.TensorSpec([], tf.float32)]

    @tf.function(input_signature=signature)
    def run(params, xs, ys, z, scale):
        return tf.sigmoid(forward(shape_key, params, xs, ys, z, scale))

    return run


def _shape_key(config: CPPNConfig) -> CPPNConfig:
    return config.replace(seed=0, weight_scale=1.0)


def check_size(width: int, height: int) -> None:
    for name, side in (("width", width), ("height", height)):
        if not isinstance(side, (int, np.integer)) or not 1 <= side <= MAX_SIDE:
            raise ValueError(f"{name} must be 1 to {MAX_SIDE} pixels, not {side!r}")


def _z_vector(weights: CPPNWeights, z) -> np.ndarray:
    z = np.asarray(z, np.float32).reshape(-1)
    if z.shape != (weights.config.z_dim,):
        raise ValueError(f"z has {z.size} values; this network takes {weights.config.z_dim}")
    return z


def render_bands(weights: CPPNWeights, z, width: int, height: int, scale: float,
                 band_pixels: int | None = BAND_PIXELS) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first row, rows × width × C float32 in [0, 1]) bands covering the picture; each
    band is cut from the full picture's coordinate grid, so bands join seamlessly."""
    check_size(width, height)
    run = _compiled(_shape_key(weights.config))
    xs, ys = coordinate_axis(width, scale), coordinate_axis(height, scale)
    zt = tf.constant(_z_vector(weights, z))
    params = [tf.constant(a) for a in weights.arrays]
    rows = height if band_pixels is None else max(1, band_pixels // width)
    for top in range(0, height, rows):
        band = run(params, tf.constant(xs), tf.constant(ys[top:top + rows]), zt,
                   tf.constant(scale, tf.float32))
        yield top, band.numpy()


def render(weights: CPPNWeights, z, width: int, height: int, scale: float,
           band_pixels: int | None = BAND_PIXELS) -> np.ndarray:
    """The picture, (height, width, C) float32 in [0, 1]; ``band_pixels=None`` renders it in one
    pass (more memory, same pixels)."""
    out = np.empty((height, width, weights.config.channels), np.float32)
    for top, band in render_bands(weights, z, width, height, scale, band_pixels):
        out[top:top + len(band)] = band
    return out


def export_png(weights: CPPNWeights, z, width: int, height: int, scale: float, colormap: str,
               path: str | Path, progress: Callable[[float], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path:
    """Render straight into a PNG, band by band (peak memory is a few bands, not the picture).
    ``progress(fraction)`` is called after each band; ``cancelled()`` true stops the export,
    removes the partial file and raises :class:`RenderCancelled`."""
    check_size(width, height)
    channels = weights.config.channels
    out_channels = 1 if channels == 1 and colormap == "grey" else (3 if channels == 1 else channels)
    with StreamingPNGWriter(path, width, height, out_channels) as png:
        for top, band in render_bands(weights, z, width, height, scale):
            if cancelled is not None and cancelled():
                raise RenderCancelled(f"export of {Path(path).name} cancelled")
            png.write_rows(colourise(band, colormap))
            if progress is not None:
                progress(min(1.0, (top + len(band)) / height))
    return Path(path)


def seed_z_pair(config: CPPNConfig) -> tuple[np.ndarray, np.ndarray]:
    """The 2018 sweep's ends: z = t·ones(z_dim) for t from 0 to 1 (spec §2.1)."""
    return np.zeros(config.z_dim, np.float32), np.ones(config.z_dim, np.float32)


def random_z_pair(config: CPPNConfig, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two z's drawn uniformly from [-1, 1] (cppn-tensorflow's prior), fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(-1.0, 1.0, (2, config.z_dim)).astype(np.float32)
    return a, b


def z_between(z_pair: tuple[np.ndarray, np.ndarray], t: float) -> np.ndarray:
    a, b = z_pair
    return ((1.0 - t) * a + t * b).astype(np.float32)


def sweep_times(frames: int, loop: bool) -> np.ndarray:
    """t for each frame: the 2018 sweep 0, 1/N, ..., (N-1)/N, or there and back (``loop``) so
    the last frame flows into the first."""
    i = np.arange(frames)
    return (0.5 - 0.5 * np.cos(2 * math.pi * i / frames)) if loop else i / frames


def sweep_frames(weights: CPPNWeights, z_pair, frames: int, width: int, height: int,
                 scale: float, colormap: str, loop: bool,
                 progress: Callable[[float], None] | None = None) -> list[Image.Image]:
    """The pictures of a z sweep as Pillow images, ready for an animated GIF or WebP."""
    if not 1 <= frames <= 2000:
        raise ValueError(f"an animation has 1 to 2000 frames, not {frames}")
    images = []
    for k, t in enumerate(sweep_times(frames, loop)):
        pixels = render_pixels(weights, z_between(z_pair, float(t)), width, height, scale,
                               colormap)
        images.append(Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels))
        if progress is not None:
            progress((k + 1) / frames)
    return images


def render_pixels(weights: CPPNWeights, z, width: int, height: int, scale: float,
                  colormap: str) -> np.ndarray:
    """The picture as display-ready uint8 pixels (see :func:`engine.cppn.colormaps.colourise`)."""
    return colourise(render(weights, z, width, height, scale), colormap)
