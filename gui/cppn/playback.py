"""The CPPN tab's "Animate z" box: play the z sweep on the canvas, and export it as an animation.

While playing, a frame is asked for only when the last one is on screen (skipped rather than
queued), so a slow network plays slower instead of falling behind.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gui.widgets.spin_box import spin_box


class PlaybackPanel(QtWidgets.QGroupBox):
    """``host.show_frame(t)`` draws a frame; ``host.canvas_is_current()`` says the last one is
    on screen; ``host.ask_export()`` asks where to save the animation."""

    def __init__(self, host, parent=None):
        super().__init__("Animate z", parent)
        self.host = host
        self.step = 0
        form = QtWidgets.QFormLayout(self)
        self.play_button = QtWidgets.QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Sweep t and watch the picture morph.")
        self.play_button.toggled.connect(self.set_playing)
        form.addRow(self.play_button)
        self.fps_box = spin_box(1, 60, "Frames per second, when playing and in the export.",
                                value=12, tracking=False)
        self.fps_box.valueChanged.connect(self._on_fps_changed)
        form.addRow("fps", self.fps_box)
        self.frames_box = spin_box(2, 2000, "Frames in one sweep (the 2018 runs used 100 and 500).",
                                   value=60, tracking=False)
        form.addRow("Frames", self.frames_box)
        self.size_box = spin_box(16, 1024, "Side of the exported animation, in pixels.",
                                 value=256, tracking=False)
        form.addRow("Size", self.size_box)
        export = QtWidgets.QPushButton("Export animation…")
        export.setToolTip("Render the sweep and save it as an animated GIF, WebP (keeps "
                          "transparency) or MP4 video.")
        export.clicked.connect(host.ask_export)
        shader = QtWidgets.QPushButton("Export shader…")
        shader.setToolTip("Save a GLSL fragment shader that draws this picture in Shadertoy-style "
                          "hosts, z going round the loop once every frames / fps seconds.")
        shader.clicked.connect(host.ask_export_shader)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(export)
        row.addWidget(shader)
        form.addRow(row)
        self.timer = QtCore.QTimer(self)
        self.timer.timeout.connect(self._on_tick)

    def playing(self) -> bool:
        return self.timer.isActive()

    @QtCore.Slot(bool)
    def set_playing(self, playing: bool) -> None:
        blocked = self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.blockSignals(blocked)
        self.play_button.setText("Pause" if playing else "Play")
        if playing:
            self.step = round(self.host.view.t() * self.frames_box.value())
            self.timer.start(round(1000 / self.fps_box.value()))
        else:
            self.timer.stop()

    @QtCore.Slot()
    def _on_fps_changed(self) -> None:
        if self.timer.isActive():
            self.timer.start(round(1000 / self.fps_box.value()))

    @QtCore.Slot()
    def _on_tick(self) -> None:
        if not self.host.canvas_is_current():
            return  # the last frame is still being drawn: skip rather than queue
        frames = self.frames_box.value()
        self.step = (self.step + 1) % frames
        self.host.show_frame(self.step / frames)

    def settings_widgets(self) -> dict:
        return {"fps": self.fps_box, "frames": self.frames_box, "animation_size": self.size_box}
