"""The 2018 original runs against the 2018 logs: each of the post's five runs (AE log loss, AE MSE, VAE
log loss + KL, VAE MSE + KL, VAE KL only) trained with the 2018 original preset, and per logged epoch
(0, 2, 4, ...) the mean batch loss beside the 2018 value and their ratio.

An epoch of the preset is 1,000 steps of batch 10 (minutes on a laptop CPU); ``--steps`` caps
each epoch at that many steps, and the mean is then over those steps only (the table says so).

``--kl-only-guess`` trains the KL-only run under a guess at what the unkept 2018 script did
(docs/original-2018.md, "KL only"): ``as-coded`` (the VAE file with the reconstruction term
removed), ``byte-inputs`` (pixels 0..255, not divided by 255) or ``flipped-log-gradient``
(the logged KL, minimised with the sign of its ``log(s² + 1e-10)`` term turned, as a
hand-derived gradient with that slip would). Its rows then print every 50 steps.

    python bench/curves_2018.py [--epochs 1] [--steps 1000] [--runs ae-bce,vae-kl]
    python bench/curves_2018.py --kl-only-guess byte-inputs --steps 400
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np
from _common import print_result

from engine.latent import losses
from engine.latent.config import preset_config
from engine.latent.datasets import load_bundled
from engine.latent.reference_2018 import LOG_2018, LOGGED_EPOCHS
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.loop import run_loop
from engine.tf_runtime import tf

RUNS = ("ae-bce", "ae-mse", "vae-bce", "vae-mse", "vae-kl")
KL_ONLY_GUESSES = ("as-coded", "byte-inputs", "flipped-log-gradient")
KL_AS_CODED = losses.kl_per_image


def kl_flipped_log_gradient(mean, s, quirks_2018: bool = True):
    """The 2018 KL's value, with the gradient of 0.5·Σ(m² + s² + log(s² + 1e-10) − 1)."""
    logged = KL_AS_CODED(mean, s, True)
    minimised = 0.5 * tf.reduce_sum(tf.square(mean) + tf.square(s)
                                    + tf.math.log(tf.square(s) + 1e-10) - 1.0, axis=1)
    return minimised + tf.stop_gradient(logged - minimised)


def kl_only_guess(guess: str, steps: int, dataset) -> list[dict]:
    """The KL-only run's first ``steps`` losses under one guess, as 50-step blocks."""
    config = preset_config("vae", "kl", "original-2018", epochs=1)
    data = prepare_training_data(config, dataset)
    if guess == "byte-inputs":
        data = dataclasses.replace(data, train_images=data.train_images * 255.0)
    if guess == "flipped-log-gradient":
        losses.kl_per_image = kl_flipped_log_gradient
    try:
        trainer = AutoencoderTrainer(config, data)
        values: list[float] = []
        for update in run_loop(trainer, live_snapshots=False):
            values.extend(update.rows[:, 2].tolist())
            if len(values) >= steps:
                break
    finally:
        losses.kl_per_image = KL_AS_CODED
    v = np.asarray(values[:steps])
    return [{"steps": f"{k}-{min(k + 50, steps) - 1}", "mean": round(float(v[k:k + 50].mean()), 2),
             "min": round(float(v[k:k + 50].min()), 2), "max": round(float(v[k:k + 50].max()), 2)}
            for k in range(0, steps, 50)]


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
    parser.add_argument("--kl-only-guess", choices=KL_ONLY_GUESSES)
    args = parser.parse_args()
    dataset = load_bundled("mnist")
    if args.kl_only_guess:
        blocks = kl_only_guess(args.kl_only_guess, args.steps, dataset)
        for block in blocks:
            print(f"steps {block['steps']:>9s}: mean {block['mean']:9.2f}, min {block['min']:9.2f}, "
                  f"max {block['max']:9.2f}", flush=True)
        mean = float(np.mean([b["mean"] for b in blocks]))
        print(f"2018 log, KL only: epoch 0 mean {LOG_2018[('vae', 'kl')][0]}, epochs 0-20 "
              "between 33.2 and 98.1")
        print_result({"guess": args.kl_only_guess, "steps": args.steps, "blocks": blocks,
                      "mean_of_blocks": round(mean, 2)})
        return
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
