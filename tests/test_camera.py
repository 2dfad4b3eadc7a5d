"""The 3-D view's camera frames the whole box whatever the view's shape: a wide, short view (a
comparison's row of small views) shows the box's top and bottom, a tall one its sides."""

import numpy as np
import pytest
from PySide6 import QtWidgets

from gui.latent.scatter import LatentScatterView

CORNERS = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], np.float32)


@pytest.mark.parametrize("size", [(900, 220), (320, 700), (500, 500)])
def test_the_whole_box_is_in_view_at_the_start_camera(qtbot, size):
    holder = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    view = LatentScatterView()
    layout.addWidget(view.container())
    holder.resize(*size)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitUntil(view.isExposed, timeout=10_000)
    view.set_points(CORNERS, np.arange(8) % 10)   # the codes' extent is the box: its corners
    with qtbot.waitSignal(view.frameSwapped, timeout=10_000):
        view.update()
    xy = view.screen_positions()
    assert np.isfinite(xy).all()
    assert (xy[:, 0] > 0).all() and (xy[:, 0] < view.width()).all()
    assert (xy[:, 1] > 0).all() and (xy[:, 1] < view.height()).all()
    # and it fills the shorter side well (the box is not shrunk to a dot)
    spans = xy.max(axis=0) - xy.min(axis=0)
    assert max(spans[0] / view.width(), spans[1] / view.height()) > 0.5
    holder.close()
