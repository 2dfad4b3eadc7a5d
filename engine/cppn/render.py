"""Rendering a CPPN: a pure function of (weights, z, width, height, scale) at any resolution.

``scale`` is the coordinate range: x and y span [-scale, scale], so bigger is more zoomed out.
Big pictures are rendered in bands of rows, so memory stays bounded whatever the size: a still
streams its bands into a PNG file, an animation its frames into a GIF, WebP or MP4.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from engine.cppn.colormaps import colourise
from engine.cppn.config import CPPNConfig
from engine.cppn.network import CPPNWeights, coordinate_axis, forward
from engine.cppn.paths import ZPath
from engine.files.animations import AnimationWriter
from engine.files.png_stream import StreamingPNGWriter
from engine.tf_runtime import tf
from engine.validation import check_int

BAND_PIXELS = 1 << 18     # pixels per band at most: ~64 MB per hidden activation at width 64
# multiply-adds per band at most: the 2018 original network's (H 64, 4 layers) 2^18 pixels, about
# 0.05 s here; a wider or deeper network gets fewer rows per band, so a cancel or a close waits
# for one band of about that size, whatever the network
BAND_WORK = (1 << 18) * 64 * 64 * 4
MAX_SIDE = 8192
MAX_FRAMES = 2000


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
    check_int("width", width, 1, MAX_SIDE)
    check_int("height", height, 1, MAX_SIDE)


def _z_vector(weights: CPPNWeights, z) -> np.ndarray:
    z = np.asarray(z, np.float32).reshape(-1)
    if z.shape != (weights.config.z_dim,):
        raise ValueError(f"z has {z.size} values; this network takes {weights.config.z_dim}")
    return z


def band_rows(config: CPPNConfig, width: int, band_pixels: int | None = BAND_PIXELS) -> int:
    """Rows per band: at most ``band_pixels`` pixels and :data:`BAND_WORK` multiply-adds."""
    if band_pixels is None:
        return MAX_SIDE
    work = config.width * config.width * config.depth
    return max(1, min(band_pixels, BAND_WORK // max(work, 1)) // width)


def render_bands(weights: CPPNWeights, z, width: int, height: int, scale: float,
                 band_pixels: int | None = BAND_PIXELS,
                 cancelled: Callable[[], bool] | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first row, rows × width × C float32 in [0, 1]) bands covering the picture; each
    band is cut from the full picture's coordinate grid, so bands join seamlessly.
    ``cancelled()`` is asked before each band; true raises :class:`RenderCancelled`."""
    check_size(width, height)
    run = _compiled(_shape_key(weights.config))
    xs, ys = coordinate_axis(width, scale), coordinate_axis(height, scale)
    zt = tf.constant(_z_vector(weights, z))
    params = [tf.constant(a) for a in weights.arrays]
    rows = band_rows(weights.config, width, band_pixels)
    for top in range(0, height, rows):
        if cancelled is not None and cancelled():
            raise RenderCancelled("render cancelled")
        band = run(params, tf.constant(xs), tf.constant(ys[top:top + rows]), zt,
                   tf.constant(scale, tf.float32))
        yield top, band.numpy()


def render(weights: CPPNWeights, z, width: int, height: int, scale: float,
           band_pixels: int | None = BAND_PIXELS,
           cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    """The picture, (height, width, C) float32 in [0, 1]; ``band_pixels=None`` renders it in one
    pass (more memory, same pixels)."""
    out = np.empty((height, width, weights.config.channels), np.float32)
    for top, band in render_bands(weights, z, width, height, scale, band_pixels, cancelled):
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
        for top, band in render_bands(weights, z, width, height, scale, cancelled=cancelled):
            png.write_rows(colourise(band, colormap))
            if progress is not None:
                progress(min(1.0, (top + len(band)) / height))
    return Path(path)


def export_animation(weights: CPPNWeights, path: ZPath, frames: int, side: int, scale: float,
                     colormap: str, out: str | Path, frame_ms: float,
                     progress: Callable[[float], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> Path:
    """Render ``frames`` frames of z moving along ``path`` and write them one by one to a GIF,
    WebP or MP4 (memory: one frame). ``cancelled()`` true stops between bands or frames, leaves
    no file and raises :class:`RenderCancelled`."""
    check_int("frames", frames, 1, MAX_FRAMES)
    return export_frames(((weights, path.at(t)) for t in path.times(frames)), frames, side,
                         scale, colormap, out, frame_ms, progress, cancelled)


def export_frames(pictures: Iterable[tuple[CPPNWeights, np.ndarray]], frames: int, side: int,
                  scale: float, colormap: str, out: str | Path, frame_ms: float,
                  progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Path:
    """Render each of ``frames`` (weights, z) ``pictures`` and write it to a GIF, WebP or MP4 as
    it comes (memory: one frame); stops as :func:`export_animation` does."""
    check_int("frames", frames, 1, MAX_FRAMES)
    with AnimationWriter(out, frame_ms) as writer:
        for k, (weights, z) in enumerate(pictures):
            if cancelled is not None and cancelled():
                raise RenderCancelled(f"export of {Path(out).name} cancelled")
            writer.add(render_pixels(weights, z, side, side, scale, colormap, cancelled))
            if progress is not None:
                progress((k + 1) / frames)
    return Path(out)


def render_pixels(weights: CPPNWeights, z, width: int, height: int, scale: float,
                  colormap: str, cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    """The picture as display-ready uint8 pixels (see :func:`engine.cppn.colormaps.colourise`)."""
    return colourise(render(weights, z, width, height, scale, cancelled=cancelled), colormap)


def render_small(weights: CPPNWeights, z, side: int, scale: float, colormap: str) -> np.ndarray:
    """A small picture (a breeding preview) as uint8 pixels, run eagerly: tracing a compiled
    pass for every new design a mutation makes would cost more than the picture."""
    check_int("side", side, 1, 512)
    xs = tf.constant(coordinate_axis(side, scale))
    params = [tf.constant(a) for a in weights.arrays]
    logits = forward(weights.config, params, xs, xs, tf.constant(_z_vector(weights, z)),
                     tf.constant(scale, tf.float32))
    return colourise(tf.sigmoid(logits).numpy(), colormap)
