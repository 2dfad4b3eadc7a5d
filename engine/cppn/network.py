"""The CPPN itself: weights drawn from a config's seed, the forward pass, and its backward pass
written out by hand (as the 2018 post derived, atan's derivative included).

Pixels are never flattened into (x, y, r) triples up front: the x branch depends on the column
alone and the y branch on the row alone, so each is computed once per column or row and
broadcast, which saves two of the five per-pixel transcendental passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.cppn.config import CPPNConfig, CPPNStyle
from engine.tf_runtime import tf

# activation: (f(x), f'(x) written from x and y = f(x))
ACTIVATION_FUNCTIONS = {
    "atan": (tf.atan, lambda x, y: 1.0 / (1.0 + x * x)),
    "tanh": (tf.tanh, lambda x, y: 1.0 - y * y),
    "sigmoid": (tf.sigmoid, lambda x, y: y * (1.0 - y)),
    "sin": (tf.sin, lambda x, y: tf.cos(x)),
    "gaussian": (lambda x: tf.exp(-x * x), lambda x, y: -2.0 * x * y),
    "relu": (tf.nn.relu, lambda x, y: tf.cast(x > 0, x.dtype)),
    "softplus": (tf.nn.softplus, lambda x, y: tf.sigmoid(x)),
    "abs": (tf.abs, lambda x, y: tf.sign(x)),
    "linear": (tf.identity, lambda x, y: tf.ones_like(x)),
}

BRANCHES = ("z", "x", "y", "r")
# each input branch's activation and initial spread in the 2018 network
BRANCHES_2018 = {"z": ("atan", 1.0), "x": ("atan", 0.1), "y": ("tanh", 0.8), "r": ("atan", 1.0)}
OTORO_BRANCHES = {name: ("linear", 1.0) for name in BRANCHES}


def branch_spec(config: CPPNConfig) -> dict[str, tuple[str, float]]:
    return BRANCHES_2018 if config.style is CPPNStyle.ORIGINAL_2018 else OTORO_BRANCHES


@dataclass(frozen=True)
class CPPNWeights:
    """All weights of one network as float32 arrays, in :meth:`arrays` order:
    z (z_dim, H), x (H,), y (H,), r (H,), the hidden (H, H) matrices, the output (H, C)."""

    config: CPPNConfig
    arrays: tuple[np.ndarray, ...]

    @property
    def hidden(self) -> tuple[np.ndarray, ...]:
        return self.arrays[4:-1]


def init_weights(config: CPPNConfig) -> CPPNWeights:
    """Random normal weights and no biases, as the 2018 code drew them. (cppn-tensorflow's layers
    also add a bias drawn like the weights, on z's branch, each hidden layer and the output: the
    preset of that style keeps its design and activations, not those biases.)"""
    rng = np.random.default_rng(config.seed)
    h, s = config.width, config.weight_scale
    spec = branch_spec(config)
    arrays = [rng.normal(0, spec["z"][1] * s, (config.z_dim, h))]
    arrays += [rng.normal(0, spec[b][1] * s, h) for b in ("x", "y", "r")]
    arrays += [rng.normal(0, s, (h, h)) for _ in range(config.depth)]
    arrays.append(rng.normal(0, s, (h, config.channels)))
    return CPPNWeights(config, tuple(a.astype(np.float32) for a in arrays))


def coordinate_axis(size: int, scale: float) -> np.ndarray:
    """As the 2018 code computes it: ``scale*(arange(n)-(n-1)/2)/(n-1)/0.5``, i.e. n points over
    [-scale, scale]; a single pixel sits at 0."""
    if size == 1:
        return np.zeros(1, np.float32)
    return (scale * (np.arange(size) - (size - 1) / 2.0) / (size - 1) / 0.5).astype(np.float32)


def forward(config: CPPNConfig, params, xs, ys, z, scale, record: dict | None = None):
    """Logits (rows, cols, C) for pixel columns ``xs`` and rows ``ys``; pass a dict as
    ``record`` to keep what the hand-written backward pass needs."""
    wz, wx, wy, wr, *rest = params
    hidden, out = rest[:-1], rest[-1]
    spec = branch_spec(config)
    if config.style is CPPNStyle.OTORO:
        z = z * scale  # cppn-tensorflow scales z with the coordinates
    pre = {"x": xs[:, None] * wx[None, :],                                   # (cols, H)
           "y": ys[:, None] * wy[None, :],                                   # (rows, H)
           "z": tf.linalg.matvec(wz, z, transpose_a=True)[None, :]}          # (1, H)
    r = tf.sqrt(ys[:, None] * ys[:, None] + xs[None, :] * xs[None, :])       # (rows, cols)
    pre["r"] = r[..., None] * wr                                              # (rows, cols, H)
    act = {b: ACTIVATION_FUNCTIONS[spec[b][0]][0](pre[b]) for b in BRANCHES}
    u = act["r"] + act["x"][None] + act["y"][:, None] + act["z"][None]
    if config.style is CPPNStyle.OTORO:
        u = tf.tanh(u)
    rows, cols = tf.shape(ys)[0], tf.shape(xs)[0]
    h = tf.reshape(u, [-1, config.width])
    layer_inputs, pre_acts, outs = [h], [], []
    for matrix, name in zip(hidden, config.activations):
        p = tf.matmul(h, matrix)
        h = ACTIVATION_FUNCTIONS[name][0](p)
        pre_acts.append(p)
        outs.append(h)
        layer_inputs.append(h)
    logits = tf.reshape(tf.matmul(h, out), [rows, cols, config.channels])
    if record is not None:
        record.update(pre=pre, act=act, r=r, u=u, z=z, layer_inputs=layer_inputs,
                      pre_acts=pre_acts, outs=outs)
    return logits


def manual_gradients(config: CPPNConfig, params, xs, ys, z, scale, dlogits) -> list:
    """Gradients of a loss with respect to ``params``, given dLoss/dlogits (rows, cols, C)."""
    rec: dict = {}
    forward(config, params, xs, ys, z, scale, rec)
    spec = branch_spec(config)
    hidden, out = params[4:-1], params[-1]
    grads = [None] * len(params)
    d = tf.reshape(dlogits, [-1, config.channels])
    grads[-1] = tf.matmul(rec["layer_inputs"][-1], d, transpose_a=True)
    dh = tf.matmul(d, out, transpose_b=True)
    for i in reversed(range(config.depth)):
        derivative = ACTIVATION_FUNCTIONS[config.activations[i]][1]
        dpre = dh * derivative(rec["pre_acts"][i], rec["outs"][i])
        grads[4 + i] = tf.matmul(rec["layer_inputs"][i], dpre, transpose_a=True)
        dh = tf.matmul(dpre, hidden[i], transpose_b=True)
    du = tf.reshape(dh, tf.shape(rec["u"]))
    if config.style is CPPNStyle.OTORO:
        du = du * (1.0 - rec["u"] * rec["u"])
    dact = {"r": du, "x": tf.reduce_sum(du, 0), "y": tf.reduce_sum(du, 1),
            "z": tf.reduce_sum(du, [0, 1])[None, :]}
    dpre = {b: dact[b] * ACTIVATION_FUNCTIONS[spec[b][0]][1](rec["pre"][b], rec["act"][b])
            for b in BRANCHES}
    grads[0] = rec["z"][:, None] * dpre["z"]                              # (z_dim, H)
    grads[1] = tf.reduce_sum(dpre["x"] * xs[:, None], 0)
    grads[2] = tf.reduce_sum(dpre["y"] * ys[:, None], 0)
    grads[3] = tf.reduce_sum(dpre["r"] * rec["r"][..., None], [0, 1])
    return grads
