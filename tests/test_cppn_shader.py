"""The CPPN's GLSL shaders under Mesa's llvmpipe (a real OpenGL 3.3 implementation): the live
shader draws every pixel within 2/255 of the CPU renderer for every activation, style and
channel count, and the exported Shadertoy-style shader compiles and draws the loop's frames."""

import numpy as np
import pytest
from OpenGL import GL
from PySide6 import QtOpenGL

from engine.cppn.config import CPPNConfig, CPPNStyle
from engine.cppn.genome import genome_of
from engine.cppn.glsl import standalone_source
from engine.cppn.paths import PathKind, ZPath
from engine.cppn.render import render_pixels
from gui.app import make_application
from gui.cppn.canvas_drawing import canvas_pixels
from gui.cppn.shader_renderer import VERTEX, ShaderRenderer

PAIRS = (("atan", "tanh"), ("sigmoid", "sin"), ("gaussian", "relu"), ("softplus", "abs"))
OUTPUTS = ((1, "grey"), (1, "viridis"), (3, "viridis"), (4, "magma"))


@pytest.fixture(scope="module")
def renderer():
    make_application()
    renderer = ShaderRenderer()
    yield renderer
    renderer.close()


def cpu(genome, width, height):
    return render_pixels(genome.weights, genome.z, width, height, genome.scale, genome.colormap)


@pytest.mark.parametrize("channels, colormap", OUTPUTS)
@pytest.mark.parametrize("activations", PAIRS)
def test_the_shader_draws_what_the_cpu_draws(renderer, channels, colormap, activations):
    config = CPPNConfig(width=24, depth=2, activations=activations, channels=channels, z_dim=6,
                        weight_scale=1.5, seed=11)
    genome = genome_of(config, np.linspace(-0.8, 0.9, 6), 1.7, colormap)
    shader = canvas_pixels(renderer.render(genome, genome.z, 72, 56), genome)
    expected = cpu(genome, 72, 56)
    assert shader.shape == expected.shape
    assert np.abs(shader.astype(int) - expected).max() <= 2
    assert expected.std() > 1          # a picture, not a flat field that would match anyway


def test_the_2016_style_and_the_seed_network_match_too(renderer):
    for config in (CPPNConfig(style=CPPNStyle.OTORO, width=32, depth=3,
                              activations=("tanh",) * 3, channels=3, z_dim=8),
                   CPPNConfig()):
        genome = genome_of(config, np.full(config.z_dim, 0.3), 2.0, "viridis")
        shader = canvas_pixels(renderer.render(genome, genome.z, 64, 64), genome)
        assert np.abs(shader.astype(int) - cpu(genome, 64, 64)).max() <= 2


def draw_standalone(renderer, source: str, width: int, height: int, seconds: float) -> np.ndarray:
    """Run a Shadertoy-style shader the way such a host does (iResolution, iTime, mainImage)."""
    host = ("#version 330 core\nuniform vec3 iResolution;\nuniform float iTime;\nout vec4 o;\n"
            + source + "\nvoid main() { mainImage(o, gl_FragCoord.xy); }\n")
    with renderer._current():
        program = QtOpenGL.QOpenGLShaderProgram()
        stage = QtOpenGL.QOpenGLShader.ShaderTypeBit
        assert program.addShaderFromSourceCode(stage.Vertex, VERTEX)
        assert program.addShaderFromSourceCode(stage.Fragment, host), program.log()
        assert program.link(), program.log()
        fbo = QtOpenGL.QOpenGLFramebufferObject(width, height)
        fbo.bind()
        program.bind()
        GL.glViewport(0, 0, width, height)
        GL.glUniform3f(GL.glGetUniformLocation(program.programId(), "iResolution"), width, height, 1)
        GL.glUniform1f(GL.glGetUniformLocation(program.programId(), "iTime"), seconds)
        GL.glBindVertexArray(renderer._vao)
        GL.glDrawArrays(GL.GL_TRIANGLES, 0, 3)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
        raw = GL.glReadPixels(0, 0, width, height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
        program.release()
        fbo.release()
    return np.frombuffer(raw, np.uint8).reshape(height, width, 4)[::-1]


@pytest.mark.parametrize("kind", [PathKind.CIRCLE, PathKind.THERE_AND_BACK, PathKind.SWEEP,
                                  PathKind.KEYFRAMES])
def test_the_exported_shader_draws_the_loop_as_the_app_does(renderer, kind):
    config = CPPNConfig(width=16, depth=2, activations=("atan", "sin"), channels=3, z_dim=5)
    genome = genome_of(config, np.zeros(5), 1.2, "viridis")
    keys = tuple(tuple(np.random.default_rng(k).uniform(-1, 1, 5)) for k in range(3))
    path = ZPath(kind, 5, seed=4, keyframes=keys)
    source = standalone_source(genome, path, 8.0)
    for t in (0.0, 0.3, 0.85):
        drawn = draw_standalone(renderer, source, 48, 40, 8.0 * t)[..., :3]
        expected = render_pixels(genome.weights, path.at(t), 48, 40, genome.scale, "viridis")
        assert np.abs(drawn.astype(int) - expected).max() <= 2, t
