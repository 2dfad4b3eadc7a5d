"""File → Follow a run folder…: a terminal run (here or on a mounted remote folder) shown live.

Each followed folder is looked at every :data:`POLL_MS`; when its ``run.latentlab`` changed,
it is read off the GUI thread (``engine.run_folder.read_news``) and the news is applied to the
run in its tab, through ``Run.apply`` like any training run's updates, so the curves, the 3-D
view and the timeline follow. Followed folders are remembered and followed again when the window
starts; a finished run is dropped from the list. "Ask followed runs to stop" puts a stop
request into each folder, which the terminal run obeys at its next step.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

from PySide6 import QtCore

from engine.run_folder import STOP_REQUEST, WORKSPACE_NAME, News, read_news
from engine.runs.run import Run
from gui.widgets.file_dialogs import ask_path
from gui.workers.background_task import BackgroundTasks

POLL_MS = 1000
QUIET_S = 120            # a live run whose file has not changed for this long is said to be quiet
FOLLOWED_KEY = "follow/folders"
MAX_FOLLOWED = 20


class _Followed:
    """One folder: its run once read, what its file looked like, and whether a read goes on."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.run: Run | None = None
        self.seen: tuple[int, int] | None = None
        self.reading = False
        self.changed_at = time.monotonic()
        self.quiet_said = False
        self.waiting_said = False


def _read(folder: Path, known: Run | None) -> News | Exception:
    """Off the GUI thread: the folder's news, or what stopped it being read (a half-copied file
    on a slow mount, a folder that is not a run's): returned, to be said and tried again."""
    try:
        return read_news(folder, known)
    except (ValueError, OSError) as exc:
        return exc


class RunFollowing(QtCore.QObject):
    """The window's followed run folders (``tabs``: the latent tabs by model kind)."""

    sig_message = QtCore.Signal(str)

    def __init__(self, window, tabs: dict):
        super().__init__(window)
        self.window, self.tabs = window, tabs
        self.followed: dict[Path, _Followed] = {}
        self.tasks = BackgroundTasks(window)
        self.sig_message.connect(self._say)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def add_to(self, menu) -> None:
        menu.addAction("Follow a run folder…").triggered.connect(self.ask_follow)
        menu.addAction("Ask followed runs to stop").triggered.connect(self.request_stops)

    def ask_follow(self) -> None:
        folder = ask_path(self.window, "Follow a run folder (main.py train --out …)", folder=True)
        if folder:
            self.follow(folder)

    def follow(self, folder) -> None:
        folder = Path(folder).resolve()
        if folder in self.followed:
            return
        if not folder.is_dir():
            self.sig_message.emit(f"{folder}: not a folder; a run folder is the --out of "
                                  "'main.py train'")
            return
        if len(self.followed) >= MAX_FOLLOWED:
            self.sig_message.emit(f"Following {MAX_FOLLOWED} folders already; a run must end "
                                  "before another is followed.")
            return
        self.followed[folder] = _Followed(folder)
        self._remember()
        self.timer.start()
        self.poll()

    def restore(self) -> None:
        """Follow again the folders followed when the window last closed."""
        value = QtCore.QSettings().value(FOLLOWED_KEY)
        folders = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        for folder in folders[:MAX_FOLLOWED]:
            if isinstance(folder, str) and Path(folder).is_dir():
                self.follow(folder)

    def _remember(self) -> None:
        live = [str(f) for f, item in self.followed.items()
                if item.run is None or item.run.state.active]
        QtCore.QSettings().setValue(FOLLOWED_KEY, live)

    # -- reading -------------------------------------------------------------------------------
    @QtCore.Slot()
    def poll(self) -> None:
        for item in list(self.followed.values()):
            if item.reading:
                continue
            try:
                info = (item.folder / WORKSPACE_NAME).stat()
                seen = (info.st_mtime_ns, info.st_size)
            except OSError:
                seen = None
            if seen is None or seen == item.seen:
                if seen is None and not item.waiting_said:
                    item.waiting_said = True
                    self.sig_message.emit(f"{item.folder}: waiting for the run's first snapshot "
                                          f"({WORKSPACE_NAME})")
                self._check_quiet(item)
                continue
            item.reading = True
            known = item.run.frozen() if item.run is not None else None
            self.tasks.start(functools.partial(_read, item.folder, known), "",
                             on_done=functools.partial(self._on_news, item, seen))

    def _check_quiet(self, item: _Followed) -> None:
        quiet = time.monotonic() - item.changed_at
        if item.run is not None and item.run.state.active and quiet > QUIET_S and \
                not item.quiet_said:
            item.quiet_said = True
            self.sig_message.emit(f"{item.folder}: no news from the run for {quiet:.0f} s (it "
                                  "may have been killed, or its disk is unreachable)")

    def _on_news(self, item: _Followed, seen, news: News | Exception) -> None:
        item.reading = False
        if item.folder not in self.followed:
            return
        if isinstance(news, Exception):   # said once per change of the file; tried again then
            item.seen = seen
            self.sig_message.emit(f"{item.folder}: {news}")
            return
        item.seen = seen
        item.changed_at, item.quiet_said = time.monotonic(), False
        if news.run is not None:
            item.run = news.run
            item.run.rename(f"{news.run.name} · {item.folder.name}")
            tab = self.tabs[news.run.config.kind]
            tab.add_run(item.run)
            self.window.tabs.setCurrentWidget(tab)
            self.sig_message.emit(f"Following {item.folder} ({news.state.value})")
        else:
            for update in news.updates:
                item.run.apply(update)
        item.run.mark_saved()     # it is kept in its folder: closing need not ask about it
        if not item.run.state.active:
            del self.followed[item.folder]
            self.sig_message.emit(f"{item.folder}: the run {item.run.state.value}")
        self._remember()
        if not self.followed:
            self.timer.stop()

    # -- asking to stop --------------------------------------------------------------------------
    def request_stops(self) -> list[Path]:
        asked = []
        for item in self.followed.values():
            try:
                (item.folder / STOP_REQUEST).touch()
                asked.append(item.folder)
            except OSError as exc:
                self.sig_message.emit(f"{item.folder}: cannot ask it to stop "
                                      f"({exc.strerror or exc})")
        if asked:
            self.sig_message.emit(f"Asked {len(asked)} run(s) to stop at their next step")
        return asked

    @QtCore.Slot(str)
    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15_000)

    def threads(self) -> list[QtCore.QThread]:
        return self.tasks.threads()

