"""Codes of 2 to 16 dimensions in the 3-D view: the first three axes as they are, or the
principal components, and back from the view to full codes."""

import numpy as np

from engine.latent.projection import axes_projection, pca_projection


def test_three_axes_are_shown_as_they_are_and_two_on_a_plane():
    codes = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    np.testing.assert_array_equal(axes_projection(3).to_view(codes), codes)
    flat = axes_projection(2).to_view(codes[:, :2])
    assert flat.shape == (50, 3) and not flat[:, 2].any()
    wide = np.random.default_rng(1).normal(size=(50, 16)).astype(np.float32)
    view = axes_projection(16)
    np.testing.assert_array_equal(view.to_view(wide), wide[:, :3])
    back = view.from_view(view.to_view(wide))
    np.testing.assert_array_equal(back[:, :3], wide[:, :3])
    assert not back[:, 3:].any() and view.names == ("z1", "z2", "z3")


def test_pca_finds_the_directions_the_codes_spread_along():
    rng = np.random.default_rng(2)
    basis, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    spread = rng.normal(size=(2_000, 3)) * [9.0, 4.0, 2.0]          # three real directions
    codes = (spread @ basis[:, :3].T + 0.01 * rng.normal(size=(2_000, 16)) + 5.0).astype(np.float32)
    view = pca_projection(codes)
    assert view.names == ("PC1", "PC2", "PC3")
    for k in range(3):   # each component is one of the planted directions, in the same order
        assert abs(float(view.components[k] @ basis[:, k])) > 0.999
    shown = view.to_view(codes)
    assert shown.std(axis=0).round(0).tolist() == [9.0, 4.0, 2.0]
    np.testing.assert_allclose(view.from_view(shown), codes, atol=0.1)   # the codes lie in it
    again = pca_projection(codes[::-1] + 0.001)                       # refitted: no flip
    assert np.all(np.sum(again.components * view.components, axis=1) > 0.999)
