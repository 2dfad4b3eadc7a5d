"""The 3-D view's camera: where it is (saved and restored with an exploration), where it starts,
and a field of view that spans the view's shorter side, so a wide, short view (a comparison's
row of small views) shows the whole box instead of cutting off its top and bottom."""

from __future__ import annotations

from math import atan, degrees, radians, tan

from PySide6 import QtGui

START_DISTANCE = 4.6   # the camera's distance from the box's centre (a [-1, 1] cube) at first


class BoxCamera:
    """A mixin for a pyqtgraph GL view (before ``GLViewMixin`` in the bases)."""

    def projectionMatrix(self, region, viewport) -> QtGui.QMatrix4x4:  # noqa: N802 (pyqtgraph's)
        """pyqtgraph's projection, whose field of view spans the width, widened when the view
        is wider than tall so that it spans the height instead."""
        width, height = viewport[2], viewport[3]
        fov = self.opts["fov"]
        if width > height > 0:
            self.opts["fov"] = 2.0 * degrees(atan(tan(radians(fov) / 2.0) * width / height))
        try:
            return super().projectionMatrix(region, viewport)
        finally:
            self.opts["fov"] = fov

    def camera(self) -> dict:
        """Where the camera is: distance, elevation, azimuth (degrees) and the point it faces."""
        centre = self.opts["center"]
        return {"distance": float(self.opts["distance"]), "elevation": float(self.opts["elevation"]),
                "azimuth": float(self.opts["azimuth"]), "center": [centre.x(), centre.y(), centre.z()]}

    def set_camera(self, camera: dict) -> None:
        self.setCameraPosition(pos=QtGui.QVector3D(*camera.get("center", (0.0, 0.0, 0.0))),
                               distance=camera.get("distance"), elevation=camera.get("elevation"),
                               azimuth=camera.get("azimuth"))
