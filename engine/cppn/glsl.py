"""GLSL fragment shaders generated from a CPPN genome: the same arithmetic as
:func:`engine.cppn.network.forward` followed by the sigmoid and the colour map, per pixel.

Two forms share one body:

- **live** (``#version 330``): weights in a float texture (``u_weights``, 1024 texels a row) and
  z's projection ``Wzᵀz`` (what z contributes to each unit) as a uniform, so a new z or new
  weights of the same design need no recompile. Used by the GPU canvas.
- **standalone** (Shadertoy's ``mainImage(out vec4, in vec2)``, GLSL ES 3.0): weights as
  constants and z moving along the tab's loop with ``iTime`` (one loop every ``loop_seconds``),
  sized by ``iResolution``. z's projection is linear in z, so it is computed from the projected
  path's constants: a circle is ``c + cos·p + sin·q``, a there-and-back ``a + s·(b − a)``, the
  2018 sweep ``t·Σ rows``, a keyframe loop the periodic Catmull-Rom curve of projected keyframes.

Pixel coordinates follow :func:`engine.cppn.network.coordinate_axis`: x and y span
[−scale, scale] over pixel centres, row 0 at the top.
"""

from __future__ import annotations

import numpy as np

from engine.cppn.colormaps import lookup_table
from engine.cppn.config import CPPNStyle
from engine.cppn.genome import Genome
from engine.cppn.network import branch_spec
from engine.cppn.paths import PathKind, ZPath

TEXTURE_WIDTH = 1024

_ACTIVATIONS = {
    "atan": "atan(v)",
    "tanh": "tanh(v)",
    "sigmoid": "1.0 / (1.0 + exp(-v))",
    "sin": "sin(v)",
    "gaussian": "exp(-v * v)",
    "relu": "max(v, 0.0)",
    "softplus": "max(v, 0.0) + log(1.0 + exp(-abs(v)))",
    "abs": "abs(v)",
    "linear": "v",
}


def _float(v: float) -> str:
    text = repr(float(np.float32(v)))
    return text if ("." in text or "e" in text) else text + ".0"


def _floats(values) -> str:
    return ", ".join(_float(v) for v in np.asarray(values, np.float32).reshape(-1))


def flat_weights(genome: Genome) -> np.ndarray:
    """Every weight but z's matrix, in the order the shader reads them: x, y, r branch weights,
    the hidden matrices row by row (``[i][j]``: unit i to unit j), then the output matrix."""
    wx, wy, wr, *rest = genome.weights.arrays[1:]
    return np.concatenate([wx, wy, wr, *[m.reshape(-1) for m in rest]]).astype(np.float32)


def z_projection(genome: Genome, z) -> np.ndarray:
    """What z adds to each unit before the branch activation: ``Wzᵀz`` (``z·scale`` first for
    the cppn-tensorflow style, as the network does)."""
    z = np.asarray(z, np.float32)
    if genome.config.style is CPPNStyle.OTORO:
        z = z * np.float32(genome.scale)
    return (genome.weights.arrays[0].T @ z).astype(np.float32)


def _activation_functions(genome: Genome) -> str:
    names = set(genome.config.activations) | {a for a, _ in branch_spec(genome.config).values()}
    return "\n".join(f"float act_{n}(float v) {{ return {_ACTIVATIONS[n]}; }}" for n in sorted(names))


def _body(genome: Genome) -> str:
    """``vec4 cppn(vec2 fragCoord, vec2 size)`` given ``float W(int)``, ``float zp(int)``,
    ``SCALE`` and the colour map (``vec3 LUT[256]`` when one channel is mapped)."""
    c = genome.config
    h, channels = c.width, c.channels
    spec = branch_spec(c)
    if c.style is CPPNStyle.ORIGINAL_2018:
        unit = (f"act_{spec['z'][0]}(zp(j)) + act_{spec['x'][0]}(x * W(j)) + "
                f"act_{spec['y'][0]}(y * W({h} + j)) + act_{spec['r'][0]}(r * W({2 * h} + j))")
    else:
        unit = f"tanh(zp(j) + x * W(j) + y * W({h} + j) + r * W({2 * h} + j))"
    lines = [
        "vec4 cppn(vec2 fragCoord, vec2 size) {",
        "    float col = fragCoord.x - 0.5;",
        "    float row = size.y - fragCoord.y - 0.5;",
        "    float x = size.x > 1.0 ? SCALE * (2.0 * col / (size.x - 1.0) - 1.0) : 0.0;",
        "    float y = size.y > 1.0 ? SCALE * (2.0 * row / (size.y - 1.0) - 1.0) : 0.0;",
        "    float r = sqrt(y * y + x * x);",
        f"    float a[{h}];",
        f"    float b[{h}];",
        f"    for (int j = 0; j < {h}; j++) a[j] = {unit};",
    ]
    offset = 3 * h
    for name in c.activations:
        lines += [
            f"    for (int j = 0; j < {h}; j++) {{",
            "        float s = 0.0;",
            f"        for (int i = 0; i < {h}; i++) s += a[i] * W({offset} + i * {h} + j);",
            f"        b[j] = act_{name}(s);",
            "    }",
            f"    for (int j = 0; j < {h}; j++) a[j] = b[j];",
        ]
        offset += h * h
    lines += ["    vec4 o = vec4(0.0, 0.0, 0.0, 1.0);"]
    for k in range(channels):
        lines += [
            "    {",
            "        float s = 0.0;",
            f"        for (int i = 0; i < {h}; i++) s += a[i] * W({offset} + i * {channels} + {k});",
            f"        o[{k}] = 1.0 / (1.0 + exp(-s));",
            "    }",
        ]
    if channels == 1:
        if genome.colormap == "grey":
            lines += ["    o = vec4(o.r, o.r, o.r, 1.0);"]
        else:
            lines += ["    float t = clamp(o.r, 0.0, 1.0) * 255.0;",
                      "    int below = min(int(t), 254);",
                      "    o = vec4(mix(LUT[below], LUT[below + 1], t - float(below)), 1.0);"]
    lines += ["    return o;", "}"]
    return "\n".join(lines)


def _lut(genome: Genome) -> str:
    if genome.config.channels != 1 or genome.colormap == "grey":
        return ""
    table = lookup_table(genome.colormap).astype(np.float32) / 255.0
    entries = ", ".join(f"vec3({_floats(rgb)})" for rgb in table)
    return f"const vec3 LUT[256] = vec3[256]({entries});"


def live_source(genome: Genome) -> str:
    """The live shader: weights from ``u_weights``, z's projection from ``u_zp``, ``u_scale``,
    ``u_size`` (pixels); writes ``frag``."""
    h = genome.config.width
    return "\n".join([
        "#version 330 core",
        "uniform sampler2D u_weights;",
        f"uniform float u_zp[{h}];",
        "uniform float u_scale;",
        "uniform vec2 u_size;",
        "out vec4 frag;",
        "#define SCALE u_scale",
        f"float W(int i) {{ return texelFetch(u_weights, ivec2(i % {TEXTURE_WIDTH}, "
        f"i / {TEXTURE_WIDTH}), 0).r; }}",
        "float zp(int j) { return u_zp[j]; }",
        _lut(genome),
        _activation_functions(genome),
        _body(genome),
        "void main() { frag = cppn(gl_FragCoord.xy, u_size); }",
    ])


def weight_texture(genome: Genome) -> np.ndarray:
    """The weights as a (rows, 1024) float32 image for ``u_weights`` (zero padded)."""
    flat = flat_weights(genome)
    rows = -(-len(flat) // TEXTURE_WIDTH)
    out = np.zeros(rows * TEXTURE_WIDTH, np.float32)
    out[:len(flat)] = flat
    return out.reshape(rows, TEXTURE_WIDTH)


def _path_projection(genome: Genome, path: ZPath) -> list[str]:
    """GLSL lines defining ``float zp(int j)`` for z at loop time ``T`` in [0, 1)."""
    h = genome.config.width
    project = lambda z: z_projection(genome, z)  # noqa: E731
    if path.kind is PathKind.CIRCLE:
        at_0, at_quarter, at_half = (project(path.at(t)) for t in (0.0, 0.25, 0.5))
        c = (at_0 + at_half) / 2          # the centre, projected
        p, q = at_0 - c, at_quarter - c
        return [f"const float ZC[{h}] = float[{h}]({_floats(c)});",
                f"const float ZP[{h}] = float[{h}]({_floats(p)});",
                f"const float ZQ[{h}] = float[{h}]({_floats(q)});",
                "float zp(int j) { float a = 6.283185307 * T; "
                "return ZC[j] + cos(a) * ZP[j] + sin(a) * ZQ[j]; }"]
    if path.kind is PathKind.THERE_AND_BACK:
        a, b = project(path.at(0.0)), project(path.at(0.5))
        return [f"const float ZA[{h}] = float[{h}]({_floats(a)});",
                f"const float ZB[{h}] = float[{h}]({_floats(b)});",
                "float zp(int j) { float s = 0.5 - 0.5 * cos(6.283185307 * T); "
                "return ZA[j] + s * (ZB[j] - ZA[j]); }"]
    if path.kind is PathKind.SWEEP:
        ones = project(np.ones(genome.config.z_dim, np.float32))
        return [f"const float ZS[{h}] = float[{h}]({_floats(ones)});",
                "float zp(int j) { return T * ZS[j]; }"]
    keys = np.stack([project(k) for k in np.asarray(path.keyframes, np.float32)])
    k = len(keys)
    return [f"const float ZK[{k * h}] = float[{k * h}]({_floats(keys)});",
            f"float zk(int i, int j) {{ return ZK[((i + {k}) % {k}) * {h} + j]; }}",  # i >= -1
            "float zp(int j) {",
            f"    float position = T * {k}.0; int i = int(floor(position));",
            "    float u = position - floor(position);",
            "    float p0 = zk(i - 1, j), p1 = zk(i, j), p2 = zk(i + 1, j), p3 = zk(i + 2, j);",
            "    return 0.5 * ((2.0 * p1) + (-p0 + p2) * u + (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3)"
            " * u * u + (-p0 + 3.0 * p1 - 3.0 * p2 + p3) * u * u * u);",
            "}"]


def standalone_source(genome: Genome, path: ZPath, loop_seconds: float) -> str:
    """A Shadertoy-style fragment shader (``mainImage``, ``iResolution``, ``iTime``): the
    picture, z going round ``path`` once every ``loop_seconds``."""
    flat = flat_weights(genome)
    c = genome.config
    header = (f"// Latent Lab CPPN: {c.style.value}, {c.width} units x {c.depth} layers "
              f"({', '.join(c.activations)}), {c.channels} channel(s), {path.kind.value} loop of "
              f"{loop_seconds:g} s. Paste into Shadertoy as it is.")
    return "\n".join([
        header,
        f"#define SCALE {_float(genome.scale)}",
        f"#define T fract(iTime / {_float(loop_seconds)})",
        f"const float WEIGHTS[{len(flat)}] = float[{len(flat)}]({_floats(flat)});",
        "float W(int i) { return WEIGHTS[i]; }",
        *_path_projection(genome, path),
        _lut(genome),
        _activation_functions(genome),
        _body(genome),
        "void mainImage(out vec4 fragColor, in vec2 fragCoord) {",
        "    fragColor = cppn(fragCoord, iResolution.xy);",
        "}",
    ])
