"""``python main.py sweep ae|vae|post ...``: train a grid of runs and gather them into one workspace.

    main.py sweep vae --loss bce,mse --seed 1,2,3 [--preset quick] [--lr 1e-3,3e-4]
                  [--beta 0,0.1,1,4] [--epochs 3] [--train-size N] --out DIR
                  [--workers N | --ray ADDRESS|local]

Each trial is a ``main.py train`` run in ``DIR/<name>/`` (history, GIFs, model, TensorBoard log,
``run.latentlab``, and ``train.log``: what it printed); at the end ``DIR/sweep.latentlab`` holds
every run, ticked for Compare, and a table of the final losses is printed. ``post`` is the 2018
post's five runs (autoencoder: log loss, MSE; VAE: log loss + KL, MSE + KL, KL only); with
``--beta`` it adds a ladder of VAEs (log loss + β·KL) beside them, from the plain AE to the VAE.

``--workers N`` trains N trials at once as processes of this machine, each with its share of
the CPU's threads. ``--ray ADDRESS`` runs the same trials as Ray tasks on an existing cluster
(``--ray local`` starts one on this machine): each task trains into a folder of its worker and
sends the files back, so results land in DIR wherever the trial ran. Ray is optional
(``pip install ray``). A trial that fails is reported and the others go on.
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from engine.latent.config import MAX_BETA, Loss, ModelKind, Preset
from engine.terminal import checked, int_in, say
from engine.validation import MAX_SEED, check_float, check_int

MAX_TRIALS = 200
POST_RUNS = (("ae", "bce"), ("ae", "mse"), ("vae", "bce"), ("vae", "mse"), ("vae", "kl"))
RAY_CONNECT_TIMEOUT_S = 5.0


def _list_of(parse, name: str):
    def convert(text: str) -> list:
        try:
            values = [parse(part.strip()) for part in text.split(",") if part.strip()]
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if not values:
            raise argparse.ArgumentTypeError(f"{name}: give one value or more, comma-separated")
        if len(set(values)) != len(values):
            raise argparse.ArgumentTypeError(f"{name}: a value is given twice")
        return values
    return convert


def _choice(choices):
    def parse(text: str) -> str:
        if text not in choices:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(choices)}")
        return text
    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py sweep", description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=[k.value for k in ModelKind] + ["post"],
                   help="ae, vae, or post: the 2018 post's five runs")
    p.add_argument("--loss", type=_list_of(_choice([loss.value for loss in Loss]), "--loss"),
                   help="losses, comma-separated (default bce; post: its own)")
    p.add_argument("--seed", type=_list_of(lambda t: check_int("--seed", int(t), 0, MAX_SEED),
                                           "--seed"))
    p.add_argument("--preset", type=_list_of(_choice([x.value for x in Preset]), "--preset"),
                   default=["quick"])
    p.add_argument("--lr", type=_list_of(
        lambda t: check_float("--lr", float(t), 0, 1000, lo_open=True), "--lr"))
    p.add_argument("--beta", type=_list_of(
        lambda t: check_float("--beta", float(t), 0, MAX_BETA), "--beta"),
                   help="KL weights of the VAE, comma-separated (post: a ladder beside its runs)")
    p.add_argument("--epochs", type=int_in(1, 10_000))
    p.add_argument("--train-size", type=int_in(1, 1_000_000))
    p.add_argument("--out", required=True, type=Path, help="folder for the sweep")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int_in(1, 64), default=1,
                       help="trials at once on this machine (processes)")
    where.add_argument("--ray", metavar="ADDRESS",
                       help="run the trials on the Ray cluster at ADDRESS (host:port), or "
                            "'local' to start one here")
    p.add_argument("--no-tensorboard", dest="tensorboard", action="store_false",
                   help="trials write no TensorBoard logs")
    p.add_argument("--threads", type=checked(int, lambda v: check_int("--threads", v, 1, 1024)),
                   help="threads each trial may use (default: the CPUs shared out)")
    return p


@dataclass(frozen=True)
class Trial:
    """One run of the grid: its folder's name and the arguments of ``main.py train``."""

    name: str
    argv: tuple[str, ...]


def trials_of(args: argparse.Namespace) -> list[Trial]:
    """The grid, every combination once; ValueError past MAX_TRIALS, with the count."""
    if args.kind == "post":
        if args.loss:
            raise ValueError("--loss does not go with 'post': it trains the post's five runs")
        runs = [(kind, loss, None) for kind, loss in POST_RUNS]
        runs += [("vae", "bce", beta) for beta in (args.beta or []) if beta != 1.0]
    else:
        if args.beta and args.kind != "vae":
            raise ValueError("--beta weighs the VAE's KL: sweep 'vae' (a plain autoencoder has "
                             "no KL term)")
        if 0.0 in (args.beta or []) and "kl" in (args.loss or []):
            raise ValueError("--loss kl with --beta 0 has nothing to minimise: leave 0 out")
        runs = [(args.kind, loss, beta) for loss in (args.loss or ["bce"])
                for beta in (args.beta or [None])]
    seeds, rates = args.seed or [None], args.lr or [None]
    grid = [((kind, loss), beta, preset, seed, lr) for (kind, loss, beta), preset, seed, lr
            in itertools.product(runs, args.preset, seeds, rates)]
    if len(grid) > MAX_TRIALS:
        raise ValueError(f"the grid has {len(grid):,} combinations; a sweep runs at most "
                         f"{MAX_TRIALS} (split it, or give fewer values)")
    out = []
    for (kind, loss), beta, preset, seed, lr in grid:
        name = "-".join([kind, loss] + ([f"beta{beta:g}"] if beta is not None else []) + [preset]
                        + ([f"seed{seed}"] if seed is not None else [])
                        + ([f"lr{lr:g}"] if lr is not None else []))
        argv = [kind, "--loss", loss, "--preset", preset]
        argv += ["--beta", repr(beta)] if beta is not None else []
        argv += ["--seed", str(seed)] if seed is not None else []
        argv += ["--lr", repr(lr)] if lr is not None else []
        argv += ["--epochs", str(args.epochs)] if args.epochs else []
        argv += ["--train-size", str(args.train_size)] if args.train_size else []
        argv += [] if args.tensorboard else ["--no-tensorboard"]
        out.append(Trial(name, tuple(argv)))
    return out


def threads_each(args: argparse.Namespace, at_once: int) -> int:
    return args.threads or max(1, (os.cpu_count() or 1) // at_once)


def train_command(argv: list[str]) -> list[str]:
    """The command that runs ``main.py train`` with ``argv``, in source runs and in the frozen
    app (whose executable takes the same arguments as main.py)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "train", *argv]
    return [sys.executable, str(Path(__file__).resolve().parents[2] / "main.py"), "train", *argv]


def run_trial_here(trial: Trial, folder: Path, threads: int) -> int:
    """Train one trial in a process of its own, its output in ``folder/train.log``."""
    folder.mkdir(parents=True, exist_ok=True)
    command = train_command([*trial.argv, "--threads", str(threads), "--out", str(folder)])
    with open(folder / "train.log", "w", encoding="utf-8") as log:
        return subprocess.run(command, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "OMP_NUM_THREADS": str(threads)}).returncode


def _ray_trial(trial: Trial, threads: int) -> tuple[int, dict[str, bytes]]:
    """In a Ray worker: train into a folder there and send back every file it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / trial.name
        code = run_trial_here(trial, folder, threads)
        files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
                 if p.is_file()}
    return code, files


def check_ray_address(address: str) -> None:
    """ValueError unless something answers at ``host:port`` (Ray's own wait is long)."""
    host, _, port = address.rpartition(":")
    if address.startswith("ray://"):
        host, _, port = address[len("ray://"):].rpartition(":")
    try:
        with socket.create_connection((host or address, int(port or 6379)),
                                      timeout=RAY_CONNECT_TIMEOUT_S):
            pass
    except (OSError, ValueError) as exc:
        raise ValueError(f"no Ray cluster answers at {address} ({exc}); start one with "
                         f"'ray start --head', or use --ray local") from None


def run_on_ray(trials: list[Trial], out: Path, address: str, threads: int) -> dict[str, int]:
    try:
        import ray
    except ImportError:
        raise ValueError("--ray needs Ray: pip install ray (or: pip install "
                         "'latent-lab[ray]')") from None
    if address != "local":
        check_ray_address(address)
    root = Path(__file__).resolve().parents[2]
    ray.init(address=None if address == "local" else address, include_dashboard=False,
             log_to_driver=False, ignore_reinit_error=True,
             runtime_env=None if address == "local" else
             {"working_dir": str(root), "excludes": ["resources/deemoji", ".venv", ".git"]})
    try:
        task = ray.remote(num_cpus=threads)(_ray_trial)
        pending = {task.remote(t, threads): t for t in trials}
        codes = {}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            trial = pending.pop(done[0])
            try:
                code, files = ray.get(done[0])
            except Exception as exc:  # noqa: BLE001 (a task's failure arrives as Ray's error)
                say(f"{trial.name}: failed on Ray: {exc}", error=True)
                codes[trial.name] = 1
                continue
            for name, data in files.items():
                target = out / trial.name / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            codes[trial.name] = code
            say(f"{trial.name}: {'done' if code == 0 else f'exit {code}'}")
        return codes
    finally:
        ray.shutdown()


def gather(trials: list[Trial], out: Path) -> tuple[Path, list[str]]:
    """Every trial's run in ``out/sweep.latentlab``, ticked for Compare in their tabs; and one
    line per trial for the table."""
    from engine.workspace import WorkspaceError, open_workspace, save_workspace

    runs, lines = [], []
    for trial in trials:
        try:
            run = open_workspace(out / trial.name / "run.latentlab").runs[0]
        except (WorkspaceError, OSError, IndexError) as exc:
            lines.append(f"{trial.name:40s}  no run ({exc})")
            continue
        run.rename(trial.name)
        runs.append(run)
        lines.append(f"{trial.name:40s}  {run.state.value:9s}  final loss {run.final_loss():10.3f}")
    tabs = {kind.tab: [r for r in runs if r.config.kind is kind] for kind in ModelKind}
    window = {"tab": (ModelKind.VAE if tabs["vae"] and not tabs["autoencoder"] else ModelKind.AE).tab,
              "latent": {name: {"ticked": list(range(len(group)))[:6], "shown": 0}
                         for name, group in tabs.items() if group}}
    return save_workspace(out / "sweep.latentlab", runs, window), lines


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        trials = trials_of(args)
        args.out.mkdir(parents=True, exist_ok=True)
        at_once = 1 if args.ray else min(args.workers, len(trials))
        threads = threads_each(args, at_once)
        start = time.perf_counter()
        where = f"on Ray ({args.ray})" if args.ray else f"{at_once} at once here"
        say(f"sweep: {len(trials)} trial(s), {where}, {threads} thread(s) each, into {args.out}")
        if args.ray:
            codes = run_on_ray(trials, args.out, args.ray, threads)
        else:
            def one(trial: Trial) -> int:
                code = run_trial_here(trial, args.out / trial.name, threads)
                say(f"{trial.name}: {'done' if code == 0 else f'exit {code}'}")
                return code
            with ThreadPoolExecutor(at_once) as pool:
                codes = dict(zip((t.name for t in trials), pool.map(one, trials)))
        path, lines = gather(trials, args.out)
    except ValueError as exc:
        say(f"error: {exc}", error=True)
        return 2
    except OSError as exc:
        say(f"error: {exc.filename or args.out}: {exc.strerror or exc}", error=True)
        return 2
    for line in lines:
        say(line)
    failed = [name for name, code in codes.items() if code != 0]
    say(f"sweep: {len(trials) - len(failed)} of {len(trials)} trained in "
        f"{time.perf_counter() - start:.1f} s; wrote {path} (open it: python main.py {path})")
    for name in failed:
        say(f"error: {name} failed: see {args.out / name / 'train.log'}", error=True)
    return 1 if failed else 0
