"""The 3-D view's level of detail: fewer points while its camera turns when frames are slow, all
of them again once it stops and in every grabbed frame, and never the hidden classes."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from engine.latent.palette import label_colours
from gui.latent.point_cloud import MIN_MOVING_POINTS, STILL_MS
from gui.latent.scatter import LatentScatterView

MANY = 3 * MIN_MOVING_POINTS


@pytest.fixture
def view(qtbot):
    holder = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(holder)
    scatter = LatentScatterView()
    layout.addWidget(scatter.container())
    holder.resize(640, 520)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitUntil(scatter.isExposed, timeout=10_000)
    yield scatter            # the holder lives as long as the test
    holder.close()


def show(view, qtbot, n: int) -> None:
    codes = np.random.default_rng(n).normal(size=(n, 3)).astype(np.float32)
    view.set_points(codes, np.arange(n) % 10)
    view.cloud.frame_ms = 1e-6    # as if every frame were slow: the fewest points while moving
    with qtbot.waitSignal(view.frameSwapped, timeout=10_000):
        view.update()


def coloured_pixels(frame, classes=range(10)) -> int:
    """Pixels in one of these classes' colours (the box's grey is none of them)."""
    frame = frame.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    pixels = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(), -1)
    rgb = pixels[:, :3 * frame.width()].reshape(frame.height(), frame.width(), 3).astype(np.int64)
    palette = np.round(label_colours(np.asarray(classes))[:, :3] * 255).astype(np.int64)
    return int(np.isin(packed(rgb), packed(palette)).sum())


def packed(rgb: np.ndarray) -> np.ndarray:
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def turn(view, qtbot, steps: int = 8) -> None:
    """Drag the camera round as a user does, a frame for each move."""
    start = QtCore.QPoint(200, 200)
    left = QtCore.Qt.MouseButton.LeftButton
    QtTest.QTest.mousePress(view, left, QtCore.Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, steps + 1):
        with qtbot.waitSignal(view.frameSwapped, timeout=10_000):
            QtTest.QTest.mouseMove(view, start + QtCore.QPoint(8 * k, 0))
    QtTest.QTest.mouseRelease(view, left, QtCore.Qt.KeyboardModifier.NoModifier,
                              start + QtCore.QPoint(8 * steps, 0))


def test_a_turning_view_draws_fewer_points_then_all_once_still(view, qtbot):
    show(view, qtbot, MANY)
    assert view.cloud.drawn == MANY
    still = coloured_pixels(view.grab_frame())
    azimuth = view.camera()["azimuth"]
    turn(view, qtbot)
    assert view.camera()["azimuth"] != azimuth
    assert view.cloud.moving and view.cloud.drawn == MIN_MOVING_POINTS
    assert coloured_pixels(view.grabFramebuffer()) < 0.8 * still
    qtbot.waitUntil(lambda: not view.cloud.moving and view.cloud.drawn == MANY,
                    timeout=20 * STILL_MS)
    assert coloured_pixels(view.grabFramebuffer()) > 0.9 * still


def test_a_frame_grabbed_just_after_a_turn_has_every_point(view, qtbot):
    show(view, qtbot, MANY)
    turn(view, qtbot)
    assert view.cloud.drawn == MIN_MOVING_POINTS
    grabbed = view.grab_frame()
    assert view.cloud.drawn == MANY and not view.cloud.moving
    with qtbot.waitSignal(view.frameSwapped, timeout=10_000):
        view.update()               # the same camera, drawn again at leisure
    assert view.cloud.drawn == MANY
    assert grabbed == view.grabFramebuffer()


def test_small_views_and_level_of_detail_off_always_draw_every_point(view, qtbot):
    few = MIN_MOVING_POINTS // 2
    show(view, qtbot, few)
    turn(view, qtbot)
    assert view.cloud.moving and view.cloud.drawn == few
    show(view, qtbot, MANY)
    view.cloud.level_of_detail = False
    turn(view, qtbot)
    assert not view.cloud.moving and view.cloud.drawn == MANY


def test_hidden_classes_are_left_out_of_the_frame_and_of_the_count(view, qtbot):
    show(view, qtbot, MANY)
    assert coloured_pixels(view.grab_frame(), range(5)) > 1000
    view.set_hidden_labels(range(5))
    qtbot.waitUntil(lambda: view.cloud.drawn == MANY // 2, timeout=10_000)
    frame = view.grab_frame()
    assert coloured_pixels(frame, range(5)) == 0 and coloured_pixels(frame, range(5, 10)) > 1000
    turn(view, qtbot)
    assert view.cloud.drawn == MIN_MOVING_POINTS
    view.set_hidden_labels(range(10))
    qtbot.waitUntil(lambda: view.cloud.drawn == 0, timeout=10_000)
    assert coloured_pixels(view.grab_frame()) == 0
