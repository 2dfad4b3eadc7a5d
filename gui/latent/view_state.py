"""What a latent tab shows beyond its runs, as a small model the widgets follow, and its part of a
workspace.

:class:`ExplorationState` holds the clicked digit, the walk's stops, the sliders' z and the
camera as plain values. The widgets change it through its methods (a click, a walk button, a
slider, turning the 3-D view) and follow it through its listeners (the explorer decodes, the
scatter rings the point and takes the camera), so saving a workspace reads the model, never the
widgets, and opening one only sets the model. :func:`tab_state` and :func:`restore_tab_state`
add which run is on screen, the step the timeline shows and the ticks for comparing.
"""

from __future__ import annotations

import math

import numpy as np

from engine.runs.listeners import Listeners
from engine.runs.run import Run

LATENT_DIM = 3
CAMERA_KEYS = ("distance", "elevation", "azimuth")


def _camera(value) -> dict | None:
    """A camera from a file, or None if it is not one (missing keys, not finite numbers)."""
    if not isinstance(value, dict):
        return None
    try:
        camera = {key: float(value[key]) for key in CAMERA_KEYS}
        centre = [float(v) for v in value.get("center", (0.0, 0.0, 0.0))]
    except (KeyError, TypeError, ValueError):
        return None
    if len(centre) != 3 or not all(math.isfinite(v) for v in [*camera.values(), *centre]):
        return None
    return {**camera, "center": centre}


def _code(value) -> np.ndarray | None:
    try:
        code = np.asarray(value, np.float32)
    except (TypeError, ValueError):
        return None
    return code if code.shape == (LATENT_DIM,) and np.isfinite(code).all() else None


class ExplorationState:
    """The exploration of one latent tab. Listeners are called with the aspect that changed:
    ``"selected"``, ``"walk"``, ``"slider"`` or ``"camera"``."""

    def __init__(self) -> None:
        self.selected: int | None = None
        self.waypoints: list[np.ndarray] = []
        self.slider_z = np.zeros(LATENT_DIM, np.float32)
        self.camera: dict | None = None
        self.listeners = Listeners()

    def select(self, index: int | None) -> None:
        self.selected = None if index is None else int(index)
        self.listeners.notify("selected")

    def set_walk(self, points) -> None:
        self.waypoints = [np.asarray(p, np.float32) for p in points]
        self.listeners.notify("walk")

    def set_slider_z(self, z) -> None:
        self.slider_z = np.asarray(z, np.float32)
        self.listeners.notify("slider")

    def set_camera(self, camera: dict) -> None:
        if camera != self.camera:
            self.camera = dict(camera)
            self.listeners.notify("camera")

    def clear(self) -> None:
        """A new run on screen: nothing selected, no walk (the camera and sliders stay)."""
        self.selected, self.waypoints = None, []
        self.listeners.notify("selected")
        self.listeners.notify("walk")

    def to_json(self) -> dict:
        return {"selected": self.selected,
                "walk": [p.tolist() for p in self.waypoints],
                "slider_z": [float(v) for v in self.slider_z],
                "camera": self.camera}

    def restore(self, data: dict, points: int) -> None:
        """Put back :meth:`to_json`'s values for a run of ``points`` shown digits; each value
        that is unusable (another version's, a damaged file's) is skipped."""
        camera = _camera(data.get("camera"))
        if camera is not None:
            self.set_camera(camera)
        selected = _index(data.get("selected"), points)
        if selected is not None:
            self.select(selected)
        walk = data.get("walk")
        stops = [_code(p) for p in walk] if isinstance(walk, list) else []
        if len(stops) >= 2 and all(s is not None for s in stops):
            self.set_walk(stops)
        z = _code(data.get("slider_z"))
        if z is not None:
            self.set_slider_z(z)


def _index(value, count: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and \
        0 <= value < count else None


def tab_state(tab) -> dict:
    runs = tab.runs
    return {"shown": runs.index(tab.run) if tab.run in runs else None,
            "step": None if tab.is_live() else int(tab.shown_step),
            "ticked": [runs.index(r) for r in tab.runs_list.ticked()],
            **tab.explorer.state.to_json()}


def restore_tab_state(tab, runs: list[Run], state: dict) -> None:
    """Replace the tab's runs by ``runs`` and put back ``state`` (anything unusable in it is
    skipped: a view state cannot stop a workspace from opening)."""
    for run in list(tab.runs):
        tab.delete_run(run)
    for run in runs:
        tab.add_run(run)
    state = state if isinstance(state, dict) else {}
    shown = _index(state.get("shown"), len(runs))
    if shown is not None:
        tab.show_run(runs[shown])
    if tab.run is None or not len(tab.run.snapshots):
        return
    ticked = state.get("ticked")
    tab.runs_list.set_ticked([runs[i] for i in (ticked if isinstance(ticked, list) else [])
                              if _index(i, len(runs)) is not None])
    step = state.get("step")
    if isinstance(step, int):
        tab.timeline.set_step(step)
    tab.explorer.state.restore(state, len(tab.run.fixtures.view_labels))
