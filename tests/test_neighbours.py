"""The nearest shown points in latent space: by the full code, the point itself left out, only
among the classes on show."""

import numpy as np

from engine.latent.neighbours import nearest_points


def test_nearest_points_match_a_full_sort_in_every_dimension():
    codes = np.random.default_rng(3).normal(size=(5_000, 16))
    picked, distances = nearest_points(codes, 42, 10)
    brute = np.argsort(np.linalg.norm(codes - codes[42], axis=1))[1:11]   # [0] is point 42
    assert picked.tolist() == brute.tolist() and 42 not in picked
    np.testing.assert_allclose(distances, np.linalg.norm(codes[brute] - codes[42], axis=1))
    assert np.all(np.diff(distances) >= 0)


def test_nearest_points_only_among_those_on_show():
    codes = np.arange(20, dtype=float)[:, None]       # point k sits at k on a line
    on_show = np.arange(20) % 2 == 0                  # the odd ones hidden
    picked, _ = nearest_points(codes, 10, 4, among=on_show)
    assert sorted(picked.tolist()) == [6, 8, 12, 14]
    picked, _ = nearest_points(codes, 10, 50, among=np.arange(20) == 3)
    assert picked.tolist() == [3]                     # fewer on show than asked for
