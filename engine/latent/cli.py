"""``python main.py train ae|vae ...``: train from the terminal and write the 2018 post's pictures.

Writes into ``--out``: ``history.json`` (every loss point), ``latent.gif`` (the fixed digits in
3-D over time), ``reconstructions.gif`` (originals above reconstructions over time),
``model.keras``, ``run.latentlab`` (the whole run as a workspace: ``python main.py
run.latentlab`` explores it in the window; kept current while the run trains, for File →
Follow a run folder…) and, as it trains, ``tensorboard/`` (every loss point, pictures and
Projector codes per epoch, the settings: ``tensorboard --logdir OUT``), with a progress line on
the terminal. Ctrl-C (or SIGTERM), or a file ``OUT/stop-request``, stops at the next step and
writes what the run has; a second Ctrl-C quits at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.configs import config_to_dict
from engine.files.animations import save_animation
from engine.files.atomic import write_atomically
from engine.files.folder_lock import FolderLock, FolderLockError
from engine.latent.config import (
    IMAGE_SIDES,
    MAX_BETA,
    AutoencoderConfig,
    Backprop,
    Loss,
    ModelKind,
    Preset,
    Reduction,
    preset_config,
)
from engine.latent.datasets import DatasetError, channels_for, load_dataset
from engine.latent.fork import forked_run
from engine.latent.frames import TENSORBOARD_PICTURES, latent_frames, reconstruction_frames
from engine.latent.models import save_autoencoder
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.run_folder import LiveRunFolder
from engine.runs.control import RunControl, RunStopped
from engine.runs.loop import run_loop
from engine.runs.run import Run
from engine.runs.tensorboard_log import TensorBoardLog
from engine.runs.update import RunState, RunUpdate
from engine.terminal import checked, file_error, int_in, say, stop_on_signals
from engine.tf_runtime import configure_threads
from engine.validation import MAX_SEED, check_float, current_choice
from engine.workspace import open_workspace, save_workspace


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py train", description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=[k.value for k in ModelKind], help="ae: autoencoder; vae: VAE")
    p.add_argument("--loss", choices=[loss.value for loss in Loss], default="bce",
                   help="reconstruction term (a VAE adds KL; kl = KL only)")
    p.add_argument("--preset", choices=[p.value for p in Preset], default="quick",
                   type=current_choice, help="quick, or original-2018 (old spelling: seed)")
    p.add_argument("--epochs", type=int_in(1, 10_000))
    p.add_argument("--batch-size", type=int_in(1, 4_096))
    p.add_argument("--lr", dest="learning_rate",
                   type=checked(float, lambda v: check_float("it", v, 0, 1000, lo_open=True)))
    p.add_argument("--train-size", type=int_in(1, 1_000_000))
    p.add_argument("--reduction", choices=[r.value for r in Reduction], type=current_choice)
    p.add_argument("--backprop", choices=[b.value for b in Backprop])
    p.add_argument("--seed", type=int_in(0, MAX_SEED))
    p.add_argument("--beta", type=checked(float, lambda v: check_float("it", v, 0, MAX_BETA)),
                   help=f"the VAE's KL weight, 0 to {MAX_BETA:g} (0: a plain autoencoder that "
                        "samples; 1, the default: the VAE)")
    kl = p.add_mutually_exclusive_group()
    kl.add_argument("--kl-2018-quirks", "--seed-kl-quirks", dest="kl_2018_quirks",
                    action="store_true", default=None,
                    help="the 2018 VAE's KL (sigma vs log-variance mix-up, batch-mean KL); the "
                         "2018 original preset's default")
    kl.add_argument("--corrected-kl", dest="kl_2018_quirks", action="store_false",
                    help="the textbook KL, even with the 2018 original preset")
    p.add_argument("--backprop-2018-quirks", "--seed-backprop-quirks",
                   dest="backprop_2018_quirks", action="store_true", default=None,
                   help="the 2018 hand-written backprop's bugs (ELU' = 2, pooling x4, Adam)")
    p.add_argument("--no-jit", dest="jit_compile", action="store_false", default=None)
    p.add_argument("--dataset", default="mnist",
                   help="mnist, fashion-mnist, keras (MNIST: cache/download), cifar10 (Keras' "
                        "cache) or a path (.npz, IDX, a folder of IDX files or of pictures)")
    p.add_argument("--side", dest="image_side", type=int, choices=IMAGE_SIDES,
                   help="the side of the pictures the model sees (default 28; the quick and "
                        "conv presets take 32 and 64 too)")
    p.add_argument("--colour", choices=("auto", "grey", "rgb"), default="auto",
                   help="grey or RGB pictures; auto (the default): as the dataset's are")
    p.add_argument("--latent-dim", type=int_in(1, 64),
                   help="the size of the latent code (default 3)")
    p.add_argument("--frames-per-epoch", type=int_in(1, 100), default=4,
                   help="GIF frames per epoch (1 to 100)")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--save-every", type=checked(float, lambda v: check_float("it", v, 0.1, 3600)),
                   default=5.0, metavar="SECONDS",
                   help="keep OUT/run.latentlab current for a window that follows the run: "
                        "rewritten at snapshots, at most this often (default 5)")
    p.add_argument("--threads", type=int_in(1, 1024),
                   help="CPU threads TensorFlow may use (default: all)")
    p.add_argument("--no-tensorboard", dest="tensorboard", action="store_false",
                   help="do not write the TensorBoard log (OUT/tensorboard/)")
    p.add_argument("--from", dest="from_run", type=Path, metavar="RUN.latentlab",
                   help="continue a saved run (its first) from --step, with these settings")
    p.add_argument("--step", type=int_in(0, 100_000_000),
                   help="the step of --from to start at (one that kept weights: an epoch's end)")
    return p


def config_from_args(args: argparse.Namespace) -> AutoencoderConfig:
    overrides = {k: v for k, v in vars(args).items() if v is not None and k in {
        "epochs", "batch_size", "learning_rate", "train_size", "reduction", "backprop", "seed",
        "kl_2018_quirks", "jit_compile", "backprop_2018_quirks", "beta", "image_side",
        "latent_dim"}}
    overrides["channels"] = channels_for(args.colour, args.dataset, args.preset)
    return preset_config(args.kind, args.loss, args.preset, dataset=args.dataset, **overrides)


def history_record(run: Run) -> dict:
    """Everything a run logged, as JSON-ready data: every loss point by column."""
    return {
        "config": config_to_dict(run.config),
        "dataset": run.fixtures.source,
        "state": run.state.value,
        "message": run.message,
        "samples_per_wall_second": run.samples_per_wall_second,
        "steps_per_epoch": run.steps_per_epoch,
        "parent": run.parent, "fork_step": run.fork_step,
        "columns": {name: run.column(name).tolist() for name in run.metrics.names},
    }


class _Progress:
    def __init__(self, stream):
        self.stream = stream

    def __call__(self, run: Run, update: RunUpdate) -> None:
        if self.stream is None or not len(update.rows):
            return
        epochs = run.config.epochs
        self.stream.write(f"\repoch {min(int(run.epoch_at(run.step)) + 1, epochs)}/{epochs}  "
                          f"step {run.step}/{run.total_steps}  loss {run.final_loss():10.3f}  "
                          f"{update.samples_per_wall_second:8.0f} samples/s  "
                          f"ETA {update.eta_s:5.0f} s ")
        self.stream.flush()


def window_of(run: Run) -> dict:
    """The window state a terminal run's workspace opens with: its tab in front."""
    return {"tab": run.config.kind.tab}


def write_outputs(run: Run, trainer: AutoencoderTrainer, out: Path) -> tuple[list[str], list[str]]:
    """Write each output on its own, so one that fails (a full disk) keeps the others; returns
    (names written, messages for the ones that failed)."""
    pinned = run.snapshots.pinned()
    jobs = {
        "history.json": lambda p: write_atomically(
            p, lambda tmp: Path(tmp).write_text(json.dumps(history_record(run)))),
        "latent.gif": lambda p: save_animation(latent_frames(run, pinned), p),
        "reconstructions.gif": lambda p: save_animation(reconstruction_frames(run, pinned), p),
        "model.keras": lambda p: save_autoencoder(trainer.models, p),
        "run.latentlab": lambda p: save_workspace(p, [run], window_of(run)),
    }
    written, failed = [], []
    for name, job in jobs.items():
        try:
            job(out / name)
            written.append(name)
        except (OSError, ValueError) as exc:
            failed.append(f"could not write {out / name}: {getattr(exc, 'strerror', None) or exc}")
    return written, failed


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.threads:
        configure_threads(args.threads, 1)
    control = RunControl()
    stop_on_signals(control, "stopping at the next step, then writing what the run has")
    try:
        config = config_from_args(args)
        start = _fork_of(args, config)
        with FolderLock(args.out):
            dataset = load_dataset(config.dataset, stop=control.raise_if_stopped,
                                   image_shape=config.image_shape)
            data = prepare_training_data(config, dataset)
            control.raise_if_stopped()
            return _train(config, data, control, args, start)
    except RunStopped:
        say("stopped before training began; nothing was written", error=True)
        return 130
    except (ValueError, DatasetError, FolderLockError) as exc:
        say(f"error: {exc}", error=True)
        return 2
    except OSError as exc:
        say(file_error(exc, args.out), error=True)
        return 2


def _fork_of(args, config: AutoencoderConfig):
    """(the child run, the weights it starts from) for --from/--step, else None."""
    if (args.from_run is None) != (args.step is None):
        raise ValueError("--from and --step go together: the run to continue and its step")
    if args.from_run is None:
        return None
    opened = open_workspace(args.from_run)
    if not opened.runs:
        raise ValueError(f"{args.from_run} holds no run to continue")
    child, snapshot = forked_run(opened.runs[0], args.step, config)
    return child, snapshot.weights


def _train(config: AutoencoderConfig, data, control: RunControl, args, start=None) -> int:
    if data.notice:
        say(f"warning: {data.source}: {data.notice}", error=True)
    trainer = AutoencoderTrainer(config, data)
    if start is not None:
        run, weights = start
        trainer.set_weights(list(weights))
    else:
        run = Run("latent", config, config.describe())
    run.subscribe(_Progress(sys.stdout))
    tensorboard = (TensorBoardLog(run, args.out / "tensorboard", TENSORBOARD_PICTURES).follow()
                   if args.tensorboard else None)
    live = LiveRunFolder(run, args.out, control, window_of(run), args.save_every)
    run.subscribe(live)
    for update in run_loop(trainer, control, live_snapshots=False,
                           pins_per_epoch=args.frames_per_epoch):
        run.apply(update)
    say("")
    written, failed = write_outputs(run, trainer, args.out)
    if tensorboard is not None:
        tensorboard.close()
        if tensorboard.error:
            failed.append(tensorboard.error)
        else:
            written.append("tensorboard/")
    say(f"{run.state.value}: {run.step} steps, final loss {run.final_loss():.3f}; wrote "
        f"{args.out}/{{{', '.join(written)}}}")
    for message in failed:
        say(f"error: {message}", error=True)
    if run.state is RunState.FAILED:
        say(f"error: {run.message}", error=True)
        return 1
    if failed:
        return 1
    return 130 if run.state is RunState.STOPPED else 0
