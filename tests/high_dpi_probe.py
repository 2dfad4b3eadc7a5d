"""Run as a script by test_high_dpi (under the QT_SCALE_FACTOR it sets): draw one point in the 3-D
scatter and print, as JSON, the frame's size, the point's painted area and what a click finds."""

import json

import numpy as np  # noqa: E402
from PySide6 import QtGui, QtWidgets  # noqa: E402

from gui.latent.scatter import LatentScatterView  # noqa: E402

app = QtWidgets.QApplication([])
view = LatentScatterView()
view.resize(400, 300)
view.show()
view.set_points(np.array([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], np.float32),
                np.array([1, 1, 1]))
frame = view.grab_frame().convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
rgba = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(), -1, 4)[:, :frame.width()]
blue = (rgba[..., 2] > 150) & (rgba[..., 0] < 100) & (rgba[..., 1] < 100)  # label 1 is blue
x, y = view.screen_positions()[1]
print(json.dumps({"logical": [view.width(), view.height()], "frame": [frame.width(), frame.height()],
                  "point_area": int(blue.sum()), "click_finds": view.point_at(x, y)}))
