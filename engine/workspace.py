"""A whole exploration in one file: runs (their configs, every logged number, every kept snapshot
and weight copy, the digits they show) and the window's state, as a ``.latentlab`` file.

The file is a zip: ``manifest.json`` (format version, the app's version, each run's config, name,
colour, state and sizes, and the window's state as plain JSON) and, per run, ``.npy`` arrays
(metric and evaluation columns, each snapshot field stacked over steps, the weight copies, the
fixtures). Arrays are stored uncompressed and exact, so a run opened from a file decodes exactly
as it did before it was saved. Saving is atomic. Opening checks everything first (the format
version, that every array the manifest names is there and of the size it says) and raises
:class:`WorkspaceError` with a message, so a bad file changes nothing in the open window.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from engine.about import VERSION as APP_VERSION
from engine.configs import config_from_dict, config_to_dict
from engine.experiments import in_workspaces
from engine.files.atomic import write_atomically
from engine.files.limits import FileLimitError, check_regular_file
from engine.runs.columns import ColumnLog
from engine.runs.run import Run
from engine.runs.snapshots import WEIGHTS_BUDGET_BYTES, Snapshot
from engine.runs.update import RunSetup, RunState, RunUpdate

FORMAT = "latent-lab-workspace"
VERSION = 1
SUFFIX = ".latentlab"
MAX_MANIFEST_BYTES = 16 * 2**20
MAX_FILE_BYTES = 8 * 2**30
MAX_UNPACKED_BYTES = 8 * 2**30   # what the members claim, together: more is a zip bomb
# what reading a damaged run's records raises: that run is left out, the others open
RUN_DAMAGE = (KeyError, TypeError, ValueError, IndexError, AttributeError, OSError, EOFError,
              zlib.error)


class WorkspaceError(ValueError):
    """A workspace file that cannot be opened; the message says what is wrong with it."""


def _flatten(record, prefix: str = "") -> tuple[dict[str, np.ndarray], dict]:
    """A dataclass of arrays and plain values as (arrays by dotted name, plain values)."""
    arrays, plain = {}, {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        name = prefix + field.name
        if dataclasses.is_dataclass(value):
            more_arrays, more_plain = _flatten(value, name + ".")
            arrays.update(more_arrays)
            plain.update(more_plain)
        elif isinstance(value, np.ndarray):
            arrays[name] = value
        else:
            plain[name] = list(value) if isinstance(value, tuple) else value
    return arrays, plain


def _rebuild(cls, arrays: dict, plain: dict, prefix: str = ""):
    values = {}
    for field in dataclasses.fields(cls):
        name = prefix + field.name
        if name in arrays:
            values[field.name] = arrays[name]
        else:
            value = plain[name]
            values[field.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def save_workspace(path: str | Path, runs: list[Run], window: dict | None = None) -> Path:
    """Write ``runs`` (finished or not: what they have so far) and the window's state, with the
    version of the app that wrote them."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    entries: dict[str, bytes] = {}
    manifest_runs = []
    for index, run in enumerate(runs):
        if run.setup is None or run.experiment not in in_workspaces():
            continue
        folder = f"runs/{index}/"
        snapshots = run.snapshots.items()
        payload_arrays = [_flatten(s.payload)[0] for s in snapshots]
        for name in payload_arrays[0] if payload_arrays else ():
            entries[f"{folder}snapshot.{name}.npy"] = _npy(np.stack([p[name] for p in payload_arrays]))
        payload_plain = [_flatten(s.payload)[1] for s in snapshots]
        with_weights = [s for s in snapshots if s.weights is not None]
        for k, snap in enumerate(with_weights):
            for i, array in enumerate(snap.weights):
                entries[f"{folder}weights.{k}.{i}.npy"] = _npy(array)
        fixture_arrays, fixture_plain = _flatten(run.fixtures)
        for name, array in fixture_arrays.items():
            entries[f"{folder}fixture.{name}.npy"] = _npy(array)
        entries[f"{folder}metrics.npy"] = _npy(run.metrics.table())
        if run.evaluations is not None:
            entries[f"{folder}evaluations.npy"] = _npy(run.evaluations.table())
        manifest_runs.append({
            "folder": folder, "experiment": run.experiment, "number": run.number,
            "name": run.name, "colour": list(run.colour), "config": config_to_dict(run.config),
            "state": run.state.value if not run.state.active else RunState.STOPPED.value,
            "message": run.message, "step": run.step,
            "parent": run.parent, "fork_step": run.fork_step,
            "samples_per_wall_second": run.samples_per_wall_second,
            "setup": {"metric_names": list(run.setup.metric_names),
                      "total_steps": run.setup.total_steps,
                      "steps_per_epoch": run.setup.steps_per_epoch,
                      "samples_per_step": run.setup.samples_per_step,
                      "started_at": run.setup.started_at},
            "evaluation_names": list(run.evaluations.names) if run.evaluations else None,
            "snapshots": {"steps": [s.step for s in snapshots],
                          "pinned": [s.pinned for s in snapshots],
                          "plain": payload_plain,
                          "weights": [[snapshots.index(s), len(s.weights)] for s in with_weights]},
            "fixtures": fixture_plain,
        })
    manifest = {"format": FORMAT, "version": VERSION, "app_version": APP_VERSION,
                "runs": manifest_runs, "window": window or {}}

    def write(tmp: str) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.writestr("manifest.json", json.dumps(manifest))
            for name, data in entries.items():
                archive.writestr(name, data)

    for run in runs:
        run.mark_saved()
    return write_atomically(path, write)


def _read_array(archive: zipfile.ZipFile, name: str, path: Path) -> np.ndarray:
    """One member as a plain numeric array (the zip reader stops at the size the member declares,
    so a member that unpacks to more fails its check instead of filling memory)."""
    try:
        with archive.open(name) as member:
            array = np.load(io.BytesIO(member.read()), allow_pickle=False)
    except KeyError:
        raise WorkspaceError(f"{path}: {name} is missing; the file is incomplete") from None
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise WorkspaceError(f"{path}: {name} holds pickled Python objects, which could run "
                                 "code; refused (workspaces hold plain numbers)") from None
        raise WorkspaceError(f"{path}: {name} is damaged ({exc})") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise WorkspaceError(f"{path}: {name} is damaged ({exc})") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise WorkspaceError(f"{path}: {name} is not an array of numbers; refused")
    return array


def _check_members(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse, before reading anything, member names that climb out of the archive and sizes
    that claim more than any workspace holds."""
    total = 0
    for info in archive.infolist():
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in Path(name.replace("\\", "/")).parts:
            raise WorkspaceError(f"{path}: a member is named {name!r}, which points outside the "
                                 "archive; refused")
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise WorkspaceError(f"{path}: its members claim {total / 2**30:.1f} GiB unpacked, more "
                             f"than any workspace holds ({MAX_UNPACKED_BYTES / 2**30:.0f} GiB); "
                             "refused")


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        info = archive.getinfo("manifest.json")
    except KeyError:
        raise WorkspaceError(f"{path}: not a Latent Lab workspace (a zip without a "
                             "manifest.json)") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise WorkspaceError(f"{path}: its manifest declares {info.file_size:,} bytes; refused")
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        raise WorkspaceError(f"{path}: its manifest is damaged ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise WorkspaceError(f"{path}: not a Latent Lab workspace (its manifest is another "
                             "program's)")
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise WorkspaceError(f"{path}: written by a newer Latent Lab (workspace format "
                             f"{version}; this version reads up to {VERSION}); update to open it")
    return manifest


def _read_run(archive: zipfile.ZipFile, entry: dict, path: Path) -> Run:
    experiment = in_workspaces()[entry["experiment"]]
    config_cls, (payload_cls, fixtures_cls) = experiment.config, experiment.records
    folder = entry["folder"]
    names = [n[len(folder):] for n in archive.namelist() if n.startswith(folder)]
    setup_info = entry["setup"]
    fixtures_arrays = {n[len("fixture."):-4]: _read_array(archive, folder + n, path)
                       for n in names if n.startswith("fixture.")}
    fixtures = _rebuild(fixtures_cls, fixtures_arrays, entry["fixtures"])
    setup = RunSetup(tuple(setup_info["metric_names"]), int(setup_info["total_steps"]),
                     setup_info["steps_per_epoch"], int(setup_info["samples_per_step"]), fixtures,
                     float(setup_info.get("started_at", 0.0)))
    snaps = entry["snapshots"]
    stacked = {n[len("snapshot."):-4]: _read_array(archive, folder + n, path)
               for n in names if n.startswith("snapshot.")}
    weights = {index: tuple(_read_array(archive, f"{folder}weights.{k}.{i}.npy", path)
                            for i in range(count))
               for k, (index, count) in enumerate(snaps["weights"])}
    metrics = _read_array(archive, folder + "metrics.npy", path)
    if metrics.ndim != 2 or metrics.shape[1] != len(setup.columns):
        raise WorkspaceError(f"{path}: run {entry['name']!r} has metrics of shape {metrics.shape}")
    run = Run(entry["experiment"], config_from_dict(config_cls, entry["config"]), entry["name"],
              tuple(entry["colour"]), entry["number"])
    run.snapshots.weights_budget = float("inf")   # keep exactly what the file kept
    run.set_lineage(str(entry.get("parent", ""))[:500], int(entry.get("fork_step", 0)))
    for k, step in enumerate(snaps["steps"]):
        arrays = {name: values[k] for name, values in stacked.items()}
        payload = _rebuild(payload_cls, arrays, snaps["plain"][k])
        update = RunUpdate(step, metrics if k == 0 else np.zeros((0, metrics.shape[1])),
                           Snapshot(step, payload, bool(snaps["pinned"][k]), weights.get(k)), 0.0,
                           0.0, RunState.RUNNING, setup=setup if k == 0 else None)
        run.apply(update)
    if entry.get("evaluation_names"):   # as logged: thinned snapshots do not thin them
        evaluations = ColumnLog(entry["evaluation_names"])
        evaluations.extend(_read_array(archive, folder + "evaluations.npy", path))
        run.set_evaluations(evaluations)
    run.snapshots.weights_budget = WEIGHTS_BUDGET_BYTES
    run.apply(RunUpdate(int(entry["step"]), np.zeros((0, metrics.shape[1])), None,
                        float(entry.get("samples_per_wall_second", 0.0)), 0.0,
                        RunState(entry["state"]), entry.get("message", "")))
    run.mark_saved()
    return run


class OpenedWorkspace(NamedTuple):
    """What :func:`open_workspace` read: the runs that were whole, the window's state, and a line
    for each run that could not be read (it was left out)."""

    runs: list[Run]
    window: dict
    problems: list[str]


def open_workspace(path: str | Path) -> OpenedWorkspace:
    """The runs and the window's state in a file written by :func:`save_workspace`. A file that
    is not a workspace, or whose manifest or members cannot be trusted, raises
    :class:`WorkspaceError` before anything is returned; a damaged run is left out and named in
    ``problems``, and the others open (unless none could be read, which raises)."""
    path = Path(path)
    try:
        size = check_regular_file(path, "workspace file")
    except FileLimitError as exc:
        raise WorkspaceError(str(exc)) from None
    if size > MAX_FILE_BYTES:
        raise WorkspaceError(f"{path}: {size / 2**30:.1f} GiB is larger than any workspace "
                             "Latent Lab writes")
    if not zipfile.is_zipfile(path):
        raise WorkspaceError(f"{path}: not a Latent Lab workspace (not a zip archive; it may be "
                             "truncated)")
    runs, problems = [], []
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive, path)
            manifest = _read_manifest(archive, path)
            entries = manifest.get("runs", [])
            for k, entry in enumerate(entries if isinstance(entries, list) else []):
                if not isinstance(entry, dict) or entry.get("experiment") not in in_workspaces():
                    continue   # an experiment of a newer version: skipped
                try:
                    runs.append(_read_run(archive, entry, path))
                except WorkspaceError as exc:
                    problems.append(f"run {k + 1}: {str(exc).removeprefix(f'{path}: ')}")
                except RUN_DAMAGE as exc:
                    problems.append(f"run {k + 1}: damaged ({type(exc).__name__}: {exc})")
    except WorkspaceError:
        raise
    except (*RUN_DAMAGE, zipfile.BadZipFile) as exc:
        raise WorkspaceError(f"{path}: the workspace is damaged ({type(exc).__name__}: "
                             f"{exc})") from None
    if problems and not runs:
        raise WorkspaceError(f"{path}: no run in it could be read: " + "; ".join(problems))
    window = manifest.get("window")
    return OpenedWorkspace(runs, window if isinstance(window, dict) else {}, problems)
