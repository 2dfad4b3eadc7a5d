"""The network's cleaning of one photo beside the classical inpainters', with their scores.

The fills compared: the network's own (its mask, its fill), OpenCV's Telea and Navier–Stokes given
the same mask, and, when the emoji's true mask is known (pasted by hand, or a test picture), the
two classical ones given that. With the original photo known, each gets PSNR and SSIM inside the
emoji and outside it (:func:`engine.deemoji.quality.judge`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.deemoji.cleaning import inpaint_classical
from engine.deemoji.quality import judge


@dataclass(frozen=True)
class Truth:
    """What the photo was before emoji were pasted on it, and where they went (alpha 0..1)."""

    original: np.ndarray       # (H, W, 3) float32 in [0, 1]
    alpha: np.ndarray          # (H, W) float32


@dataclass(frozen=True)
class Fill:
    """One way of cleaning the photo: ``key`` names it in figures, ``label`` for people."""

    key: str
    label: str
    output: np.ndarray
    scores: dict[str, float] | None    # judge()'s figures; None without a known original


def compare_fills(photo: np.ndarray, network_output: np.ndarray, mask: np.ndarray | None,
                  truth: Truth | None = None) -> list[Fill]:
    """The network's output and the classical fills of ``photo`` given ``mask`` (the network's,
    perhaps corrected by hand; None for a network without one) and, with ``truth``, given the
    true mask (every pixel an emoji touched); scored against ``truth.original`` when known."""
    outputs = [("network", "The network", network_output)]
    if mask is not None:
        outputs += [("telea_predicted", "Telea, the network's mask",
                     inpaint_classical(photo, mask, "telea")),
                    ("ns_predicted", "Navier–Stokes, the network's mask",
                     inpaint_classical(photo, mask, "ns"))]
    if truth is not None:
        hole = truth.alpha > 0
        outputs += [("telea_true", "Telea, the true mask", inpaint_classical(photo, hole, "telea")),
                    ("ns_true", "Navier–Stokes, the true mask", inpaint_classical(photo, hole, "ns"))]
    return [Fill(key, label, output,
                 judge(output, truth.original, truth.alpha) if truth is not None else None)
            for key, label, output in outputs]
