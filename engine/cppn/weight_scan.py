"""Scanning one weight of a CPPN (as CPPN-X does): which weight (a layer, the unit it feeds and
the unit or input it comes from), the network with that weight changed, the values of a scan
through a range, and a small picture of what every unit of every layer outputs.

Layers, in :class:`CPPNWeights` order: the input branches ``z`` (z_dim × H), ``x``, ``y``, ``r``
(one weight per unit), the hidden matrices (H × H) and the output (H × channels).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.cppn.network import CPPNWeights, coordinate_axis, forward
from engine.tf_runtime import tf
from engine.validation import check_int

MAX_SCAN_SPAN = 50.0       # a scan goes at most this far either side of the weight
UNITS_SHOWN = 12           # unit pictures per layer at most
UNIT_SIDE = 32


def layer_names(weights: CPPNWeights) -> list[str]:
    """A name per weight array: z, x, y, r, hidden 1 … hidden N, output."""
    depth = weights.config.depth
    return ["z", "x", "y", "r", *(f"hidden {k + 1}" for k in range(depth)), "output"]


@dataclass(frozen=True)
class WeightRef:
    """One weight: array ``layer`` (an index into :func:`layer_names`), from unit or input
    ``source`` (0 for x, y and r, which have one weight per unit) to unit ``unit``."""

    layer: int
    source: int
    unit: int

    def index(self, weights: CPPNWeights) -> tuple[int, ...]:
        """Where the weight sits in its array; a ValueError names what does not fit."""
        arrays = weights.arrays
        check_int("layer", self.layer, 0, len(arrays) - 1)
        shape = arrays[self.layer].shape
        name = layer_names(weights)[self.layer]
        check_int(f"{name}: unit", self.unit, 0, shape[-1] - 1)
        if len(shape) == 1:
            return (self.unit,)
        check_int(f"{name}: from", self.source, 0, shape[0] - 1)
        return (self.source, self.unit)

    def describe(self, weights: CPPNWeights) -> str:
        name = layer_names(weights)[self.layer]
        if weights.arrays[self.layer].ndim == 1:
            return f"{name} → unit {self.unit}"
        source = f"z[{self.source}]" if self.layer == 0 else f"unit {self.source}"
        target = f"channel {self.unit}" if name == "output" else f"unit {self.unit}"
        return f"{name}: {source} → {target}"


def weight_value(weights: CPPNWeights, ref: WeightRef) -> float:
    return float(weights.arrays[ref.layer][ref.index(weights)])


def with_weight(weights: CPPNWeights, ref: WeightRef, value: float) -> CPPNWeights:
    """``weights`` with the one weight set to ``value`` (a new array for that layer only)."""
    if not np.isfinite(value):
        raise ValueError(f"a weight must be a finite number, not {value}")
    index = ref.index(weights)
    changed = weights.arrays[ref.layer].copy()
    changed[index] = value
    arrays = list(weights.arrays)
    arrays[ref.layer] = changed
    return CPPNWeights(weights.config, tuple(arrays))


def scan_values(centre: float, span: float, frames: int) -> np.ndarray:
    """A scan that starts at ``centre``, swings to ``centre + span``, to ``centre − span`` and
    back (one period of a sine), ``frames`` values, so a looping animation has no jump."""
    check_int("frames", frames, 2, 2000)
    span = float(np.clip(span, 0.0, MAX_SCAN_SPAN))
    phase = 2 * np.pi * np.arange(frames) / frames
    return (centre + span * np.sin(phase)).astype(np.float32)


def unit_pictures(weights: CPPNWeights, z, scale: float, side: int = UNIT_SIDE
                  ) -> list[np.ndarray]:
    """What the units output over the picture, per layer after the inputs are mixed (the
    inputs' sum, then each hidden layer): (units, side, side) grey uint8, each unit stretched
    to its own range (a flat unit is mid-grey), at most :data:`UNITS_SHOWN` units a layer."""
    check_int("side", side, 2, 256)
    config = weights.config
    xs = tf.constant(coordinate_axis(side, scale))
    record: dict = {}
    forward(config, [tf.constant(a) for a in weights.arrays], xs, xs,
            tf.constant(np.asarray(z, np.float32).reshape(-1)), tf.constant(scale, tf.float32),
            record)
    layers = [tf.reshape(record["u"], [side, side, config.width]), *(
        tf.reshape(out, [side, side, config.width]) for out in record["outs"])]
    pictures = []
    for layer in layers:
        units = np.moveaxis(layer.numpy()[..., :UNITS_SHOWN], -1, 0)
        low = units.min(axis=(1, 2), keepdims=True)
        span = units.max(axis=(1, 2), keepdims=True) - low
        share = np.where(span > 1e-6, (units - low) / np.maximum(span, 1e-6), 0.5)
        pictures.append((share * 255 + 0.5).astype(np.uint8))
    return pictures
