"""Frozen, validated settings of one autoencoder or VAE training run, and its named presets."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from enum import Enum

from engine.runs.control import check_learning_rate

SCHEMA_VERSION = 1


class ModelKind(str, Enum):
    """Plain autoencoder (case b) or variational autoencoder (case c)."""

    AE = "ae"
    VAE = "vae"


class Loss(str, Enum):
    """Reconstruction term. A VAE always adds KL; ``kl`` is the VAE's KL-only run."""

    BCE = "bce"
    MSE = "mse"
    KL = "kl"


class Preset(str, Enum):
    """``seed``: the 2018 conv architecture and schedule; ``quick``: a small dense model."""

    SEED = "seed"
    QUICK = "quick"


class Reduction(str, Enum):
    """``seed``: summed over the batch and pixels, as the 2018 logs were; ``mean``: per image."""

    SEED = "seed"
    MEAN = "mean"


class Backprop(str, Enum):
    """How gradients are computed: TensorFlow's autodiff, or the hand-written backward pass."""

    AUTODIFF = "autodiff"
    MANUAL = "manual"


@dataclass(frozen=True)
class AutoencoderConfig:
    """Everything that defines a run; two equal configs train to the same weights."""

    kind: ModelKind = ModelKind.AE
    loss: Loss = Loss.BCE
    preset: Preset = Preset.QUICK
    reduction: Reduction = Reduction.MEAN
    backprop: Backprop = Backprop.AUTODIFF
    dataset: str = "mnist"
    epochs: int = 10
    batch_size: int = 100
    learning_rate: float = 1e-3
    train_size: int = 10_000
    train_offset: int = 5_000
    conv_channels: tuple[int, int] = (256, 512)
    dense_units: tuple[int, int] = (512, 256)
    latent_dim: int = 3
    latent_points: int = 1_000
    seed: int = 6278
    seed_kl_quirks: bool = False
    seed_backprop_quirks: bool = False
    jit_compile: bool = True

    def __post_init__(self) -> None:
        for name, enum in (("kind", ModelKind), ("loss", Loss), ("preset", Preset),
                           ("reduction", Reduction), ("backprop", Backprop)):
            value = getattr(self, name)
            if not isinstance(value, enum):
                try:
                    object.__setattr__(self, name, enum(value))
                except ValueError:
                    choices = ", ".join(e.value for e in enum)
                    raise ValueError(f"{name} must be one of {choices}, not {value!r}") from None
        for name in ("conv_channels", "dense_units"):
            object.__setattr__(self, name, tuple(int(v) for v in getattr(self, name)))
        if self.loss is Loss.KL and self.kind is not ModelKind.VAE:
            raise ValueError("the KL-only loss needs the VAE: a plain autoencoder has no KL term")
        if self.backprop is Backprop.MANUAL and self.kind is not ModelKind.AE:
            raise ValueError("hand-written backprop exists for the plain autoencoder only")
        if self.seed_backprop_quirks and self.backprop is not Backprop.MANUAL:
            raise ValueError("the seed's backprop quirks apply to hand-written backprop only")
        if self.seed_kl_quirks and self.kind is not ModelKind.VAE:
            raise ValueError("the seed's KL quirks apply to the VAE only")
        _check_range("epochs", self.epochs, 1, 10_000)
        _check_range("batch_size", self.batch_size, 1, 4_096)
        _check_range("train_size", self.train_size, 1, 1_000_000)
        _check_range("train_offset", self.train_offset, 0, 1_000_000)
        _check_range("latent_dim", self.latent_dim, 1, 64)
        _check_range("latent_points", self.latent_points, 1, 100_000)
        if self.batch_size > self.train_size:
            raise ValueError(f"batch_size {self.batch_size} is larger than train_size "
                             f"{self.train_size}: no full batch can be drawn")
        check_learning_rate(self.learning_rate, "learning_rate")
        for name in ("conv_channels", "dense_units"):
            for width in getattr(self, name):
                _check_range(name, width, 1, 4_096)

    @property
    def has_kl(self) -> bool:
        return self.kind is ModelKind.VAE

    @property
    def has_reconstruction(self) -> bool:
        return self.loss is not Loss.KL

    def replace(self, **changes) -> "AutoencoderConfig":
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data = {k: (v.value if isinstance(v, Enum) else v) for k, v in data.items()}
        return json.dumps({"schema": SCHEMA_VERSION, **data}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "AutoencoderConfig":
        data = json.loads(text)
        if data.pop("schema", None) != SCHEMA_VERSION:
            raise ValueError("this settings file was written by another version of Latent Lab")
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _check_range(name: str, value: int, lo: int, hi: int) -> None:
    if not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}, not {value!r}")


def preset_config(kind: ModelKind | str, loss: Loss | str, preset: Preset | str,
                  **overrides) -> AutoencoderConfig:
    """The named preset for a model and loss, with any field overridden."""
    preset = Preset(preset)
    if preset is Preset.SEED:
        # XLA measured ~100x slower than plain TF for these convolutions on CPU (11 s vs 85 ms)
        base = dict(epochs=21, batch_size=10, learning_rate=8e-5, reduction=Reduction.SEED,
                    jit_compile=False)
    else:
        base = dict(epochs=10, batch_size=100, learning_rate=1e-3, reduction=Reduction.MEAN)
    base.update(overrides)
    return AutoencoderConfig(kind=ModelKind(kind), loss=Loss(loss), preset=preset, **base)
