"""Who draws the CPPN canvas: the GPU shader where OpenGL is a real GPU, the CPU (TensorFlow)
where it is software (Mesa's llvmpipe: slower than the CPU renderer) or a shader fails; and the
words that say which one is drawing."""

from __future__ import annotations

import logging

import numpy as np
from PySide6 import QtWidgets

from engine.cppn.genome import Genome
from gui.cppn.shader_renderer import ShaderError, ShaderRenderer

log = logging.getLogger("latent_lab")


def canvas_pixels(rgba: np.ndarray, genome: Genome) -> np.ndarray:
    """The shader's RGBA as the CPU renderer's pixels: grey (1 channel), RGB or RGBA."""
    if genome.config.channels == 4:
        return rgba
    if genome.config.channels == 1 and genome.colormap == "grey":
        return rgba[..., :1]
    return rgba[..., :3]


class CanvasDrawing:
    """The shader renderer (if this machine has one) and whether the canvas uses it."""

    def __init__(self):
        self.renderer: ShaderRenderer | None = None
        self.reason = ""
        try:
            self.renderer = ShaderRenderer()
        except (ShaderError, RuntimeError, ImportError) as exc:
            self.reason = f"no OpenGL 3.3 shader here ({exc})"
        self.checkbox = QtWidgets.QCheckBox("Draw with the GPU shader")
        hardware = self.renderer is not None and not self.renderer.software
        self.checkbox.setEnabled(hardware)
        self.checkbox.setChecked(hardware)
        if self.renderer is not None and self.renderer.software:
            self.reason = (f"OpenGL here is {self.renderer.renderer.split(' (')[0]}, a software "
                           "renderer: the CPU renderer is faster")
        self.checkbox.setToolTip("A fragment shader made from the network draws the canvas on "
                                 "the GPU: full size at once while dragging. "
                                 + (self.reason or ""))

    @property
    def active(self) -> bool:
        return self.renderer is not None and self.checkbox.isChecked()

    def enable(self, on: bool = True) -> bool:
        """Use the shader (even on software GL: tests and benches); False if there is none."""
        if self.renderer is None:
            return False
        self.checkbox.setEnabled(True)
        self.checkbox.setChecked(on)
        return True

    def draw(self, genome: Genome, side: int) -> np.ndarray:
        """The canvas's pixels drawn by the shader (raises ShaderError)."""
        return canvas_pixels(self.renderer.render(genome, genome.z, side, side), genome)

    def failed(self, exc: Exception) -> None:
        """A shader failed: the CPU draws from now on, and says why."""
        log.warning("the CPPN shader failed; drawing on the CPU", exc_info=exc)
        self.reason = f"the shader failed: {exc}"
        self.checkbox.setChecked(False)
        self.checkbox.setEnabled(False)

    def who(self) -> str:
        if self.active:
            return f"drawn by the GPU shader ({self.renderer.renderer})"
        return "drawn by the CPU (TensorFlow)" + (f"; {self.reason}" if self.reason else "")
