"""Frozen, validated settings of a CPPN (case a) and its named presets.

A config fixes the network (style, width, depth, activations, output channels, weight scale,
random seed); what is *rendered* from it (coordinate scale, z, resolution) is passed to
:func:`engine.cppn.render.render` separately, so dragging a view parameter never rebuilds weights.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from engine.cppn.paths import PathKind
from engine.validation import Choice, check_choice, check_float, check_int

ACTIVATIONS = ("atan", "tanh", "sigmoid", "sin", "gaussian", "relu", "softplus", "abs")
CHANNELS = (1, 3, 4)


class CPPNStyle(Choice):
    """``original-2018``: each input branch activated before the sum, as the 2018 network did.
    ``cppn-tensorflow``: hardmaru's 2016 network, linear branches summed, then tanh (without the
    random biases that network adds: see :func:`engine.cppn.network.init_weights`)."""

    ORIGINAL_2018 = "original-2018"
    OTORO = "cppn-tensorflow"


@dataclass(frozen=True)
class CPPNConfig:
    """The network; two equal configs give the same weights and so the same pictures."""

    style: CPPNStyle = CPPNStyle.ORIGINAL_2018
    width: int = 64                              # hidden units per layer (H)
    depth: int = 4                               # hidden layers after the input sum
    activations: tuple[str, ...] = ("atan",) * 4  # one per hidden layer
    channels: int = 1                            # 1 grey, 3 RGB, 4 RGBA
    z_dim: int = 64                              # length of the z vector
    weight_scale: float = 1.0                    # multiplies every initial weight's spread
    seed: int = 678                              # the 2018 CPPN's random seed

    def __post_init__(self) -> None:
        object.__setattr__(self, "style", check_choice("style", self.style, CPPNStyle))
        object.__setattr__(self, "activations", tuple(self.activations))
        check_int("width", self.width, 1, 1024)
        check_int("depth", self.depth, 1, 16)
        check_int("z_dim", self.z_dim, 1, 1024)
        check_int("seed", self.seed, 0, 2**31 - 1)
        if self.channels not in CHANNELS:
            raise ValueError(f"channels must be 1 (grey), 3 (RGB) or 4 (RGBA), not {self.channels!r}")
        if len(self.activations) != self.depth:
            raise ValueError(f"{len(self.activations)} activations given for {self.depth} "
                             "hidden layers: give one per layer")
        for name in self.activations:
            if name not in ACTIVATIONS:
                raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")
        check_float("weight_scale", self.weight_scale, 0.0, 100.0, lo_open=True)

    def replace(self, **changes) -> "CPPNConfig":
        """A copy with some fields changed; a new depth keeps the activations it can."""
        if "depth" in changes and "activations" not in changes:
            acts = list(self.activations)[:changes["depth"]]
            acts += [acts[-1] if acts else "atan"] * (changes["depth"] - len(acts))
            changes["activations"] = tuple(acts)
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class CPPNPreset:
    """A named starting point: the network plus the view it was shown with."""

    name: str
    config: CPPNConfig
    scale: float          # coordinate range: x and y span [-scale, scale]; bigger = zoomed out
    path: PathKind        # the 2018 sweep z = t·ones, or a path between random z's


PRESETS = (
    CPPNPreset("2018 original (H 64, grey)", CPPNConfig(), 1.0, PathKind.SWEEP),
    CPPNPreset("2018 original RGB (H 32)", CPPNConfig(width=32, channels=3, z_dim=32), 1.0,
               PathKind.SWEEP),
    CPPNPreset("cppn-tensorflow (2016)",
               CPPNConfig(style=CPPNStyle.OTORO, width=32, depth=3, activations=("tanh",) * 3,
                          channels=1, z_dim=8, seed=678), 8.0, PathKind.THERE_AND_BACK),
)
