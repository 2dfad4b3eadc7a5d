"""``--self-test``: a training step of each model, a run's TensorBoard log, a CPPN, a photo cleaned
by the bundled de-emoji network and a GL frame, in this very process.

It proves the TensorFlow build and the GL driver coexist (engine/tf_runtime.py), in source runs
and in the frozen app. Prints ``self-test: ok`` and returns 0, or the reason and 1.
"""

from __future__ import annotations

import logging
import sys

import numpy as np

from engine.latent.config import preset_config
from engine.latent.datasets import load_bundled
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.loop import run_loop


def train_one_step_each() -> list[str]:
    dataset = load_bundled("mnist")
    lines = []
    for kind, loss, preset, extra in (("ae", "bce", "quick", {}), ("vae", "bce", "quick", {}),
                                      ("ae", "mse", "original-2018", {"conv_channels": (16, 32)})):
        config = preset_config(kind, loss, preset, epochs=1, train_size=200, latent_points=50,
                               **extra)
        trainer = AutoencoderTrainer(config, prepare_training_data(config, dataset))
        run = run_loop(trainer, live_snapshots=False)
        next(run)
        loss_value = float(next(run).rows[0, 2])  # the first step's loss (after step, wall_s)
        if not np.isfinite(loss_value):
            raise RuntimeError(f"{kind}/{preset}: the first loss is {loss_value}")
        lines.append(f"{kind}/{loss}/{preset}: step 1 loss {loss_value:.3f}")
    return lines


def write_tensorboard_log() -> str:
    """A short VAE run written as a TensorBoard log and read back (the packaged app must carry
    TensorBoard's protos and plugins)."""
    import tempfile

    from engine.files.tensorboard_events import read_scalars
    from engine.latent.frames import TENSORBOARD_PICTURES
    from engine.runs.run import Run
    from engine.runs.tensorboard_log import write_run

    config = preset_config("vae", "bce", "quick", epochs=1, train_size=200, latent_points=50)
    trainer = AutoencoderTrainer(config, prepare_training_data(config, load_bundled("mnist")))
    run = Run("latent", config, "self-test")
    for update in run_loop(trainer, live_snapshots=False):
        run.apply(update)
    with tempfile.TemporaryDirectory() as folder:
        write_run(run, folder, TENSORBOARD_PICTURES)
        curve = read_scalars(folder).curves[(".", "loss")]
    if len(curve.values) != run.step:
        raise RuntimeError(f"the TensorBoard log holds {len(curve.values)} loss points, "
                           f"not {run.step}")
    return f"TensorBoard log: {len(curve.values)} loss points read back"


def draw_gl_frame() -> str:
    from gui.latent.scatter import LatentScatterView

    view = LatentScatterView()
    rng = np.random.default_rng(0)
    view.set_points(rng.normal(size=(1000, 3)).astype(np.float32), rng.integers(0, 10, 1000))
    view.resize(400, 320)
    view.show()
    frame = view.grab_frame()
    view.close()
    pixels = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(), -1)
    coloured = int((pixels != 255).sum())
    if frame.width() == 0 or coloured == 0:
        raise RuntimeError("the GL scatter frame came back blank")
    return f"GL frame {frame.width()}x{frame.height()}, {coloured} non-white bytes"


def render_cppn() -> str:
    from engine.cppn.config import PRESETS
    from engine.cppn.network import init_weights
    from engine.cppn.paths import PathKind, ZPath
    from engine.cppn.render import render

    weights = init_weights(PRESETS[1].config)
    z = ZPath(PathKind.SWEEP, weights.config.z_dim).at(0.5)
    image = render(weights, z, 128, 128, 1.0)
    if image.std() < 0.01:
        raise RuntimeError("the CPPN rendered a flat picture")
    return f"CPPN {image.shape[1]}x{image.shape[0]}x{image.shape[2]}, std {image.std():.3f}"


def clean_photo() -> str:
    """The bundled de-emoji networks search and fill a corner of a held-out photo, and OpenCV's
    inpainting runs beside it (the packaged app must carry both)."""
    from engine.deemoji.evaluation import held_out_photo_paths
    from engine.deemoji.fills import compare_fills
    from engine.deemoji.networks import Cleaners, bundled_network
    from engine.files.images import image_to_array, load_image

    network = bundled_network()
    if network is None:
        raise RuntimeError("the bundled de-emoji networks are missing")
    photo = image_to_array(load_image(held_out_photo_paths()[0]))[:256, :256]
    cleaned = Cleaners().get(network).clean(photo)
    fills = compare_fills(photo, cleaned.output, cleaned.mask)
    return f"de-emoji {photo.shape[1]}x{photo.shape[0]}: {len(fills)} fills"


def _say(line: str) -> None:
    """Print, or log where there is no console (a windowed frozen app has no stdout)."""
    if sys.stdout is not None:
        print(line, flush=True)
    logging.getLogger("latent_lab").info(line)


def run_self_test() -> int:
    try:
        lines = train_one_step_each() + [write_tensorboard_log(), render_cppn(), clean_photo(),
                                         draw_gl_frame()]
    except Exception as exc:  # report any failure as the self-test's verdict
        _say(f"self-test: FAILED: {type(exc).__name__}: {exc}")
        return 1
    for line in lines:
        _say(line)
    _say("self-test: ok")
    return 0
