"""CPPN rendering: speed against the arithmetic floor, what the user waits for in the tab, the
GPU shader against the CPU, seamless loops, and an 8192x8192 export's memory.

- Repaints (median of several after a warm-up) of the 2018 original preset (width 64, grey) and its
  RGB variant (width 32); the 512² repaint against its floor on this machine now: the matmul
  FLOPs at the sgemm rate measured in this run, plus the activations at the rate TensorFlow
  evaluates atan here (``repaint_512_vs_floor``). The 2018 code's numpy way as a baseline.
- In the tab (under Xvfb), each ending when the canvas has painted: a scale slider moved to the
  full-size picture (``slider_to_pixels_ms``, the median after the first; the first alone is
  ``slider_to_pixels_first_ms``), a new width (``width_change_first_ms`` includes tracing the
  renderer for the new design; ``width_change_again_ms`` returns to a traced one), and a click on
  Breed to 9 children at 128² on screen (``breed_grid_ms``, a median).
- The GPU shader under this machine's OpenGL (Mesa's llvmpipe here: a CPU rasteriser, so it
  shows correctness, not GPU speed): its largest pixel difference from the CPU renderer
  (``shader_max_diff``) and its frame time at 512² and 1024² beside the CPU renderer's.
- A circle loop of 48 frames: the last → first frame step against the median step between
  neighbours (``loop_seam_ratio``).
- The export runs in a child process so its peak resident memory is its own.

    python bench/cppn_render.py [--export-side 8192]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import (  # also puts the project on
    close_window,
    paint_watch,
    print_result,
    private_settings,
    resident_mb,
    sgemm_gflops,
)

from engine.cppn.config import PRESETS
from engine.cppn.genome import genome_of
from engine.cppn.network import coordinate_axis, init_weights
from engine.cppn.paths import PathKind, ZPath
from engine.cppn.render import BAND_PIXELS, export_png, render, render_pixels
from engine.tf_runtime import tf


def median_ms(call, repeats: int = 7) -> float:
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def numpy_original_render(weights, z, side: int, scale: float) -> np.ndarray:
    """The 2018 structure, in numpy: flattened per-pixel inputs, one matmul per branch."""
    wz, wx, wy, wr, *rest = weights.arrays
    xs, ys = coordinate_axis(side, scale), coordinate_axis(side, scale)
    x = np.tile(xs, side)[:, None]
    y = np.repeat(ys, side)[:, None]
    r = np.sqrt(x * x + y * y)
    u = (np.arctan(z[None] @ wz) + np.arctan(x @ wx[None]) + np.tanh(y @ wy[None])
         + np.arctan(r @ wr[None]))
    for m in rest[:-1]:
        u = np.arctan(u @ m)
    return 1 / (1 + np.exp(-(u @ rest[-1])))


def atan_rate() -> float:
    """Elements a second TensorFlow takes through atan here (the CPPN's activation), on one
    band's hidden activation; summed, so copying the result out is not counted as atan."""
    x = tf.random.normal([BAND_PIXELS, 64])
    run = tf.function(lambda t: tf.reduce_sum(tf.atan(t)))
    run(x).numpy()
    start = time.perf_counter()
    for _ in range(10):
        run(x).numpy()
    return 10 * BAND_PIXELS * 64 / (time.perf_counter() - start)


def floor_ms(config, side: int, gflops: float, activations_per_s: float) -> float:
    """The least time a repaint can take here: its matmul FLOPs at the sgemm rate plus its
    per-pixel activations (r branch, every hidden layer, the sigmoid) at the atan rate."""
    h, pixels = config.width, side * side
    flops = pixels * (2 * h * h * config.depth + 2 * h * config.channels)
    activations = pixels * (h * (config.depth + 1) + config.channels)
    return (flops / (gflops * 1e9) + activations / activations_per_s) * 1000


def loop_seams(weights, kind: PathKind, seed: int, frames: int = 48, side: int = 128
               ) -> tuple[float, float, float]:
    """The last → first frame change (mean absolute pixel change) over the median change
    between the frames around the seam (two steps before it, two after), and over the median
    of all steps; and the share of the other steps whose own change, measured the same way
    against their neighbours, is at least as large (a seamless loop's seam is one step like the
    others). A circle keeps z's speed even, but the picture changes faster in some parts of it
    than others, so each step is judged against its own neighbourhood."""
    path = ZPath(kind, weights.config.z_dim, seed=seed, radius=1.0)
    pictures = [render_pixels(weights, path.at(t), side, side, 1.0, "viridis").astype(np.float32)
                for t in path.times(frames)]
    steps = [float(np.abs(a - b).mean()) for a, b in zip(pictures, pictures[1:])]
    seam = float(np.abs(pictures[-1] - pictures[0]).mean())
    ring = np.array(steps + [seam])                 # every step of the loop, the seam last
    around = [np.median(np.roll(ring, -i)[[-2, -1, 1, 2]]) for i in range(len(ring))]
    local = ring / np.array(around)
    as_large = float(np.mean(local[:-1] >= local[-1]))
    return local[-1], seam / float(np.median(steps)), as_large


def in_the_tab(repeats: int = 7) -> dict:
    """Slider → pixels and Breed → children, in the real tab; the shader beside the CPU."""
    from gui.virtual_display import start_virtual_display

    start_virtual_display()
    from gui.app import make_application, prepare_qt

    prepare_qt()
    app = make_application()
    private_settings()
    from PySide6 import QtCore

    from gui.cppn.canvas_drawing import canvas_pixels
    from gui.main_window import MainWindow

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    tab = window.tab("cppn")
    window.tabs.setCurrentWidget(tab)

    def wait(condition, timeout_s=120.0):
        end = time.perf_counter() + timeout_s
        while not condition() and time.perf_counter() < end:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)

    wait(lambda: tab.canvas.pixels.shape[0] == 512 and tab.canvas_is_current())
    canvas = paint_watch(tab.canvas)
    painted = []

    def on_rendered(tag, _ms):
        painted.append(tag)
        if tag == "full":
            canvas.arm()   # the canvas paints the full picture next

    tab.sig_rendered.connect(on_rendered)

    def change_to_full_paint(change) -> float:
        """ms from a change to the canvas painting its full picture."""
        painted.clear()
        canvas.painted_at = None
        start = time.perf_counter()
        change()
        wait(lambda: canvas.painted_at is not None)
        return (canvas.painted_at - start) * 1000

    slider = [change_to_full_paint(lambda: tab.view.scale_slider.setValue(
        tab.view.scale_slider.value() + (17 if k % 2 else -17))) for k in range(repeats + 1)]
    # a new width is a new design: the first paint of each includes tracing the renderer again
    widths = [change_to_full_paint(lambda: tab.network.width_box.setValue(w))
              for w in (48, 64, 48, 64)]
    bred = []
    tab.breeder.sig_bred.connect(bred.append)
    for k in range(repeats + 1):
        count = len(bred)
        tab.breeder.breed_button.click()
        wait(lambda: len(bred) > count)
    wait(tab.canvas_is_current)
    figures = {"slider_to_pixels_ms": round(float(np.median(slider[1:])), 1),
               "slider_to_pixels_first_ms": round(slider[0], 1),
               "width_change_first_ms": round(widths[0], 1),
               "width_change_again_ms": round(float(np.median(widths[2:])), 1),
               "breed_grid_ms": round(float(np.median(bred[1:])), 1),
               "breed_grid_max_ms": round(float(max(bred[1:])), 1)}
    renderer = tab.drawing.renderer
    if renderer is not None:
        genome = genome_of(PRESETS[0].config, ZPath(PathKind.SWEEP, 64).at(0.3), 1.0, "viridis")
        cpu = render_pixels(genome.weights, genome.z, 512, 512, 1.0, "viridis")
        shader = canvas_pixels(renderer.render(genome, genome.z, 512, 512), genome)
        figures["shader_max_diff"] = int(np.abs(shader.astype(int) - cpu).max())
        figures["shader_renderer"] = renderer.renderer
        for side in (512, 1024):
            figures[f"shader_{side}_ms"] = round(median_ms(
                lambda: renderer.render(genome, genome.z, side, side), repeats=3), 1)
            figures[f"cpu_{side}_ms"] = round(median_ms(
                lambda: render_pixels(genome.weights, genome.z, side, side, 1.0, "viridis"),
                repeats=3), 1)
    close_window(window)
    return figures


def export_child(side: int) -> None:
    weights = init_weights(PRESETS[0].config)
    z = ZPath(PathKind.SWEEP, weights.config.z_dim).at(0.0)
    render(weights, z, 256, 256, 1.0)  # warm up: tracing happens before the baseline reading
    base = resident_mb()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        path = export_png(weights, z, side, side, 1.0, "viridis", Path(folder) / "big.png")
        seconds = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "baseline_mb": base,
                      "file_mb": size_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export-side", type=int, default=8192)
    parser.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child)
        return
    result = {"sgemm_gflops": round(sgemm_gflops()), "atan_per_s": round(atan_rate() / 1e6, 1)}
    for key, preset in (("original", PRESETS[0]), ("original_rgb", PRESETS[1])):
        weights = init_weights(preset.config)
        z = ZPath(PathKind.SWEEP, weights.config.z_dim).at(0.0)
        for side in (256, 512, 1024):
            ms = median_ms(lambda: render(weights, z, side, side, preset.scale))
            name = f"repaint_{side}_ms" if key == "original" else f"rgb_repaint_{side}_ms"
            result[name] = round(ms, 1)
            print(f"{preset.name:24s} {side:5d}²  {ms:7.1f} ms")
    weights = init_weights(PRESETS[0].config)
    floor = floor_ms(weights.config, 512, result["sgemm_gflops"], result["atan_per_s"] * 1e6)
    result["repaint_512_floor_ms"] = round(floor, 1)
    result["repaint_512_vs_floor"] = round(result["repaint_512_ms"] / floor, 2)
    print(f"512² floor here: {floor:.1f} ms ({result['sgemm_gflops']} GFLOP/s sgemm, "
          f"{result['atan_per_s']} M atan/s); repaint at {result['repaint_512_vs_floor']}x it")
    circle = np.array([loop_seams(weights, PathKind.CIRCLE, seed) for seed in (1, 2, 3)])
    sweep = loop_seams(weights, PathKind.SWEEP, 1)
    result.update(loop_seam_ratio=round(float(circle[:, 0].max()), 2),
                  loop_seam_ratio_mean=round(float(circle[:, 0].mean()), 2),
                  loop_seam_vs_all_steps=[round(float(v), 2) for v in circle[:, 1]],
                  loop_steps_as_large_as_seam=[round(float(v), 2) for v in circle[:, 2]],
                  sweep_2018_seam_ratio=round(sweep[0], 1))
    print(f"circle loops (3 seeds, 48 frames): last → first step / steps around it "
          f"{np.round(circle[:, 0], 2).tolist()}, / median of all steps "
          f"{np.round(circle[:, 1], 2).tolist()}; share of other steps as large, measured alike "
          f"{np.round(circle[:, 2], 2).tolist()}; the 2018 sweep (no loop): {sweep[0]:.1f}")
    z = ZPath(PathKind.SWEEP, weights.config.z_dim).at(0.0)
    numpy_ms = median_ms(lambda: numpy_original_render(weights, z, 512, 1.0), repeats=3)
    agree = np.abs(numpy_original_render(weights, z, 512, 1.0).reshape(512, 512, 1)
                   - render(weights, z, 512, 512, 1.0)).max()
    print(f"2018-style numpy render 512²: {numpy_ms:.1f} ms (max pixel difference {agree:.2e});"
          f" ours is {numpy_ms / result['repaint_512_ms']:.1f}x faster")
    tab = in_the_tab()
    print("in the tab: " + ", ".join(f"{k} {v}" for k, v in tab.items()))
    result.update(tab)
    child = subprocess.run([sys.executable, __file__, "--export-child", str(args.export_side)],
                           capture_output=True, text=True, check=True)
    export = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"export {args.export_side}² PNG: {export['seconds']:.1f} s, peak RSS "
          f"{export['peak_mb']:.0f} MB ({export['peak_mb'] - export['baseline_mb']:.0f} MB above "
          f"the {export['baseline_mb']:.0f} MB of a loaded TensorFlow), file {export['file_mb']:.0f} MB")
    result.update(numpy_2018_style_512_ms=round(numpy_ms, 1),
                  speedup_vs_numpy=round(numpy_ms / result["repaint_512_ms"], 2),
                  export_8192_s=round(export["seconds"], 1),
                  export_8192_peak_mb=round(export["peak_mb"]),
                  export_8192_above_baseline_mb=round(export["peak_mb"] - export["baseline_mb"]),
                  export_side=args.export_side)
    print_result(result)


if __name__ == "__main__":
    main()
