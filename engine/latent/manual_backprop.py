"""The plain autoencoder's backward pass written out by hand, as the 2018 code did it.

Each layer's gradient is spelled out (dense, conv, transposed conv, average pooling, ELU and
the loss) instead of asking ``tf.GradientTape``. ``tests/test_manual_backprop.py`` checks it
against autodiff. With ``quirks_2018`` it reproduces two bugs of the original
(docs/original-2018.md): ELU's derivative is 2 on the positive side, and average pooling's
gradient is not divided by 4.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.latent import losses
from engine.latent.config import AutoencoderConfig, Loss, Reduction
from engine.latent.models import AutoencoderModels
from engine.tf_runtime import keras, tf

_SHAPE_ONLY = (keras.layers.Flatten, keras.layers.Reshape)


@dataclass
class _Record:
    layer: keras.layers.Layer
    inputs: tf.Tensor
    pre_activation: tf.Tensor


def _activation_name(layer) -> str:
    act = getattr(layer, "activation", None)
    return getattr(act, "__name__", "linear") if act is not None else "linear"


def _forward_layer(layer, x):
    """Returns (pre_activation, output) of one layer, from its weights alone."""
    if isinstance(layer, _SHAPE_ONLY):
        y = tf.reshape(x, [-1, *layer.output.shape[1:]])
        return y, y
    if isinstance(layer, keras.layers.AveragePooling2D):
        y = tf.nn.avg_pool2d(x, 2, 2, "VALID")
        return y, y
    if isinstance(layer, keras.layers.Dense):
        pre = tf.matmul(x, layer.kernel)
    elif isinstance(layer, keras.layers.Conv2DTranspose):
        stride = layer.strides[0]
        shape = [tf.shape(x)[0], x.shape[1] * stride, x.shape[2] * stride, layer.filters]
        pre = tf.nn.conv2d_transpose(x, layer.kernel, shape, stride, "SAME")
    elif isinstance(layer, keras.layers.Conv2D):
        pre = tf.nn.conv2d(x, layer.kernel, 1, "SAME")
    else:
        raise TypeError(f"no hand-written backprop for layer {layer.name} ({type(layer).__name__})")
    if layer.use_bias:
        pre = pre + layer.bias
    name = _activation_name(layer)
    if name == "elu":
        return pre, tf.nn.elu(pre)
    if name == "linear":
        return pre, pre
    raise TypeError(f"no hand-written derivative for activation {name!r} in {layer.name}")


def _chain(models: AutoencoderModels) -> list:
    layers = models.encoder.layers + models.decoder.layers
    return [layer for layer in layers if not isinstance(layer, keras.layers.InputLayer)]


def manual_loss_and_gradients(config: AutoencoderConfig, models: AutoencoderModels, x):
    """Forward and backward pass by hand; returns (total, reconstruction, kl, gradients).

    Gradients come in the order of ``models.trainable_variables``.
    """
    records = []
    h = x
    for layer in _chain(models):
        pre, out = _forward_layer(layer, h)
        records.append(_Record(layer, h, pre))
        h = out
    logits = h
    p = tf.sigmoid(logits)
    per_image = losses.reconstruction_per_image(config, x, logits)
    total, _, _ = losses.reduce_batch(config, per_image, tf.zeros_like(per_image))
    if config.loss is Loss.BCE:
        grad = p - x  # d/dl of the log loss: the post's (p-x)/(p(1-p)) times sigmoid' = p(1-p)
    else:
        grad = (p - x) * p * (1.0 - p)
    if config.reduction is Reduction.MEAN:
        grad = grad / tf.cast(tf.shape(x)[0], grad.dtype)

    grads = {}
    quirks = config.backprop_2018_quirks
    for record in reversed(records):
        layer = record.layer
        if isinstance(layer, _SHAPE_ONLY):
            grad = tf.reshape(grad, tf.shape(record.inputs))
            continue
        if isinstance(layer, keras.layers.AveragePooling2D):
            grad = tf.repeat(tf.repeat(grad, 2, axis=1), 2, axis=2)  # seed: tf_repeat, no /4
            if not quirks:
                grad = grad / 4.0
            continue
        if _activation_name(layer) == "elu":
            pre = record.pre_activation
            positive = 2.0 if quirks else 1.0  # the 2018 d_tf_elu returned 2 for x > 0
            grad = grad * tf.where(pre > 0, positive, tf.exp(tf.minimum(pre, 0.0)))
        inputs = record.inputs
        if isinstance(layer, keras.layers.Dense):
            grads[id(layer.kernel)] = tf.matmul(inputs, grad, transpose_a=True)
            grad_in = tf.matmul(grad, layer.kernel, transpose_b=True)
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            stride = layer.strides[0]
            grads[id(layer.kernel)] = tf.raw_ops.Conv2DBackpropFilter(
                input=grad, filter_sizes=tf.shape(layer.kernel), out_backprop=inputs,
                strides=[1, stride, stride, 1], padding="SAME")
            grad_in = tf.nn.conv2d(grad, layer.kernel, stride, "SAME")
        else:  # Conv2D, stride 1
            grads[id(layer.kernel)] = tf.raw_ops.Conv2DBackpropFilter(
                input=inputs, filter_sizes=tf.shape(layer.kernel), out_backprop=grad,
                strides=[1, 1, 1, 1], padding="SAME")
            grad_in = tf.raw_ops.Conv2DBackpropInput(
                input_sizes=tf.shape(inputs), filter=layer.kernel, out_backprop=grad,
                strides=[1, 1, 1, 1], padding="SAME")
        if layer.use_bias:
            grads[id(layer.bias)] = tf.reduce_sum(grad, axis=tf.range(tf.rank(grad) - 1))
        grad = grad_in
    ordered = [grads[id(v)] for v in models.trainable_variables]
    return total, total, tf.zeros_like(total), ordered


class Adam2018:
    """The 2018 per-layer Adam: bias correction by the constants 1-β, not 1-βᵗ
    (docs/original-2018.md)."""

    def __init__(self, variables, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.learning_rate = tf.Variable(learning_rate, trainable=False, dtype=tf.float32)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self._m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self._v = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]

    @property
    def variables(self) -> list:
        """Its state, as a Keras optimiser lists it: the learning rate and both moments."""
        return [self.learning_rate, *self._m, *self._v]

    def apply_gradients(self, grads_and_vars):
        for (grad, var), m, v in zip(grads_and_vars, self._m, self._v):
            m.assign(m * self.beta1 + (1 - self.beta1) * grad)
            v.assign(v * self.beta2 + (1 - self.beta2) * tf.square(grad))
            m_hat = m / (1 - self.beta1)
            v_hat = v / (1 - self.beta2)
            var.assign_sub(self.learning_rate / (tf.sqrt(v_hat) + self.epsilon) * m_hat)
