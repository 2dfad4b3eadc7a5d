"""``python main.py train ae|vae ...``: train from the terminal and write the 2018 post's pictures.

Writes into ``--out``: ``history.json`` (every loss point), ``latent.gif`` (the fixed digits in
3-D over time), ``reconstructions.gif`` (originals above reconstructions over time) and
``model.keras``, with a progress line on the terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from engine.latent.config import AutoencoderConfig, Backprop, Loss, ModelKind, Preset, \
    Reduction, preset_config
from engine.files.atomic import write_atomically
from engine.latent.datasets import DatasetError, load_dataset
from engine.files.animations import save_animation
from engine.latent.frames import latent_frames, reconstruction_frames
from engine.latent.trainer import AutoencoderTrainer
from engine.runs.update import TrainingUpdate
from engine.latent.training_data import prepare_training_data


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py train", description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=[k.value for k in ModelKind], help="ae: autoencoder; vae: VAE")
    p.add_argument("--loss", choices=[l.value for l in Loss], default="bce",
                   help="reconstruction term (a VAE adds KL; kl = KL only)")
    p.add_argument("--preset", choices=[p.value for p in Preset], default="quick")
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float, dest="learning_rate")
    p.add_argument("--train-size", type=int)
    p.add_argument("--reduction", choices=[r.value for r in Reduction])
    p.add_argument("--backprop", choices=[b.value for b in Backprop])
    p.add_argument("--seed", type=int)
    p.add_argument("--seed-kl-quirks", action="store_true", default=None,
                   help="the 2018 VAE's KL (sigma vs log-variance mix-up, batch-mean KL)")
    p.add_argument("--seed-backprop-quirks", action="store_true", default=None,
                   help="the 2018 hand-written backprop's bugs (ELU' = 2, pooling x4, Adam)")
    p.add_argument("--no-jit", dest="jit_compile", action="store_false", default=None)
    p.add_argument("--dataset", default="mnist",
                   help="mnist, fashion-mnist, keras (cache/download) or a path (.npz, IDX, folder)")
    p.add_argument("--frames-per-epoch", type=int, default=4, help="GIF frames per epoch")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    return p


def config_from_args(args: argparse.Namespace) -> AutoencoderConfig:
    overrides = {k: v for k, v in vars(args).items() if v is not None and k in {
        "epochs", "batch_size", "learning_rate", "train_size", "reduction", "backprop", "seed",
        "seed_kl_quirks", "seed_backprop_quirks", "jit_compile"}}
    return preset_config(args.kind, args.loss, args.preset, dataset=args.dataset, **overrides)


def write_history(path: Path, trainer: AutoencoderTrainer, final: TrainingUpdate) -> None:
    record = {
        "config": json.loads(trainer.config.to_json()),
        "dataset": trainer.data.source,
        "state": final.state,
        "message": final.message,
        "samples_per_second": final.samples_per_second,
        "steps_per_epoch": trainer.steps_per_epoch,
        "loss_points": [p.__dict__ for p in trainer.loss_history],
    }
    write_atomically(path, lambda tmp: Path(tmp).write_text(json.dumps(record)))


def _progress(update: TrainingUpdate, epochs: int, stream) -> None:
    if stream is None:
        return
    if not update.loss_points:
        return
    last = update.loss_points[-1].total
    stream.write(f"\repoch {min(int(update.epoch) + 1, epochs)}/{epochs}  "
                 f"step {update.step}/{update.total_steps}  loss {last:10.3f}  "
                 f"{update.samples_per_second:8.0f} samples/s  ETA {update.eta_s:5.0f} s ")
    stream.flush()


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    out = sys.stdout
    try:
        config = config_from_args(args)
        data = prepare_training_data(config, load_dataset(config.dataset))
        args.out.mkdir(parents=True, exist_ok=True)
        if not os.access(args.out, os.W_OK):
            raise PermissionError(f"{args.out}: the output folder is not writable")
    except (ValueError, DatasetError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    trainer = AutoencoderTrainer(config, data)
    final = None
    for update in trainer.run(live_snapshots=False, snapshots_per_epoch=args.frames_per_epoch):
        _progress(update, config.epochs, out)
        final = update
    if out is not None:
        out.write("\n")
    snaps = trainer.snapshots.pinned()
    write_history(args.out / "history.json", trainer, final)
    save_animation(latent_frames(snaps, data.view_labels), args.out / "latent.gif")
    save_animation(reconstruction_frames(snaps, data.reconstruction_images),
             args.out / "reconstructions.gif")
    trainer.save(args.out / "model.keras")
    print(f"{final.state}: {trainer.step} steps, final loss "
          f"{trainer.loss_history[-1].total:.3f}; wrote {args.out}/"
          "{history.json, latent.gif, reconstructions.gif, model.keras}")
    if final.state == "failed":
        print(f"error: {final.message}", file=sys.stderr)
        return 1
    return 0
