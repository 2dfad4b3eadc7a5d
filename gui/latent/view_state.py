"""What a workspace remembers of an autoencoder/VAE tab beyond its runs: which run is on screen,
the step the timeline shows, the clicked digit, the walk, the sliders' z, the camera and the
ticks for comparing, as plain JSON; and putting it back."""

from __future__ import annotations

import numpy as np

from engine.runs.run import Run


def tab_state(tab) -> dict:
    runs = tab.runs
    explorer = tab.explorer
    return {
        "shown": runs.index(tab.run) if tab.run in runs else None,
        "step": None if tab.is_live() else int(tab.shown_step),
        "selected": explorer.selected,
        "walk": [p.tolist() for p in explorer.waypoints],
        "slider_z": [float(v) for v in explorer.slider_z],
        "camera": tab.scatter.camera(),
        "ticked": [runs.index(r) for r in tab.runs_list.ticked()],
    }


def _index(value, count: int) -> int | None:
    return value if isinstance(value, int) and 0 <= value < count else None


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
    tab.runs_list.set_ticked([runs[i] for i in state.get("ticked", []) if _index(i, len(runs))
                              is not None])
    if isinstance(state.get("camera"), dict):
        try:
            tab.scatter.set_camera(state["camera"])
        except (TypeError, ValueError):
            pass
    step = state.get("step")
    if isinstance(step, int):
        tab.timeline.set_step(step)
    count = len(tab.run.fixtures.view_labels)
    selected = _index(state.get("selected"), count)
    if selected is not None:
        tab.scatter.highlight(selected)
        tab.explorer.select(selected)
    walk = state.get("walk")
    if isinstance(walk, list) and len(walk) >= 2:
        tab.explorer.set_waypoints([np.asarray(p, np.float32) for p in walk])
    z = state.get("slider_z")
    if isinstance(z, list) and len(z) == 3:
        tab.explorer.set_sliders(np.asarray(z, np.float32))
        tab.explorer.decode_z(np.asarray(z, np.float32))
