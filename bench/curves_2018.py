"""The 2018 original runs against the 2018 logs: each of the post's five runs (AE log loss, AE MSE, VAE
log loss + KL, VAE MSE + KL, VAE KL only) trained with the 2018 original preset, and per logged epoch
(0, 2, 4, ...) the mean batch loss beside the 2018 value and their ratio.

An epoch of the preset is 1,000 steps of batch 10 (minutes on a laptop CPU); ``--steps`` caps
each epoch at that many steps, and the mean is then over those steps only (the table says so).

    python bench/curves_2018.py [--epochs 1] [--steps 1000] [--runs ae-bce,vae-kl]
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import print_result

from engine.latent.config import preset_config
from engine.latent.datasets import load_bundled
from engine.latent.reference_2018 import LOG_2018, LOGGED_EPOCHS
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.loop import run_loop

RUNS = ("ae-bce", "ae-mse", "vae-bce", "vae-mse", "vae-kl")


def epoch_means(kind: str, loss: str, epochs: int, steps: int, dataset) -> dict[int, float]:
    """Mean batch loss over the first ``steps`` steps of each logged epoch below ``epochs``."""
    config = preset_config(kind, loss, "original-2018", epochs=epochs)
    trainer = AutoencoderTrainer(config, prepare_training_data(config, dataset))
    per_epoch = trainer.steps_per_epoch
    wanted = [int(e) for e in LOGGED_EPOCHS if e < epochs]
    losses: dict[int, list[float]] = {e: [] for e in wanted}
    for update in run_loop(trainer, live_snapshots=False):
        for step, loss_value in zip(update.rows[:, 0], update.rows[:, 2]):
            epoch, within = divmod(int(step), per_epoch)
            if epoch in losses and within < steps:
                losses[epoch].append(float(loss_value))
        done = int(update.step) // per_epoch
        if done >= max(wanted) + 1 or (done == max(wanted) and
                                       update.step % per_epoch >= steps):
            break
    return {e: float(np.mean(v)) for e, v in losses.items() if v}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1, help="epochs to train (the log has 0-20)")
    parser.add_argument("--steps", type=int, default=1000, help="steps of each epoch averaged")
    parser.add_argument("--runs", default=",".join(RUNS))
    args = parser.parse_args()
    dataset = load_bundled("mnist")
    table = {}
    for name in args.runs.split(","):
        kind, loss = name.split("-")
        means = epoch_means(kind, loss, args.epochs, args.steps, dataset)
        logged = dict(zip((int(e) for e in LOGGED_EPOCHS), LOG_2018[(kind, loss)]))
        rows = {e: {"ours": round(m, 3), "2018": logged[e], "ratio": round(m / logged[e], 3)}
                for e, m in means.items()}
        table[name] = rows
        for e, row in rows.items():
            print(f"{name:8s} epoch {e:2d}: ours {row['ours']:10.3f}   2018 {row['2018']:10.3f}"
                  f"   ratio {row['ratio']:.3f}", flush=True)
    print_result({"steps_averaged_per_epoch": args.steps, "epochs": args.epochs, "runs": table})


if __name__ == "__main__":
    main()
