"""The CPPN shader and autoencoder training on a GPU machine that has no TensorFlow.

Two halves, because the machine with the GPU has neither TensorFlow nor Qt (and TensorFlow's
GPU wheel, about 600 MB, cannot be carried there):

    python bench/gpu_check.py prepare DIR      # here: shaders, weights, CPU pictures, models
    python bench/gpu_check.py measure DIR      # there: numpy, PyOpenGL over EGL, Keras on JAX

``prepare`` writes, for each CPPN preset, the live fragment shader the canvas uses
(engine/cppn/glsl.py), its weight texture and z projection, and the CPU renderer's 512² picture
to check the GPU's against; and the autoencoder models' designs (2018 original and quick, Keras JSON:
the weights start from their initialisers there) with 10,000 MNIST digits. ``measure`` draws
each shader at 512², 1024² and 4096² into an offscreen framebuffer (GPU time from GL timer
queries, and wall time of draw + finish and of the read-back), compares the 512² picture, then
trains the same Keras models with Keras 3 on JAX (``fit``, XLA, batch 10 for 2018 original as in
2018, 100 for quick) and times an epoch.
The training figure is therefore Keras-on-JAX running our model designs, not our TensorFlow
trainer; docs/figures.md says so beside it.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

SIDES = (512, 1024, 4096)
SURFACELESS_MESA = 0x31DD   # EGL_PLATFORM_SURFACELESS_MESA


def prepare(folder: Path) -> None:
    import engine.tf_runtime  # noqa: F401  (TensorFlow first, GL-safe)
    from engine.cppn.config import PRESETS
    from engine.cppn.genome import genome_of
    from engine.cppn.glsl import live_source, weight_texture, z_projection
    from engine.cppn.paths import ZPath
    from engine.cppn.render import render_pixels
    from engine.latent.config import preset_config
    from engine.latent.datasets import load_bundled
    from engine.latent.models import build_models
    from engine.tf_runtime import keras
    from gui.cppn.shader_renderer import VERTEX

    folder.mkdir(parents=True, exist_ok=True)
    shaders = []
    for k, preset in enumerate(PRESETS):
        config = preset.config
        genome = genome_of(config, ZPath(preset.path, config.z_dim).at(0.3), preset.scale,
                           "grey" if config.channels == 1 else "viridis")
        cpu = render_pixels(genome.weights, genome.z, 512, 512, genome.scale, genome.colormap)
        np.savez_compressed(folder / f"cppn{k}.npz", texture=weight_texture(genome),
                            zp=z_projection(genome, genome.z), cpu=cpu,
                            scale=np.float32(genome.scale), channels=config.channels)
        (folder / f"cppn{k}.frag").write_text(live_source(genome))
        macs = 512 * 512 * (config.width * config.width * config.depth
                            + config.width * config.channels + 3 * config.width)
        shaders.append({"name": preset.name, "file": f"cppn{k}", "macs_512": macs})
    (folder / "vertex.glsl").write_text(VERTEX)
    data = load_bundled("mnist")
    np.savez_compressed(folder / "mnist10k.npz", x=data.images[:10_000].reshape(-1, 28, 28, 1))
    models = []
    for preset, batch in (("original-2018", 10), ("quick", 100)):
        m = build_models(preset_config("ae", "bce", preset))
        image = keras.Input((28, 28, 1))
        whole = keras.Model(image, m.decoder(m.encoder(image)))
        (folder / f"ae-{preset}.json").write_text(whole.to_json())   # the design, not weights
        models.append({"preset": preset, "file": f"ae-{preset}.json", "batch": batch,
                       "params": int(whole.count_params())})
    (folder / "plan.json").write_text(json.dumps({"shaders": shaders, "models": models}))
    print(f"prepared {folder}: {len(shaders)} shaders, {len(models)} models")


# -- on the GPU machine ---------------------------------------------------------------------------
def _egl_context():
    from OpenGL import EGL
    from OpenGL.EGL.EXT.device_base import eglQueryDevicesEXT
    from OpenGL.EGL.EXT.platform_base import eglGetPlatformDisplayEXT
    from OpenGL.EGL.EXT.platform_device import EGL_PLATFORM_DEVICE_EXT

    devices = (EGL.EGLDeviceEXT * 8)()
    found = EGL.EGLint()
    eglQueryDevicesEXT(8, devices, ctypes.pointer(found))   # no display server: a device
    major, minor = EGL.EGLint(), EGL.EGLint()
    display = None
    candidates = [(EGL_PLATFORM_DEVICE_EXT, devices[k]) for k in range(found.value)]
    candidates.append((SURFACELESS_MESA, EGL.EGL_DEFAULT_DISPLAY))   # Mesa, to try it here
    for platform, device in candidates:
        candidate = eglGetPlatformDisplayEXT(platform, device, None)
        try:
            if EGL.eglInitialize(candidate, ctypes.pointer(major), ctypes.pointer(minor)):
                display = candidate
                break
        except EGL.EGLError:
            continue
    if display is None:
        raise RuntimeError(f"no EGL device could be initialised ({found.value} found)")
    attributes = [EGL.EGL_SURFACE_TYPE, EGL.EGL_PBUFFER_BIT, EGL.EGL_RENDERABLE_TYPE,
                  EGL.EGL_OPENGL_BIT, EGL.EGL_NONE]
    config, count = EGL.EGLConfig(), EGL.EGLint()
    EGL.eglChooseConfig(display, (EGL.EGLint * len(attributes))(*attributes),
                        ctypes.pointer(config), 1, ctypes.pointer(count))
    EGL.eglBindAPI(EGL.EGL_OPENGL_API)
    version = [EGL.EGL_CONTEXT_MAJOR_VERSION, 3, EGL.EGL_CONTEXT_MINOR_VERSION, 3,
               EGL.EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL.EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
               EGL.EGL_NONE]
    context = EGL.eglCreateContext(display, config, EGL.EGL_NO_CONTEXT,
                                   (EGL.EGLint * len(version))(*version))
    surface_size = [EGL.EGL_WIDTH, 16, EGL.EGL_HEIGHT, 16, EGL.EGL_NONE]
    surface = EGL.eglCreatePbufferSurface(display, config,
                                          (EGL.EGLint * len(surface_size))(*surface_size))
    if not EGL.eglMakeCurrent(display, surface, surface, context):
        raise RuntimeError("eglMakeCurrent failed")
    return f"EGL {major.value}.{minor.value}"


def _program(vertex: str, fragment: str):
    from OpenGL import GL
    from OpenGL.GL import shaders

    return shaders.compileProgram(shaders.compileShader(vertex, GL.GL_VERTEX_SHADER),
                                  shaders.compileShader(fragment, GL.GL_FRAGMENT_SHADER))


def measure_shaders(folder: Path, plan: dict, repeats: int) -> list[dict]:
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")   # before PyOpenGL's first import
    from OpenGL import GL

    print(_egl_context(), GL.glGetString(GL.GL_RENDERER).decode(), flush=True)
    vertex = (folder / "vertex.glsl").read_text()
    vao = GL.glGenVertexArrays(1)
    query = int(np.ravel(GL.glGenQueries(1))[0])
    figures = []
    for shader in plan["shaders"]:
        data = np.load(folder / f"{shader['file']}.npz")
        compile_start = time.perf_counter()
        program = _program(vertex, (folder / f"{shader['file']}.frag").read_text())
        compile_ms = (time.perf_counter() - compile_start) * 1000
        texture = GL.glGenTextures(1)
        GL.glBindTexture(GL.GL_TEXTURE_2D, texture)
        for name in (GL.GL_TEXTURE_MIN_FILTER, GL.GL_TEXTURE_MAG_FILTER):
            GL.glTexParameteri(GL.GL_TEXTURE_2D, name, GL.GL_NEAREST)
        t = np.ascontiguousarray(data["texture"], np.float32)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 4)
        GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_R32F, t.shape[1], t.shape[0], 0, GL.GL_RED,
                        GL.GL_FLOAT, t)
        row = {"name": shader["name"], "compile_ms": round(compile_ms, 1)}
        for side in SIDES:
            fbo = GL.glGenFramebuffers(1)
            colour = GL.glGenRenderbuffers(1)
            GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, colour)
            GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_RGBA8, side, side)
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
            GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0,
                                         GL.GL_RENDERBUFFER, colour)
            GL.glUseProgram(program)
            GL.glViewport(0, 0, side, side)
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, texture)
            GL.glUniform1i(GL.glGetUniformLocation(program, "u_weights"), 0)
            GL.glUniform1f(GL.glGetUniformLocation(program, "u_scale"), float(data["scale"]))
            GL.glUniform2f(GL.glGetUniformLocation(program, "u_size"), float(side), float(side))
            zp = np.asarray(data["zp"], np.float32)
            GL.glUniform1fv(GL.glGetUniformLocation(program, "u_zp"), len(zp), zp)
            GL.glBindVertexArray(vao)
            gpu_ms, wall_ms, read_ms = [], [], []
            for k in range(repeats + 1):      # the first draw is the warm-up
                start = time.perf_counter()
                GL.glBeginQuery(GL.GL_TIME_ELAPSED, query)
                GL.glDrawArrays(GL.GL_TRIANGLES, 0, 3)
                GL.glEndQuery(GL.GL_TIME_ELAPSED)
                GL.glFinish()
                drawn = time.perf_counter()
                GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
                raw = GL.glReadPixels(0, 0, side, side, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
                done = time.perf_counter()
                if k:
                    elapsed = ctypes.c_uint64(0)
                    GL.glGetQueryObjectui64v(query, GL.GL_QUERY_RESULT, ctypes.byref(elapsed))
                    gpu_ms.append(elapsed.value / 1e6)
                    wall_ms.append((drawn - start) * 1000)
                    read_ms.append((done - drawn) * 1000)
            error = GL.glGetError()
            pixels = np.frombuffer(raw, np.uint8).reshape(side, side, 4)[::-1]
            row[f"gpu_{side}_ms"] = round(statistics.median(gpu_ms), 3)
            row[f"draw_finish_{side}_ms"] = round(statistics.median(wall_ms), 3)
            row[f"readback_{side}_ms"] = round(statistics.median(read_ms), 2)
            if side == 512:
                cpu = data["cpu"]
                channels = int(data["channels"])
                shown = pixels[..., :1] if cpu.shape[-1] == 1 else pixels[..., :cpu.shape[-1]]
                row["max_diff_vs_cpu_512"] = int(np.abs(shown.astype(int) - cpu).max())
                row["channels"] = channels
            row["gl_error"] = int(error)
            GL.glDeleteFramebuffers(1, [fbo])
            GL.glDeleteRenderbuffers(1, [colour])
        gflops = 2 * shader["macs_512"] / 1e9
        row["gflop_512"] = round(gflops, 2)
        side = max(SIDES)
        row[f"tflops_at_{side}"] = round(gflops * (side / 512) ** 2 / row[f"gpu_{side}_ms"], 2)
        figures.append(row)
        print(json.dumps(row), flush=True)
    return figures


def measure_training(folder: Path, plan: dict, epochs: int) -> list[dict]:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import jax
    import keras

    x = np.load(folder / "mnist10k.npz")["x"].astype(np.float32) / 255.0
    figures = []
    for spec in plan["models"]:
        model = keras.models.model_from_json((folder / spec["file"]).read_text())

        def log_loss(target, logits):   # summed over pixels and over the batch, as in 2018
            return keras.ops.sum(keras.ops.softplus(logits) - target * logits)

        lr = 8e-5 if spec["preset"] == "original-2018" else 1e-3
        model.compile(optimizer=keras.optimizers.Adam(lr), loss=log_loss, jit_compile=True,
                      steps_per_execution=16)
        batch = spec["batch"]
        start = time.perf_counter()
        model.fit(x, x, batch_size=batch, epochs=1, verbose=0, shuffle=True)
        first = time.perf_counter() - start
        start = time.perf_counter()
        history = model.fit(x, x, batch_size=batch, epochs=epochs, verbose=0, shuffle=True)
        epoch_s = (time.perf_counter() - start) / epochs
        row = {"preset": spec["preset"], "batch": batch, "first_epoch_s": round(first, 2),
               "epoch_s": round(epoch_s, 3), "samples_per_s": round(len(x) / epoch_s),
               "loss_last": float(history.history["loss"][-1]),
               "device": str(jax.devices()[0])}
        figures.append(row)
        print(json.dumps(row), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("prepare", "measure"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if args.what == "prepare":
        prepare(args.folder)
        return
    plan = json.loads((args.folder / "plan.json").read_text())
    result = {}
    try:
        result["shaders"] = measure_shaders(args.folder, plan, args.repeats)
    except Exception as exc:   # report and go on to training: one call of the lease
        result["shader_error"] = f"{type(exc).__name__}: {exc}"
        print(result["shader_error"], flush=True)
    result["training"] = measure_training(args.folder, plan, args.epochs)
    print("RESULT " + json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
