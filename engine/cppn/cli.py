"""``python main.py cppn render|animate|cross ...``: CPPN pictures from saved genomes, in batches.

    main.py cppn render GENOME.json --size 4096 [--height H] --out x.png
    main.py cppn animate GENOME.json --frames 120 [--side 512] [--fps 24]
                         [--path circle|there-and-back|sweep] [--seed S] --out x.mp4|x.gif|x.webp
    main.py cppn cross A.json B.json --out child.json [--seed S] [--mix swap|blend] [--t 0.5]
                       [--png child.png]

A genome is what the CPPN tab's Breed panel saves (**Save genome…**): the
network, z, scale and colour map, so a picture renders here exactly as in the window, at any size
(in bands: memory stays bounded). ``cross`` writes a child mixing the two parents' genomes
(:mod:`engine.cppn.crossover`). Ctrl-C stops a render and leaves no file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cppn.crossover import Mix, cross
from engine.cppn.genome import Genome, GenomeError
from engine.cppn.paths import PathKind, ZPath
from engine.cppn.render import MAX_FRAMES, MAX_SIDE, RenderCancelled, export_animation, export_png
from engine.runs.control import RunControl
from engine.terminal import checked, file_error, int_in, say, stop_on_signals
from engine.validation import MAX_SEED, check_float


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py cppn", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    render = sub.add_parser("render", help="render a genome as a PNG of any size")
    render.add_argument("genome", type=Path)
    render.add_argument("--size", type=int_in(1, MAX_SIDE), default=1024,
                        help="width in pixels (and height, unless --height)")
    render.add_argument("--height", type=int_in(1, MAX_SIDE))
    render.add_argument("--out", required=True, type=Path)
    animate = sub.add_parser("animate", help="render z moving along a path as an MP4, GIF or WebP")
    animate.add_argument("genome", type=Path)
    animate.add_argument("--frames", type=int_in(1, MAX_FRAMES), default=120)
    animate.add_argument("--side", type=int_in(16, 4096), default=512, help="pixels a side")
    animate.add_argument("--fps", type=int_in(1, 60), default=24)
    animate.add_argument("--path", choices=[k.value for k in PathKind if k is not PathKind.KEYFRAMES],
                         default=PathKind.CIRCLE.value,
                         help="how z moves: a loop (circle, there-and-back) or the 2018 sweep")
    animate.add_argument("--seed", type=int_in(0, MAX_SEED), default=1,
                         help="draws the path's random ends or plane")
    animate.add_argument("--out", required=True, type=Path)
    crossing = sub.add_parser("cross", help="breed a child mixing two genomes (crossover)")
    crossing.add_argument("first", type=Path)
    crossing.add_argument("second", type=Path)
    crossing.add_argument("--out", required=True, type=Path, help="the child's genome (.json)")
    crossing.add_argument("--seed", type=int_in(0, MAX_SEED), default=1)
    crossing.add_argument("--mix", choices=[m.value for m in Mix], default=Mix.SWAP.value,
                          help="swap: each layer whole from one parent; blend: weights mixed")
    crossing.add_argument("--t", type=checked(float, lambda v: check_float("--t", v, 0, 1)),
                          default=0.5, help="the second parent's share (0 to 1)")
    crossing.add_argument("--png", type=Path, help="also render the child, 1024 a side")
    return p


def _progress(share: float) -> None:
    say(f"\r{share:4.0%}", end="")


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    control = RunControl()
    stop_on_signals(control, "stopping")
    stopped = lambda: control.stop_requested                          # noqa: E731
    try:
        if args.command == "cross":
            child = cross(Genome.load(args.first), Genome.load(args.second), args.seed,
                          Mix(args.mix), args.t)
            child.save(args.out)
            c = child.config
            say(f"wrote {args.out}: width {c.width}, depth {c.depth}, "
                f"{', '.join(c.activations)}")
            if args.png:
                export_png(child.weights, child.z, 1024, 1024, child.scale, child.colormap,
                           args.png, cancelled=stopped)
                say(f"wrote {args.png}")
            return 0
        genome = Genome.load(args.genome)
        if args.command == "render":
            export_png(genome.weights, genome.z, args.size, args.height or args.size,
                       genome.scale, genome.colormap, args.out, _progress, stopped)
        else:
            path = ZPath(PathKind(args.path), genome.config.z_dim, args.seed)
            export_animation(genome.weights, path, args.frames, args.side, genome.scale,
                             genome.colormap, args.out, 1000 / args.fps, _progress, stopped)
        say(f"\nwrote {args.out}")
        return 0
    except RenderCancelled:
        say("\nstopped; nothing was written", error=True)
        return 130
    except (GenomeError, ValueError) as exc:
        say(f"error: {exc}", error=True)
        return 2
    except OSError as exc:
        say(file_error(exc), error=True)
        return 2
