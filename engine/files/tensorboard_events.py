"""TensorBoard event files, written and read without TensorFlow.

Writing uses the ``tensorboard`` package's protocol buffers, plugin metadata and record framing
(pure Python), so every event carries the wall time we give it: a run's points keep the times
they were trained at, even when the log is written after the run. ``tf.summary`` would stamp the
time of writing and needs a TensorFlow graph in the writing thread.

Reading walks a log folder the way TensorBoard does (each folder holding event files is a run),
reads at most :data:`MAX_LOG_BYTES` in all, keeps about :data:`MAX_POINTS` points a tag, and
names every file it could not use; both scalar kinds are understood (``simple_value`` from TensorFlow 1,
tensorboardX and Ray Tune; ``scalars``-plugin tensors from ``tf.summary`` and Keras).
"""

from __future__ import annotations

import io
import os
import socket
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.plugins.hparams import summary_v2 as hparams_summary
from tensorboard.plugins.image import metadata as image_metadata
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.summary.writer.record_writer import RecordWriter
from tensorboard.util import tensor_util

from engine.files.limits import FileLimitError, check_regular_file, describe_size, read_bounded

EVENT_FILE_MARK = "tfevents"
MAX_LOG_BYTES = 512 * 2**20      # all event files of one folder read together
MAX_RECORD_BYTES = 64 * 2**20    # one event; more is a damaged length field
MAX_POINTS = 100_000             # per tag and run: beyond it every other point goes, repeatedly
MAX_FILES = 2_000
_HEADER = struct.Struct("<QI")


class EventWriter:
    """An append-only TensorBoard event file in ``logdir`` (made if missing)."""

    def __init__(self, logdir: str | Path, wall_time: float | None = None):
        self.logdir = Path(logdir)
        self.logdir.mkdir(parents=True, exist_ok=True)
        started = time.time() if wall_time is None else wall_time
        name = f"events.out.tfevents.{int(started)}.{socket.gethostname()}.{os.getpid()}.latentlab"
        self.path = self.logdir / name
        self._file = open(self.path, "ab")
        self._records = RecordWriter(self._file)
        self._write(event_pb2.Event(wall_time=started, file_version="brain.Event:2"))

    def _write(self, event: event_pb2.Event) -> None:
        self._records.write(event.SerializeToString())

    def _summary(self, summary: summary_pb2.Summary, step: int, wall_time: float) -> None:
        self._write(event_pb2.Event(wall_time=wall_time, step=int(step), summary=summary))

    def scalars(self, tag: str, steps, values, wall_times) -> None:
        """One point per step, each at its own wall time (Unix seconds)."""
        meta = scalar_metadata.create_summary_metadata(display_name=tag, description="")
        for step, value, wall in zip(steps, values, wall_times):
            value_pb = summary_pb2.Summary.Value(
                tag=tag, metadata=meta,
                tensor=tensor_util.make_tensor_proto(np.float32(value)))
            self._summary(summary_pb2.Summary(value=[value_pb]), int(step), float(wall))

    def image(self, tag: str, picture: np.ndarray | Image.Image, step: int,
              wall_time: float) -> None:
        """One picture (uint8 H×W, H×W×3 or H×W×4, or a PIL image) as a PNG."""
        image = picture if isinstance(picture, Image.Image) else Image.fromarray(picture)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        meta = image_metadata.create_summary_metadata(display_name=tag, description="")
        strings = [str(image.width).encode(), str(image.height).encode(), buffer.getvalue()]
        value_pb = summary_pb2.Summary.Value(
            tag=tag, metadata=meta,
            tensor=tensor_util.make_tensor_proto(np.array(strings, dtype=object)))
        self._summary(summary_pb2.Summary(value=[value_pb]), step, wall_time)

    def hparams(self, values: dict, name: str, wall_time: float) -> None:
        """The run's settings for the HParams dashboard (numbers, strings and booleans)."""
        self._summary(hparams_summary.hparams_pb(values, trial_id=name,
                                                 start_time_secs=wall_time), 0, wall_time)

    def flush(self) -> None:
        self._records.flush()

    def close(self) -> None:
        if not self._records.closed:
            self._records.close()


class EventLogError(ValueError):
    """A TensorBoard folder with nothing that can be read; the message says why."""


@dataclass
class ScalarCurve:
    """One tag of one TensorBoard run: its points in step order."""

    run: str
    tag: str
    steps: np.ndarray
    values: np.ndarray
    wall_times: np.ndarray


@dataclass
class EventLog:
    """What :func:`read_scalars` found: curves by (run, tag), and the files it could not use."""

    curves: dict[tuple[str, str], ScalarCurve] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def tags(self) -> list[str]:
        return sorted({tag for _, tag in self.curves})


class _Thinned:
    """Points of one curve in bounded memory: past 2 × MAX_POINTS every other one goes and only
    every other one after it is kept, so the whole curve stays evenly covered; the last point
    always stays."""

    def __init__(self):
        self.kept: list[tuple] = []
        self.stride, self.seen, self.last = 1, 0, None

    def add(self, point: tuple) -> None:
        if self.seen % self.stride == 0:
            self.kept.append(point)
            if len(self.kept) > 2 * MAX_POINTS:
                del self.kept[1::2]
                self.stride *= 2
        self.seen += 1
        self.last = point

    def points(self) -> list[tuple]:
        kept = self.kept[::2] if len(self.kept) > MAX_POINTS else list(self.kept)
        return kept + [self.last] if kept[-1] is not self.last else kept


def event_files(logdir: Path) -> list[Path]:
    """Event files under ``logdir`` (at most :data:`MAX_FILES`), in name order."""
    found = []
    for folder, dirs, files in os.walk(logdir):
        dirs.sort()
        found += [Path(folder) / f for f in sorted(files) if EVENT_FILE_MARK in f]
        if len(found) > MAX_FILES:
            raise EventLogError(f"{logdir} holds more than {MAX_FILES} event files; "
                                f"choose one of its folders")
    return found


def _records(data: bytes, path: Path, problems: list[str]):
    at = 0
    while at + _HEADER.size <= len(data):
        length, _crc = _HEADER.unpack_from(data, at)
        if length > MAX_RECORD_BYTES:
            problems.append(f"{path.name}: damaged at byte {at} (a record of "
                            f"{describe_size(length)}); read up to there")
            return
        start = at + _HEADER.size
        if start + length + 4 > len(data):
            return   # the last record is still being written, or was cut off
        yield data[start:start + length]
        at = start + length + 4


def _scalar_points(event: event_pb2.Event):
    for value in event.summary.value:
        if value.HasField("simple_value"):
            yield value.tag, float(value.simple_value)
        elif (value.HasField("tensor") and
              value.metadata.plugin_data.plugin_name == scalar_metadata.PLUGIN_NAME):
            array = tensor_util.make_ndarray(value.tensor)
            if array.size == 1:
                yield value.tag, float(array.reshape(()))


def read_scalars(logdir: str | Path, stop=None) -> EventLog:
    """Every scalar curve under ``logdir``; runs are named by their folder relative to it."""
    logdir = Path(logdir)
    if not logdir.is_dir():
        raise EventLogError(f"{logdir}: not a folder")
    files = event_files(logdir)
    if not files:
        raise EventLogError(f"{logdir} holds no TensorBoard event files "
                            f"(names with '{EVENT_FILE_MARK}')")
    log, budget = EventLog(), MAX_LOG_BYTES
    points: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    for path in files:
        run = str(path.parent.relative_to(logdir)) if path.parent != logdir else "."
        try:
            size = check_regular_file(path, "TensorBoard event file")
            if size > budget:
                log.problems.append(f"{path.relative_to(logdir)}: skipped, past the "
                                    f"{describe_size(MAX_LOG_BYTES)} read from one folder")
                continue
            data = read_bounded(path, budget, "TensorBoard event file", stop)
            budget -= len(data)
        except (FileLimitError, OSError) as exc:
            log.problems.append(str(exc) if isinstance(exc, FileLimitError) else
                                f"{path.relative_to(logdir)}: {exc.strerror or exc}")
            continue
        for record in _records(data, path, log.problems):
            try:
                event = event_pb2.Event.FromString(record)
            except Exception:  # noqa: BLE001 (protobuf's DecodeError and friends)
                log.problems.append(f"{path.relative_to(logdir)}: an event that is not one; "
                                    f"skipped")
                continue
            for tag, value in _scalar_points(event):
                points.setdefault((run, tag), _Thinned()).add((event.step, value, event.wall_time))
    for (run, tag), kept in points.items():
        table = np.array(sorted(kept.points(), key=lambda p: (p[0], p[2])), np.float64)
        log.curves[(run, tag)] = ScalarCurve(run, tag, table[:, 0].astype(np.int64), table[:, 1],
                                             table[:, 2])
    if not log.curves:
        raise EventLogError(f"{logdir}: its event files hold no scalars"
                            + (f" ({'; '.join(log.problems[:3])})" if log.problems else ""))
    return log
