"""Latent Lab: watch CPPNs, autoencoders and VAEs learn.

    python main.py                 open the window
    python main.py --self-test     train a step of each model, draw a GL frame, print "self-test: ok"
    python main.py train ae|vae …  train from the terminal (``python main.py train -h``)
    python main.py sweep ae|vae|post …  train a grid of runs into one workspace
    python main.py deemoji clean|train …  remove emoji from a folder, or train the remover
    python main.py cppn render|animate|cross …  CPPN pictures from saved genomes, crossover
    python main.py FILE.latentlab  open a workspace in the window

Installed with pip or pipx, ``latent-lab`` takes the same arguments.
"""

from __future__ import annotations

import sys

# TensorFlow must be loaded (the GL-safe way) before any QApplication or GL context exists:
# see engine/tf_runtime.py. Nothing above this line may import Qt.
from engine import tf_runtime  # noqa: F401


def main(argv: list[str]) -> int:
    if argv and argv[0] == "train":
        from engine.latent.cli import main as train_main

        return train_main(argv[1:])
    if argv and argv[0] == "sweep":
        from engine.latent.sweep import main as sweep_main

        return sweep_main(argv[1:])
    if argv and argv[0] == "deemoji":
        from engine.deemoji.cli import main as deemoji_main

        return deemoji_main(argv[1:])
    if argv and argv[0] == "cppn":
        from engine.cppn.cli import main as cppn_main

        return cppn_main(argv[1:])
    from gui.app import run_app

    return run_app(argv)


def entry() -> None:
    """The ``latent-lab`` console script: the same as ``python main.py``."""
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    entry()
