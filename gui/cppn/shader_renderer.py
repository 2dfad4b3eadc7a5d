"""Rendering a CPPN with a GLSL fragment shader (engine/cppn/glsl.py) into an offscreen
framebuffer, and reading the pixels back for the canvas.

The shader is rebuilt only when the network's design or colour map changes; new weights of the
same design are a texture upload, a new z or scale a uniform. Everything runs in the GUI thread
with a context of its own (made current for each call and released after, so pyqtgraph's GL
views never see it). :attr:`ShaderRenderer.software` tells a software OpenGL (Mesa's llvmpipe),
on which the CPU renderer is faster and is used instead.
"""

from __future__ import annotations

import numpy as np
from OpenGL import GL
from PySide6 import QtGui, QtOpenGL

from engine.cppn.genome import Genome
from engine.cppn.glsl import live_source, weight_texture, z_projection

VERTEX = """#version 330 core
void main() {
    vec2 p = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
    gl_Position = vec4(p, 0.0, 1.0);
}"""
SOFTWARE_NAMES = ("llvmpipe", "softpipe", "swiftshader", "software")
MAX_SIDE = 4096


class ShaderError(RuntimeError):
    """The shader could not be built or run here; the message says why."""


class ShaderRenderer:
    """A GL 3.3 context, framebuffer and program for drawing genomes."""

    def __init__(self):
        fmt = QtGui.QSurfaceFormat()
        fmt.setVersion(3, 3)
        fmt.setProfile(QtGui.QSurfaceFormat.OpenGLContextProfile.CoreProfile)
        self.surface = QtGui.QOffscreenSurface()
        self.surface.setFormat(fmt)
        self.surface.create()
        self.context = QtGui.QOpenGLContext()
        self.context.setFormat(fmt)
        if not self.context.create():
            raise ShaderError("no OpenGL 3.3 context could be made")
        self._program: QtOpenGL.QOpenGLShaderProgram | None = None
        self._program_key = None
        self._texture_key = None
        self._fbo: QtOpenGL.QOpenGLFramebufferObject | None = None
        with self._current():
            self.renderer = GL.glGetString(GL.GL_RENDERER).decode(errors="replace")
            self._vao = GL.glGenVertexArrays(1)
            self._texture = GL.glGenTextures(1)
        self.software = any(name in self.renderer.lower() for name in SOFTWARE_NAMES)

    def _current(self):
        renderer = self

        class Current:
            def __enter__(self):
                if not renderer.context.makeCurrent(renderer.surface):
                    raise ShaderError("the OpenGL context could not be made current")

            def __exit__(self, *_):
                renderer.context.doneCurrent()

        return Current()

    def _program_for(self, genome: Genome) -> QtOpenGL.QOpenGLShaderProgram:
        key = (genome.config.replace(seed=0, weight_scale=1.0), genome.colormap)
        if key != self._program_key:
            program = QtOpenGL.QOpenGLShaderProgram()
            stage = QtOpenGL.QOpenGLShader.ShaderTypeBit
            if not program.addShaderFromSourceCode(stage.Vertex, VERTEX) or \
                    not program.addShaderFromSourceCode(stage.Fragment, live_source(genome)) or \
                    not program.link():
                raise ShaderError(f"the shader did not build: {program.log()[:500]}")
            self._program, self._program_key, self._texture_key = program, key, None
        return self._program

    def _upload(self, genome: Genome) -> None:
        key = (id(genome.weights), self._program_key)
        if key == self._texture_key:
            return
        texture = weight_texture(genome)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._texture)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_NEAREST)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MAG_FILTER, GL.GL_NEAREST)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 4)
        GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_R32F, texture.shape[1], texture.shape[0], 0,
                        GL.GL_RED, GL.GL_FLOAT, np.ascontiguousarray(texture))
        self._texture_key = key

    def render(self, genome: Genome, z, width: int, height: int) -> np.ndarray:
        """The picture as uint8 pixels (height, width, 4): RGBA, alpha 255 unless the network
        has four channels. Raises :class:`ShaderError` if this GL cannot do it."""
        if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
            raise ShaderError(f"the shader draws up to {MAX_SIDE} pixels a side")
        with self._current():
            program = self._program_for(genome)
            if self._fbo is None or (self._fbo.width(), self._fbo.height()) != (width, height):
                self._fbo = QtOpenGL.QOpenGLFramebufferObject(width, height)
            self._fbo.bind()
            try:
                self._upload(genome)
                program.bind()
                GL.glViewport(0, 0, width, height)
                GL.glActiveTexture(GL.GL_TEXTURE0)
                GL.glBindTexture(GL.GL_TEXTURE_2D, self._texture)
                pid = program.programId()
                GL.glUniform1i(GL.glGetUniformLocation(pid, "u_weights"), 0)
                GL.glUniform1f(GL.glGetUniformLocation(pid, "u_scale"), float(genome.scale))
                GL.glUniform2f(GL.glGetUniformLocation(pid, "u_size"), float(width), float(height))
                zp = z_projection(genome, z)
                GL.glUniform1fv(GL.glGetUniformLocation(pid, "u_zp"), len(zp), zp)
                GL.glDisable(GL.GL_BLEND)
                GL.glBindVertexArray(self._vao)
                GL.glDrawArrays(GL.GL_TRIANGLES, 0, 3)
                GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
                raw = GL.glReadPixels(0, 0, width, height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
                error = GL.glGetError()
                if error != GL.GL_NO_ERROR:
                    raise ShaderError(f"OpenGL error {error:#x} while drawing")
            finally:
                program.release()
                self._fbo.release()
        pixels = np.frombuffer(raw, np.uint8).reshape(height, width, 4)
        return np.ascontiguousarray(pixels[::-1])

    def close(self) -> None:
        with self._current():
            GL.glDeleteTextures([self._texture])
            GL.glDeleteVertexArrays(1, [self._vao])
            self._program = None
            self._fbo = None
