"""Training throughput: the engine's run loop against ``keras.Model.fit`` on the same work.

Each trains one autoencoder (same layers, initial weights, batch, 10,000 digits and log loss) in
this one process; the first epoch of each (tracing, XLA compilation) is not timed. The ``quick``
dense preset against two ``fit`` peers: Keras' defaults (no XLA on CPU, one step per call), and
what a performance-minded Keras user runs, ``compile(jit_compile=True, steps_per_execution=16)``;
the engine uses XLA and up to 16 steps per compiled call too, so the second is the fair
comparison (the headline, ``ratio_vs_best_fit``). The ``conv`` preset (``--conv-rounds``)
against ``fit`` with 16 steps per call and no XLA, as the engine runs it (XLA's compilation of
these convolutions does not finish on CPU). Also measures this machine's float32 matmul rate now,
which bounds what any trainer can reach (the ceiling: the models' multiply-adds at that rate),
and the 2018 original preset's seconds per epoch. The rate drifts within minutes, so the peer,
the engine and the sgemm rate are measured in interleaved rounds; each ratio is taken within a
round, and the median is reported.

    python bench/train_throughput.py [--epochs 4] [--rounds 3] [--conv-rounds 3] [--original-steps 60]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import print_result, sgemm_gflops

from engine.latent.config import preset_config
from engine.latent.datasets import load_bundled
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.loop import MAX_STEPS_PER_CALL, run_loop
from engine.tf_runtime import device_summary, keras, tf


def engine_samples_per_second(config, data) -> float:
    """Wall-clock samples/s over the epochs after the first, live snapshots off."""
    trainer = AutoencoderTrainer(config, data)
    rows = np.concatenate([u.rows for u in run_loop(trainer, live_snapshots=False)])
    step, wall = rows[:, 0], rows[:, 1]
    first = int(np.searchsorted(step, trainer.steps_per_epoch))
    return (len(step) - first) * config.batch_size / (wall[-1] - wall[first - 1])


def keras_fit_samples_per_second(config, data, **compile_options) -> float:
    trainer = AutoencoderTrainer(config, data)  # same initial weights as the engine's run
    models = trainer.models
    image = keras.Input(config.image_shape)
    model = keras.Model(image, models.decoder(models.encoder(image)))

    def log_loss(x, logits):  # the engine's per-image log loss; fit averages it over the batch
        return tf.reduce_sum(tf.nn.softplus(logits) - x * logits, axis=[1, 2, 3])

    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss=log_loss,
                  **compile_options)
    x = data.train_images
    model.fit(x, x, batch_size=config.batch_size, epochs=1, verbose=0, shuffle=True)
    start = time.perf_counter()
    model.fit(x, x, batch_size=config.batch_size, epochs=config.epochs - 1, verbose=0, shuffle=True)
    return (config.epochs - 1) * len(x) / (time.perf_counter() - start)


def training_flops_per_sample(models) -> float:
    """Multiply-adds of every kernel (a dense layer's once, a convolution's at each position it
    is applied: its output's for Conv2D, its input's for Conv2DTranspose), x2 for FLOPs and x3 for
    forward + both backward products (activations and losses are small beside them)."""
    macs = 0
    for network in (models.encoder, models.decoder):
        for layer in network.layers:
            kernel = getattr(layer, "kernel", None)
            if kernel is None:
                continue
            if isinstance(layer, keras.layers.Conv2DTranspose):
                positions = int(np.prod(layer.input.shape[1:3]))
            elif isinstance(layer, keras.layers.Conv2D):
                positions = int(np.prod(layer.output.shape[1:3]))
            else:
                positions = 1
            macs += positions * int(np.prod(kernel.shape))
    return 6.0 * macs


def rounds_against_fit(config, data, rounds: int, label: str, **fit_options) -> np.ndarray:
    """``rounds`` interleaved rounds of (sgemm rate, the fit peer, the engine): each row is
    (GFLOP/s, peer samples/s, engine samples/s, engine/peer, engine/ceiling, peer/ceiling)."""
    flops = training_flops_per_sample(AutoencoderTrainer(config, data).models)
    table = []
    for k in range(rounds):   # the machine's speed drifts: each ratio is within one round
        peak = sgemm_gflops()
        fit_sps = keras_fit_samples_per_second(config, data, **fit_options)
        engine_sps = engine_samples_per_second(config, data)
        ceiling = peak * 1e9 / flops
        table.append((peak, fit_sps, engine_sps, engine_sps / fit_sps, engine_sps / ceiling,
                      fit_sps / ceiling))
        print(f"{label} round {k + 1}: sgemm {peak:5.0f} GFLOP/s (ceiling {ceiling:6.0f} "
              f"samples/s at {flops / 1e6:.1f} MFLOP a sample), fit {fit_sps:6.0f}, engine "
              f"{engine_sps:6.0f} samples/s: {engine_sps / fit_sps:.2f}x the fit, "
              f"{engine_sps / ceiling:.0%} of the ceiling (fit {fit_sps / ceiling:.0%})")
    return np.array(table)


def original_seconds_per_epoch(steps: int, dataset) -> float:
    config = preset_config("ae", "bce", "original-2018", epochs=1)
    trainer = AutoencoderTrainer(config, prepare_training_data(config, dataset))
    rows = []
    for update in run_loop(trainer, live_snapshots=False):
        rows.append(update.rows)
        if update.step >= steps:
            break
    wall = np.concatenate(rows)[:, 1]
    warm = wall[len(wall) // 3:]  # skip the first third: compilation
    return (warm[-1] - warm[0]) / (len(warm) - 1) * trainer.steps_per_epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (sgemm, tuned fit, engine) for the quick preset")
    parser.add_argument("--conv-rounds", type=int, default=3,
                        help="rounds of (sgemm, fit, engine) for the conv preset (0: none)")
    parser.add_argument("--original-steps", type=int, default=60)
    args = parser.parse_args()
    print(device_summary())
    dataset = load_bundled("mnist")
    config = preset_config("ae", "bce", "quick", epochs=args.epochs)
    data = prepare_training_data(config, dataset)
    fit_sps = keras_fit_samples_per_second(config, data)
    print(f"keras fit, defaults:            {fit_sps:9.0f} samples/s")
    table = rounds_against_fit(config, data, args.rounds, "quick, fit XLA + 16 steps/call",
                               jit_compile=True, steps_per_execution=MAX_STEPS_PER_CALL)
    median = np.median(table, axis=0)
    print(f"median of {args.rounds} rounds: {median[3]:.2f}x the tuned fit "
          f"(min {table[:, 3].min():.2f}), engine at {median[4]:.0%} of the sgemm ceiling "
          f"(min {table[:, 4].min():.0%}), tuned fit at {median[5]:.0%}; the default fit "
          f"{median[2] / fit_sps:.2f}x slower than the engine")
    result = {"engine_sps": round(median[2]), "keras_fit_sps": round(fit_sps),
              "keras_best_fit_sps": round(median[1]),
              "ratio_vs_best_fit": round(median[3], 3),
              "ratio_vs_best_fit_min": round(table[:, 3].min(), 3),
              "ratio": round(median[2] / fit_sps, 3), "sgemm_gflops": round(median[0]),
              "rounds": args.rounds, "engine_share_of_sgemm_ceiling": round(median[4], 3),
              "engine_share_of_sgemm_ceiling_min": round(table[:, 4].min(), 3),
              "best_fit_share_of_sgemm_ceiling": round(median[5], 3),
              "batch_size": config.batch_size, "model": "quick 784-512-256-3 dense AE"}
    if args.conv_rounds:
        conv = preset_config("ae", "bce", "conv", epochs=args.epochs)
        conv_table = rounds_against_fit(conv, prepare_training_data(conv, dataset),
                                        args.conv_rounds, "conv, fit 16 steps/call",
                                        steps_per_execution=MAX_STEPS_PER_CALL)
        conv_median = np.median(conv_table, axis=0)
        print(f"conv preset, median of {args.conv_rounds} rounds: {conv_median[3]:.2f}x the fit "
              f"(min {conv_table[:, 3].min():.2f}, max {conv_table[:, 3].max():.2f}), engine at "
              f"{conv_median[4]:.1%} of the sgemm ceiling, fit at {conv_median[5]:.1%}")
        result.update({"conv_engine_sps": round(conv_median[2]),
                       "conv_fit_sps": round(conv_median[1]),
                       "conv_ratio_vs_fit": round(conv_median[3], 3),
                       "conv_ratio_vs_fit_min": round(conv_table[:, 3].min(), 3),
                       "conv_engine_share_of_sgemm_ceiling": round(conv_median[4], 4),
                       "conv_rounds": args.conv_rounds})
    original_epoch = original_seconds_per_epoch(args.original_steps, dataset)
    print(f"2018 original preset: {original_epoch:.0f} s per epoch of 10,000 digits "
          f"(extrapolated from {args.original_steps} steps of batch 10)")
    print_result({**result, "original_epoch_s": round(original_epoch, 1)})


if __name__ == "__main__":
    main()
