"""CPPN crossover and the CPPN from the terminal: a child mixes its two parents layer by layer
(swapped whole or blended), designs of other widths, depths, z lengths and channels are
reconciled, the same seed gives the same child; 'main.py cppn' renders, animates and crosses
saved genomes and offers crossover in its help."""

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from engine.cppn.config import CPPNConfig
from engine.cppn.crossover import Mix, cross
from engine.cppn.genome import Genome, genome_of
from engine.cppn.render import render_pixels

ROOT = Path(__file__).resolve().parent.parent


def make(width, depth, acts, channels=3, z_dim=5, seed=1):
    config = CPPNConfig(width=width, depth=depth, activations=acts, channels=channels,
                        z_dim=z_dim, seed=seed)
    return genome_of(config, np.linspace(-1, 1, z_dim), 1.5, "viridis")


def pixels(genome: Genome) -> np.ndarray:
    return render_pixels(genome.weights, genome.z, 48, 48, genome.scale, genome.colormap)


def test_a_swapped_child_takes_each_layer_whole_from_one_parent():
    a = make(10, 3, ("atan", "tanh", "sin"), seed=1)
    b = make(10, 3, ("gaussian", "abs", "relu"), seed=2)
    children = [cross(a, b, seed) for seed in range(12)]
    for child in children:
        for k, act in enumerate(child.config.activations):
            matrix = child.weights.arrays[4 + k]
            whole = {(p.config.activations[k], np.array_equal(matrix, p.weights.arrays[4 + k]))
                     for p in (a, b)}
            assert (act, True) in whole                               # matrix and activation
    mixed = [c for c in children if not c.same_picture(a) and not c.same_picture(b)]
    assert mixed, "some child has layers of both parents"
    assert cross(a, b, 3).same_picture(cross(a, b, 3))                # the same seed, the same child
    assert cross(a, a, 5).same_picture(a)                             # a genome crossed with itself


def test_a_blended_child_lies_between_its_parents():
    a = make(10, 2, ("atan", "tanh"), seed=1)
    b = make(10, 2, ("atan", "tanh"), seed=2)
    child = cross(a, b, 0, Mix.BLEND, 0.25)
    for x, y, c in zip(a.weights.arrays, b.weights.arrays, child.weights.arrays):
        np.testing.assert_allclose(c, 0.75 * x + 0.25 * y, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(child.z, 0.75 * a.z + 0.25 * b.z, atol=1e-7)
    assert pixels(cross(a, b, 0, Mix.BLEND, 0.0)).tolist() == pixels(a).tolist()
    assert pixels(cross(a, b, 0, Mix.BLEND, 1.0)).tolist() == pixels(b).tolist()


def test_designs_that_differ_are_reconciled():
    a = make(8, 2, ("atan", "sin"), channels=1, z_dim=4, seed=1)
    b = make(16, 4, ("tanh", "abs", "gaussian", "sin"), channels=3, z_dim=7, seed=2)
    shapes = set()
    for seed in range(16):
        child = cross(a, b, seed)
        c = child.config
        assert (c.channels, c.z_dim) == (1, 4)                        # the first parent's
        assert c.width in (8, 16) and c.depth in (2, 4)
        shapes.add((c.width, c.depth))
        assert pixels(child).shape == (48, 48, 3)                     # it renders
    assert len(shapes) == 4
    # a wider child that took every part from the narrow parent draws the same picture: the
    # padded units carry zero weights in and out
    wide = next(child for child in (cross(a, b, s, t=0.0) for s in range(40))
                if (child.config.width, child.config.depth) == (16, 2))
    assert pixels(wide).tolist() == pixels(a).tolist()
    with pytest.raises(ValueError, match="t must be in"):
        cross(a, b, 0, Mix.BLEND, 1.5)


def cppn(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "cppn", *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_the_terminal_renders_animates_and_crosses_genomes(tmp_path):
    a = make(12, 3, ("atan", "tanh", "sin"), seed=1).save(tmp_path / "a.json")
    b = make(12, 3, ("gaussian", "abs", "sin"), seed=2).save(tmp_path / "b.json")
    result = cppn("-h")
    assert result.returncode == 0 and "cross" in result.stdout and "crossover" in result.stdout
    result = cppn("render", str(a), "--size", "300", "--height", "200", "--out", str(tmp_path / "a.png"))
    assert result.returncode == 0, result.stderr[-2000:]
    with Image.open(tmp_path / "a.png") as png:
        picture = np.asarray(png)
    genome = Genome.load(a)
    expected = render_pixels(genome.weights, genome.z, 300, 200, genome.scale, genome.colormap)
    assert picture.shape == (200, 300, 3) and np.abs(picture.astype(int) - expected).max() <= 1
    result = cppn("animate", str(a), "--frames", "48", "--side", "65", "--fps", "12",
                  "--out", str(tmp_path / "a.mp4"))
    assert result.returncode == 0, result.stderr[-2000:]
    with av.open(str(tmp_path / "a.mp4")) as video:
        assert sum(1 for _ in video.decode(video=0)) == 48
    result = cppn("cross", str(a), str(b), "--seed", "4", "--out", str(tmp_path / "child.json"),
                  "--png", str(tmp_path / "child.png"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert Genome.load(tmp_path / "child.json").same_picture(cross(Genome.load(a), Genome.load(b), 4))
    with Image.open(tmp_path / "child.png") as child:
        assert child.size == (1024, 1024)
    (tmp_path / "cut.json").write_text(a.read_text()[:100])
    result = cppn("cross", str(a), str(tmp_path / "cut.json"), "--out", str(tmp_path / "x.json"))
    assert result.returncode == 2 and "cut.json" in result.stderr
    assert not (tmp_path / "x.json").exists()
