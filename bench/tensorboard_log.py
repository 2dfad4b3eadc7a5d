"""What a live TensorBoard log costs the thread that owns the run (the GUI thread in the window).

Trains the quick VAE on all 60,000 digits, in rounds alternating with and without a log
following the run, the run applied and the log written in this thread as the window does. Prints
the time each update's catch-up took (median, and the largest, which is an epoch's end: two
pictures and a Projector entry), the share of the run's wall time spent writing, and the wall
time of a run with the log against one without (median over rounds). Also the log's size.

    python bench/tensorboard_log.py [--epochs 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import print_result

from engine.latent.config import preset_config
from engine.latent.datasets import load_bundled
from engine.latent.frames import TENSORBOARD_PICTURES
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.loop import run_loop
from engine.runs.run import Run
from engine.runs.tensorboard_log import TensorBoardLog


def one_run(config, data, logdir: Path | None) -> tuple[float, list[float], float]:
    """(wall seconds of the run, seconds of each catch-up, bytes written)."""
    trainer = AutoencoderTrainer(config, data)
    run = Run("latent", config, config.describe())
    log = TensorBoardLog(run, logdir, TENSORBOARD_PICTURES) if logdir else None
    costs = []
    start = time.perf_counter()
    for update in run_loop(trainer):
        run.apply(update)
        if log is not None:
            t0 = time.perf_counter()
            log.catch_up()
            costs.append(time.perf_counter() - t0)
    wall = time.perf_counter() - start
    if log is not None:
        log.close()
        assert not log.error, log.error
    size = sum(p.stat().st_size for p in logdir.rglob("*") if p.is_file()) if logdir else 0
    return wall, costs, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = preset_config("vae", "bce", "quick", epochs=args.epochs)
    data = prepare_training_data(config, load_bundled("mnist"))
    one_run(config, data, None)                         # trace and compile once, untimed
    ratios, costs, shares, size = [], [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        for k in range(args.rounds):
            plain, _, _ = one_run(config, data, None)
            logged, round_costs, size = one_run(config, data, Path(folder) / f"round{k}")
            ratios.append(logged / plain)
            costs += round_costs
            shares.append(sum(round_costs) / logged)
            print(f"round {k + 1}: {plain:.1f} s without, {logged:.1f} s with the log; "
                  f"writing took {sum(round_costs):.2f} s in {len(round_costs)} updates")
    result = {"epochs": args.epochs, "rounds": args.rounds,
              "catch_up_median_ms": 1000 * statistics.median(costs),
              "catch_up_max_ms": 1000 * max(costs),
              "share_of_wall_time_writing": statistics.median(shares),
              "wall_with_log_vs_without": statistics.median(ratios),
              "wall_ratio_rounds": ratios, "log_mb": size / 1e6}
    print(f"catch-up per update: median {result['catch_up_median_ms']:.2f} ms, largest "
          f"{result['catch_up_max_ms']:.0f} ms; run with the log / without: "
          f"{result['wall_with_log_vs_without']:.3f}; log {result['log_mb']:.1f} MB")
    print_result(result)


if __name__ == "__main__":
    main()
