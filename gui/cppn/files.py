"""The CPPN tab's files: the still, the animation and the 8x fit exported in the background
(with progress and a Cancel that leaves no file), the Shadertoy-style shader, and genomes saved
and opened. A mixin of :class:`gui.cppn.tab.CPPNTab`, which provides the state it reads."""

from __future__ import annotations

import functools
from pathlib import Path

from engine.cppn.breeding import MAX_DEPTH, MAX_WIDTH
from engine.cppn.genome import Genome, GenomeError
from engine.cppn.glsl import standalone_source
from engine.cppn.render import export_animation, export_png
from engine.files.atomic import write_atomically
from gui.widgets.file_dialogs import ask_then, with_suffix
from gui.workers.background_task import BackgroundTask


class CPPNFiles:
    """Exports and genome files for the CPPN tab."""

    # -- exports -----------------------------------------------------------------------------------
    def export_still(self, path) -> BackgroundTask:
        """Render the canvas's picture at the export size into a PNG, in the background."""
        path = with_suffix(path, (".png",))
        width, height = self.export.size()
        genome = self.current_genome()
        job = functools.partial(export_png, self.weights, genome.z, width, height, genome.scale,
                                genome.colormap, path)
        return self.tasks.start(job, f"Saved {path} ({width} × {height})", with_progress=True)

    def export_animation(self, path) -> BackgroundTask:
        """Render the z path's frames into a GIF, WebP or MP4, in the background, a frame at a
        time (Cancel stops between frames and leaves no file)."""
        side, frames = self.playback.size_box.value(), self.playback.frames_box.value()
        path = with_suffix(path, (".gif", ".webp", ".mp4"))
        job = functools.partial(export_animation, self.weights, self.view.path(self.config),
                                frames, side, self.view.scale(), self.network.colormap(), path,
                                1000 / self.playback.fps_box.value())
        return self.tasks.start(job, f"Saved {path} ({frames} frames)", with_progress=True)

    def export_shader(self, path) -> bool:
        """Save the picture as a Shadertoy-style fragment shader, z going round the view's loop
        once per animation (frames / fps seconds)."""
        path = with_suffix(path, (".glsl", ".frag"))
        genome = self.current_genome()
        seconds = self.playback.frames_box.value() / self.playback.fps_box.value()
        source = standalone_source(genome, self.view.path(self.config), seconds)
        try:
            write_atomically(path, lambda tmp: Path(tmp).write_text(source, "utf-8"))
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.show_done(f"Saved {path} ({len(source) // 1024} kB of GLSL, a {seconds:g} s loop)")
        return True

    def save_genome(self, path) -> bool:
        path = with_suffix(path, (".json",))
        try:
            self.current_genome().save(path)
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.show_done(f"Saved {path}")
        return True

    def open_genome(self, path) -> bool:
        try:
            genome = Genome.load(path)
        except GenomeError as exc:
            self.show_message(str(exc))
            return False
        if genome.config.width > MAX_WIDTH or genome.config.depth > MAX_DEPTH:
            return self.adopt_genome(genome)      # refused, with the reason
        self.breeder.open_genome(genome, Path(path).name)
        self.show_done(f"Opened {path}")
        return True

    def export_fit_8x(self, path) -> BackgroundTask | None:
        fitted = self.fit.fitted()
        if fitted is None:
            self.show_message("Fit a target first.")
            return None
        weights, z, scale, (rows, cols) = fitted
        job = functools.partial(export_png, weights, z, cols * 8, rows * 8, scale,
                                self.network.colormap(), path)
        return self.tasks.start(job, f"Saved {path} ({cols * 8} × {rows * 8})", with_progress=True)

    # -- asking where ---------------------------------------------------------------------------
    def ask_save(self) -> None:
        ask_then(self, "Export PNG", "PNG (*.png)", self.export_still)

    def ask_export(self) -> None:
        ask_then(self, "Export animation", "GIF (*.gif);;WebP (*.webp);;MP4 video (*.mp4)",
                 self.export_animation)

    def ask_export_shader(self) -> None:
        ask_then(self, "Export shader", "GLSL fragment shader (*.glsl)", self.export_shader)

    def ask_save_genome(self) -> None:
        ask_then(self, "Save genome", "Genome (*.json)", self.save_genome)

    def ask_open_genome(self) -> None:
        ask_then(self, "Open genome", "Genome (*.json)", self.open_genome, save=False)
