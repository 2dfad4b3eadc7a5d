"""Breeding CPPN pictures: genomes round-trip exactly through JSON and refuse damaged files,
mutations are reproducible and change what they say, the history tree walks back and forward
and keeps branches, and loops close without a seam."""

import json

import numpy as np
import pytest

from engine.cppn.breeding import MAX_DEPTH, Mutation, MutationKind, breed, draw_mutations, mutate
from engine.cppn.config import ACTIVATIONS, CPPNConfig, CPPNStyle
from engine.cppn.genome import Genome, GenomeError, genome_of
from engine.cppn.glsl import flat_weights, standalone_source, weight_texture
from engine.cppn.lineage import MAX_NODES, Lineage
from engine.cppn.paths import PathKind, ZPath
from engine.cppn.render import render_pixels, render_small


@pytest.fixture
def genome():
    config = CPPNConfig(width=12, depth=3, activations=("atan", "tanh", "sin"), channels=3,
                        z_dim=5)
    return genome_of(config, np.linspace(-1, 1, 5), 1.5, "viridis")


def test_a_genome_round_trips_bit_for_bit(genome, tmp_path):
    path = genome.save(tmp_path / "g.json")
    back = Genome.load(path)
    assert back.same_picture(genome)
    assert np.array_equal(render_pixels(back.weights, back.z, 40, 30, back.scale, "viridis"),
                          render_pixels(genome.weights, genome.z, 40, 30, genome.scale, "viridis"))
    assert path.stat().st_size < 10_000


@pytest.mark.parametrize("damage, message", [
    (lambda d: "{not json", "not JSON"),
    (lambda d: json.dumps({**d, "format": "something else"}), "not a Latent Lab"),
    (lambda d: json.dumps({**d, "version": 7}), "version 7"),
    (lambda d: json.dumps({**d, "weights": d["weights"][:-1]}), "weight arrays"),
    (lambda d: json.dumps({**d, "weights": [w[:-8] for w in d["weights"]]}), "numbers where"),
    (lambda d: json.dumps({**d, "z": [float("nan")] * 5}), "NaN"),
    (lambda d: json.dumps({**d, "z": [0.0] * 4}), "z has 4 values"),
    (lambda d: json.dumps({**d, "design": {**d["design"], "width": 0}}), "width"),
    (lambda d: json.dumps({**d, "design": {**d["design"], "activations": ["nope"] * 3}}),
     "unknown activation"),
    (lambda d: json.dumps({**d, "colormap": "rainbow"}), "colour map"),
    (lambda d: json.dumps({**d, "weights": ["!!!"] * 8}), "damaged"),
])
def test_a_damaged_genome_is_refused_by_name(genome, tmp_path, damage, message):
    path = tmp_path / "bad.json"
    path.write_text(damage(json.loads(genome.to_json())))
    with pytest.raises(GenomeError, match=message) as info:
        Genome.load(path)
    assert "bad.json" in str(info.value)


def test_a_genome_that_is_not_text_or_too_big_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00" * 100)
    with pytest.raises(GenomeError, match="not"):
        Genome.load(path)
    from engine.cppn import genome as module
    monkeypatch.setattr(module, "MAX_GENOME_BYTES", 100)
    with pytest.raises(GenomeError, match="at most"):
        Genome.load(path)


@pytest.mark.parametrize("kind", list(MutationKind))
def test_each_mutation_is_reproducible_and_does_what_it_says(genome, kind):
    mutation = Mutation(kind, 1234, 0.3)
    child, again = mutate(genome, mutation), mutate(genome, mutation)
    assert child.same_picture(again)
    assert not child.same_picture(genome)
    c, p = child.config, genome.config
    expected = {MutationKind.ADD_UNIT: (p.width + 1, p.depth),
                MutationKind.REMOVE_UNIT: (p.width - 1, p.depth),
                MutationKind.ADD_LAYER: (p.width, p.depth + 1),
                MutationKind.REMOVE_LAYER: (p.width, p.depth - 1)}.get(kind, (p.width, p.depth))
    assert (c.width, c.depth) == expected
    if kind is MutationKind.ACTIVATION:
        assert sum(a != b for a, b in zip(c.activations, p.activations)) == 1
    if kind is MutationKind.NEW_Z:
        assert child.weights is genome.weights and not np.array_equal(child.z, genome.z)
    pixels = render_small(child.weights, child.z, 32, child.scale, child.colormap)
    assert pixels.shape == (32, 32, 3) and pixels.std() > 0


def test_noise_strength_sets_how_far_the_weights_move(genome):
    def moved(strength):
        child = mutate(genome, Mutation(MutationKind.NOISE, 5, strength))
        return np.mean([np.abs(a - b).mean() for a, b in zip(child.weights.arrays,
                                                             genome.weights.arrays)])
    assert moved(0.02) * 5 < moved(0.2) < moved(2.0) / 5


def test_a_mutation_that_cannot_apply_adds_noise_instead(genome):
    one_layer = genome_of(genome.config.replace(depth=1), genome.z, 1.0, "grey")
    child = mutate(one_layer, Mutation(MutationKind.REMOVE_LAYER, 1, 0.3))
    assert child.config.depth == 1 and not child.same_picture(one_layer)
    deep = genome_of(genome.config.replace(depth=MAX_DEPTH), genome.z, 1.0, "grey")
    assert mutate(deep, Mutation(MutationKind.ADD_LAYER, 1, 0.3)).config.depth == MAX_DEPTH


def test_a_brood_is_the_same_brood_for_the_same_seed(genome):
    a, b = breed(genome, 9, 0.3, 7), breed(genome, 9, 0.3, 7)
    assert [m for m, _ in a] == [m for m, _ in b]
    assert all(x.same_picture(y) for (_, x), (_, y) in zip(a, b))
    kinds = {m.kind for m in draw_mutations(64, 0.3, 1)}
    assert kinds == set(MutationKind)
    with pytest.raises(ValueError, match="children"):
        draw_mutations(0, 0.3, 1)


def test_the_history_walks_back_and_forward_and_keeps_branches(genome):
    lineage = Lineage(genome)
    (_, a), (_, b), (_, c) = breed(genome, 3, 0.3, 1)
    lineage.adopt(a, "a")
    lineage.adopt(b, "b")
    assert lineage.back() is a and lineage.back() is genome and lineage.back() is None
    assert lineage.forward() is a and lineage.forward() is b and lineage.forward() is None
    lineage.back()
    lineage.adopt(c, "c")             # a branch from a: b is kept
    assert lineage.nodes[1].children == [2, 3]
    assert lineage.back() is a and lineage.forward() is c
    assert lineage.go(2) is b
    assert lineage.toggle_favourite(2) and lineage.favourites == [2]
    assert not lineage.toggle_favourite(2)


def test_the_history_forgets_old_leaves_but_not_favourites_or_the_way_back(genome):
    lineage = Lineage(genome)
    lineage.adopt(genome, "kept")
    lineage.toggle_favourite()
    lineage.back()
    for _ in range(MAX_NODES + 50):
        lineage.adopt(genome, "x")
        lineage.back()
    assert len(lineage.nodes) <= MAX_NODES
    assert 1 in lineage.nodes and lineage.current == 0
    assert all(n.parent in lineage.nodes for n in lineage.nodes.values() if n.parent is not None)


@pytest.mark.parametrize("kind", [PathKind.CIRCLE, PathKind.KEYFRAMES, PathKind.THERE_AND_BACK])
def test_a_looped_animation_has_no_seam(kind):
    keys = tuple(tuple(np.random.default_rng(k).uniform(-1, 1, 6)) for k in range(4))
    path = ZPath(kind, 6, seed=3, keyframes=keys)
    frames = np.stack([path.at(t) for t in path.times(48)])
    steps = np.linalg.norm(np.diff(frames, axis=0), axis=1)
    seam = np.linalg.norm(frames[0] - frames[-1])
    assert seam <= 1.2 * np.median(steps)


def test_the_shader_holds_every_weight_and_the_loop(genome):
    flat = flat_weights(genome)
    assert len(flat) == 3 * 12 + 3 * 12 * 12 + 12 * 3
    texture = weight_texture(genome)
    assert texture.shape[1] == 1024 and np.array_equal(texture.reshape(-1)[:len(flat)], flat)
    source = standalone_source(genome, ZPath(PathKind.CIRCLE, 5), 4.0)
    assert "void mainImage(out vec4 fragColor, in vec2 fragCoord)" in source
    assert "iResolution" in source and "fract(iTime / 4.0)" in source
    assert f"const float WEIGHTS[{len(flat)}]" in source


@pytest.mark.parametrize("style", list(CPPNStyle))
def test_every_activation_renders(style):
    for name in ACTIVATIONS:
        config = CPPNConfig(style=style, width=8, depth=1, activations=(name,), z_dim=3)
        g = genome_of(config, np.zeros(3), 1.0, "grey")
        assert np.isfinite(render_small(g.weights, g.z, 16, 1.0, "grey")).all()
