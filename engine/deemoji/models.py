"""De-emoji networks (case d): the 2018 network, and one that finds the emoji and fills the hole.

``original-2018`` is the post's plain conv encoder/decoder (docs/original-2018.md): ELU everywhere, the
output too, no biases, MSE. It learns to *remove* the emoji but has no way to know what was
under it.

``improved`` is a small U-Net that finds the emoji (a mask head) and paints what it finds
smoothly from the photo around it (:class:`HarmonicFill`). Its output keeps the input wherever the
mask says "no emoji" (``x + m·(fill − x)``, where ``m`` also covers a one-pixel rim:
:class:`MaskWithRim`), so the untouched part of the photo passes through unchanged. Both models
output ``[cleaned, mask]``. How the design was reached, with the measurements, is in
docs/deemoji.md.
"""

from __future__ import annotations

import functools

import numpy as np

from engine.deemoji.config import DeEmojiConfig, DeEmojiNet
from engine.files.model_files import ModelFileError, load_model, matching_weights
from engine.tf_runtime import keras, tf

IMAGE_SHAPE = (None, None, 3)  # fully convolutional: any size divisible by 4


def _width(config: DeEmojiConfig, channels: int) -> int:
    return max(1, round(channels * config.width_scale))


def _model_2018(config: DeEmojiConfig) -> keras.Model:
    """The 2018 network layer by layer (its CNN_Trans(k, out, in) is a transposed conv to ``out``
    channels)."""
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
    # the 2018 network has no mask head; a constant "everywhere" keeps both models' outputs alike
    mask = keras.layers.Conv2D(1, 1, use_bias=True, trainable=False, name="mask",
                               kernel_initializer="zeros", bias_initializer="ones")(x)
    # the name is in saved .keras files (model_files checks it): kept as earlier versions wrote it
    return keras.Model(x_in, [cleaned, mask], name="seed_2018")


@keras.saving.register_keras_serializable(package="LatentLab")
class HarmonicFill(keras.layers.Layer):
    """Paints the pixels the mask puts under the emoji (above 0.5) smoothly from the photo around
    them: Jacobi sweeps of Laplace's equation, each of those pixels becoming the mean of its four
    neighbours while the others keep the photo. Returns that neighbour mean everywhere, which
    the blend uses on the rim around the hole. Neighbours start 16 pixels away and end adjacent
    (:attr:`SCHEDULE`), which reaches in 50 sweeps what adjacent ones alone reach in ~1000.
    Holes are decided (mask > 0.5) so the emoji's colours never leak into the fill. The sweeps
    run as one XLA cluster (compiled once per picture size) and pass no gradient: the finder
    learns from the blend and from its own loss."""

    SCHEDULE = ((16, 10), (8, 10), (4, 10), (2, 10), (1, 10))   # (neighbour distance, sweeps)

    def call(self, inputs):
        image, mask = inputs
        return _relax(image, tf.cast(mask > 0.5, image.dtype), self.SCHEDULE)


@functools.partial(tf.function, jit_compile=True)
def _relax(image, hole, schedule):
    kept = image * (1.0 - hole)
    fill = kept
    for distance, sweeps in schedule:
        neighbours = _neighbour_count(image, distance)
        for _ in range(sweeps):
            mean = _neighbour_sum(fill, distance) / neighbours
            fill = kept + hole * mean
    return tf.stop_gradient(mean)


def _neighbour_sum(t, distance: int):
    """Sum of the four pixels ``distance`` away (up, down, left, right); outside counts as 0."""
    d = distance
    p = tf.pad(t, [[0, 0], [d, d], [d, d], [0, 0]])
    return p[:, :-2 * d, d:-d] + p[:, 2 * d:, d:-d] + p[:, d:-d, :-2 * d] + p[:, d:-d, 2 * d:]


def _neighbour_count(t, distance: int):
    """How many of a pixel's four neighbours ``distance`` away lie inside the picture (1 to 4)."""
    return tf.maximum(_neighbour_sum(tf.ones_like(t[..., :1]), distance), 1.0)


@keras.saving.register_keras_serializable(package="LatentLab")
class MaskWithRim(keras.layers.Layer):
    """The mask the output is blended with: the finder's probability widened by one pixel (a 3x3
    maximum), in training and in use alike, so the emoji's antialiased edge, which the finder
    scores low, does not stay behind as a faint outline."""

    def call(self, probability):
        return tf.nn.max_pool2d(probability, 3, 1, "SAME")


def _improved_model(config: DeEmojiConfig) -> keras.Model:
    a = _width(config, 24)
    init = keras.initializers.HeNormal(seed=config.seed)
    compute = "mixed_bfloat16" if config.bfloat16 else "float32"

    def conv(x, ch, name, stride=1, dilation=1):
        return keras.layers.Conv2D(ch, 3, strides=stride, padding="same", dilation_rate=dilation,
                                   activation="elu", kernel_initializer=init, dtype=compute,
                                   name=name)(x)

    x_in = keras.Input(IMAGE_SHAPE, name="image")
    e1 = conv(conv(x_in, a, "e1a"), a, "e1b")                      # 96
    e2 = conv(conv(e1, 2 * a, "e2a", stride=2), 2 * a, "e2b")      # 48
    e3 = conv(conv(e2, 4 * a, "e3a", stride=2), 4 * a, "e3b")      # 24
    for rate in (2, 4):  # dilated: the middle of a 40-pixel emoji sees the photo around it
        e3 = conv(e3, 4 * a, f"e3_wide{rate}", dilation=rate)
    up2 = keras.layers.UpSampling2D(2, dtype=compute, name="up2")(e3)
    d2 = keras.layers.Concatenate(dtype=compute, name="skip2")([up2, e2])
    d2 = conv(conv(d2, 2 * a, "d2a"), 2 * a, "d2b")
    up1 = keras.layers.UpSampling2D(2, dtype=compute, name="up1")(d2)
    d1 = keras.layers.Concatenate(dtype=compute, name="skip1")([up1, e1])
    d1 = conv(conv(d1, a, "d1a"), a, "d1b")
    # from the mask head on, float32: the blend and the fill need more than bfloat16's 8 bits
    mask = keras.layers.Conv2D(1, 1, activation="sigmoid", dtype="float32", name="mask")(d1)
    blend = MaskWithRim(name="blend_mask")(mask)
    fill = HarmonicFill(name="harmonic_fill")([x_in, blend])
    change = keras.layers.Subtract(name="fill_minus_input")([fill, x_in])
    cleaned = keras.layers.Add(name="cleaned")(
        [x_in, keras.layers.Multiply(name="masked_change")([blend, change])])
    return keras.Model(x_in, [cleaned, mask], name="improved")


def build_model(config: DeEmojiConfig) -> keras.Model:
    """The network the config names, initialised from its seed."""
    keras.utils.set_random_seed(config.seed)
    return (_model_2018 if config.net is DeEmojiNet.ORIGINAL_2018 else _improved_model)(config)


class NetworkRunner:
    """A de-emoji network with a compiled forward pass for pictures of any size."""

    def __init__(self, model: keras.Model):
        self.model = model
        self._apply = tf.function(lambda x: model(x, training=False),
                                  input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])

    def get_weights(self) -> list[np.ndarray]:
        return self.model.get_weights()

    def set_weights(self, weights) -> None:
        self.model.set_weights(list(weights))

    def run(self, images: np.ndarray, batch: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """(cleaned, mask) for pictures (B, H, W, 3) in [0, 1] of any size: padded to a multiple
        of 4 by reflection, run in batches, cropped back; cleaned clipped to [0, 1], mask (B, H, W)."""
        x = np.asarray(images, np.float32)
        h, w = x.shape[1:3]
        ph, pw = -h % 4, -w % 4
        mode = "reflect" if h > ph and w > pw else "edge"
        x = np.pad(x, ((0, 0), (0, ph), (0, pw), (0, 0)), mode=mode)
        cleaned, masks = [], []
        for i in range(0, len(x), batch):
            out, mask = self._apply(x[i:i + batch])
            cleaned.append(out.numpy())
            masks.append(mask.numpy()[..., 0])
        return (np.clip(np.concatenate(cleaned)[:, :h, :w], 0.0, 1.0),
                np.concatenate(masks)[:, :h, :w])

    def clean_up(self, images: np.ndarray) -> np.ndarray:
        return self.run(images)[0]


def build_runner(config: DeEmojiConfig) -> NetworkRunner:
    return NetworkRunner(build_model(config))


def network_weights_from_file(path, config: DeEmojiConfig) -> tuple[np.ndarray, ...]:
    """The weights of a saved de-emoji network if they fit ``config``'s design (a file trained in
    bfloat16 loads into a float32 network: the weights are float32 in both)."""
    model = load_model(path)
    mine = build_model(config)
    if model.name != mine.name:
        raise ModelFileError(f"{path}: holds a {model.name} network, not {mine.name}; choose the "
                             "network and width it was saved from")
    return matching_weights(model.get_weights(), mine.get_weights(), path, "network",
                            "choose the network and width it was saved from")
