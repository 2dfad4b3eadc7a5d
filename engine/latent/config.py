"""Frozen, validated settings of one autoencoder or VAE training run, and its named presets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum

from engine.runs.control import check_learning_rate
from engine.validation import Choice, check_choice, check_float, check_int, check_seed

MAX_BETA = 10.0
# points the scatter shows: up to this many of the dataset, training and test splits both (all
# 70,000 of MNIST); fewer for the 2018 original, whose conv encoder is slow a digit
ALL_POINTS = 100_000
MAX_POINTS_2018 = 10_000
IMAGE_SIDES = (28, 32, 64)   # the sides a model may see: 28 is MNIST's, 32 CIFAR's
ORIGINAL_2018_SHAPE = (28, 28, 1)   # what the 2018 original sees: MNIST's grey digits
CHANNELS = (1, 3)            # grey or RGB


class ModelKind(str, Enum):
    """Plain autoencoder (case b) or variational autoencoder (case c)."""

    AE = "ae"
    VAE = "vae"

    @property
    def tab(self) -> str:
        """The name of the window's tab for runs of this kind (its key in a workspace)."""
        return "autoencoder" if self is ModelKind.AE else "vae"


class Loss(str, Enum):
    """Reconstruction term. A VAE always adds KL; ``kl`` is the VAE's KL-only run."""

    BCE = "bce"
    MSE = "mse"
    KL = "kl"


class Preset(Choice):
    """``original-2018``: the 2018 conv architecture and schedule, quirks included (28 × 28
    grey only); ``quick``: a small dense model; ``conv``: a small strided-conv model. Quick and
    conv take any side of :data:`IMAGE_SIDES`, grey or RGB."""

    ORIGINAL_2018 = "original-2018"
    QUICK = "quick"
    CONV = "conv"


class Reduction(Choice):
    """``original-2018``: summed over the batch and pixels, as the 2018 logs were; ``mean``:
    per image."""

    ORIGINAL_2018 = "original-2018"
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
    image_side: int = 28           # what the model sees: side × side pixels, ``channels`` deep
    channels: int = 1
    latent_points: int = 1_000     # shown in the scatter; ALL_POINTS: the whole dataset
    seed: int = 6278
    beta: float = 1.0              # the KL's weight: 0 a plain AE that samples, 1 the VAE
    kl_2018_quirks: bool = False   # the 2018 VAE's KL: the 2018 original preset's default (see presets)
    backprop_2018_quirks: bool = False
    jit_compile: bool = True

    def __post_init__(self) -> None:
        for name, enum in (("kind", ModelKind), ("loss", Loss), ("preset", Preset),
                           ("reduction", Reduction), ("backprop", Backprop)):
            object.__setattr__(self, name, check_choice(name, getattr(self, name), enum))
        for name in ("conv_channels", "dense_units"):
            widths = tuple(check_int(name, v, 1, 4_096) for v in getattr(self, name))
            if len(widths) != 2:
                raise ValueError(f"{name} must be two widths, not {getattr(self, name)!r}")
            object.__setattr__(self, name, widths)
        if self.loss is Loss.KL and self.kind is not ModelKind.VAE:
            raise ValueError("the KL-only loss needs the VAE: a plain autoencoder has no KL term")
        if self.backprop is Backprop.MANUAL and self.kind is not ModelKind.AE:
            raise ValueError("hand-written backprop exists for the plain autoencoder only")
        if self.backprop_2018_quirks and self.backprop is not Backprop.MANUAL:
            raise ValueError("the 2018 code's backprop quirks apply to hand-written backprop only")
        if self.kl_2018_quirks and self.kind is not ModelKind.VAE:
            raise ValueError("the 2018 code's KL quirks apply to the VAE only")
        object.__setattr__(self, "beta", check_float("beta", self.beta, 0.0, MAX_BETA))
        if self.beta != 1.0 and self.kind is not ModelKind.VAE:
            raise ValueError("β weighs the VAE's KL: a plain autoencoder has no KL term")
        if self.beta == 0.0 and self.loss is Loss.KL:
            raise ValueError("KL only with β = 0 has nothing to minimise")
        check_int("epochs", self.epochs, 1, 10_000)
        check_int("batch_size", self.batch_size, 1, 4_096)
        check_int("train_size", self.train_size, 1, 1_000_000)
        check_int("train_offset", self.train_offset, 0, 1_000_000)
        check_int("latent_dim", self.latent_dim, 1, 64)
        check_int("latent_points", self.latent_points, 1, ALL_POINTS)
        if self.image_side not in IMAGE_SIDES:
            raise ValueError(f"image_side {self.image_side!r}: choose one of "
                             f"{', '.join(map(str, IMAGE_SIDES))}")
        if self.channels not in CHANNELS:
            raise ValueError(f"channels {self.channels!r}: 1 (grey) or 3 (RGB)")
        if self.preset is Preset.ORIGINAL_2018 and self.image_shape != ORIGINAL_2018_SHAPE:
            raise ValueError(
                f"the 2018 original sees 28 × 28 grey pictures, not {self.describe_pictures()}; "
                "use the quick or conv preset for other sides or colour")
        if self.backprop is Backprop.MANUAL and self.preset is Preset.CONV:
            raise ValueError("hand-written backprop has no strided convolutions: use the quick or "
                             "2018 original preset with it")
        if self.preset is Preset.ORIGINAL_2018 and self.latent_points > MAX_POINTS_2018:
            raise ValueError(
                f"latent_points {self.latent_points}: the 2018 original's convolutional encoder "
                f"shows at most {MAX_POINTS_2018:,} points (encoding each snapshot of more would "
                "take longer than training between them); use the quick preset for more")
        check_seed("seed", self.seed)
        if self.batch_size > self.train_size:
            raise ValueError(f"batch_size {self.batch_size} is larger than train_size "
                             f"{self.train_size}: no full batch can be drawn")
        check_learning_rate(self.learning_rate, "learning_rate")

    @property
    def has_reconstruction(self) -> bool:
        return self.loss is not Loss.KL

    def replace(self, **changes) -> "AutoencoderConfig":
        return dataclasses.replace(self, **changes)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(side, side, channels): what the encoder takes and the decoder makes."""
        return (self.image_side, self.image_side, self.channels)

    def describe_pictures(self) -> str:
        """"28 × 28 grey", "64 × 64 RGB"."""
        return f"{self.image_side} × {self.image_side} {'grey' if self.channels == 1 else 'RGB'}"

    @property
    def architecture(self) -> tuple:
        """What fixes the models' shapes: runs with equal architectures share weight layouts."""
        return (self.kind, self.preset, self.conv_channels, self.dense_units, self.latent_dim,
                self.image_shape)

    def describe(self) -> str:
        """A short name for the run: "AE · log loss · quick · seed 6278"; a latent size other
        than 3 and pictures other than 28 × 28 grey are named too ("quick · 16-D · 32 × 32 RGB")."""
        loss = {"bce": "log loss", "mse": "MSE", "kl": "KL only"}[self.loss.value]
        if self.kind is ModelKind.VAE and self.loss is not Loss.KL:
            loss += " + KL"
        if self.beta != 1.0:
            loss += f" · β {self.beta:g}"
        shape = [f"{self.latent_dim}-D"] if self.latent_dim != 3 else []
        if self.image_shape != ORIGINAL_2018_SHAPE:
            shape.append(self.describe_pictures())
        return " · ".join([self.kind.value.upper(), loss, self.preset.value, *shape,
                           f"seed {self.seed}"])


def preset_config(kind: ModelKind | str, loss: Loss | str, preset: Preset | str,
                  **overrides) -> AutoencoderConfig:
    """The named preset for a model and loss, with any field overridden.

    ``original-2018`` is what the 2018 code ran, quirks included: for the VAE that is its KL (σ read as
    log σ² when sampling but as σ in the KL, and the KL averaged over the batch while the
    reconstruction is summed), so its curves are comparable with the 2018 logs; pass
    ``kl_2018_quirks=False`` for the textbook KL."""
    preset = check_choice("preset", preset, Preset)
    kind = check_choice("kind", kind, ModelKind)
    if preset is Preset.ORIGINAL_2018:
        # XLA measured ~100x slower than plain TF for these convolutions on CPU (11 s vs 85 ms)
        base = dict(epochs=21, batch_size=10, learning_rate=8e-5, reduction=Reduction.ORIGINAL_2018,
                    jit_compile=False, kl_2018_quirks=kind is ModelKind.VAE)
    else:
        base = dict(epochs=10, batch_size=100, learning_rate=1e-3, reduction=Reduction.MEAN,
                    jit_compile=preset is Preset.QUICK)
    base.update(overrides)
    return AutoencoderConfig(kind=kind, loss=loss, preset=preset, **base)
