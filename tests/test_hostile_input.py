"""Hostile and broken input to the engine and the terminal: every case gets a message naming
the file or option and the problem, quickly, without hanging or exhausting memory, and a run
interrupted from the terminal keeps its work."""

import gzip
import io
import os
import select
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.files.atomic import write_atomically
from engine.files.images import ImageFileError, image_to_array, load_image
from engine.files.limits import FileLimitError, read_bounded
from engine.files.png_stream import StreamingPNGWriter
from engine.latent.datasets import IMAGES_MAGIC, DatasetError, load_dataset, load_npz, read_idx
from gui.workers.training_worker import describe_error

ROOT = Path(__file__).resolve().parent.parent


def run_main(*args, timeout=300, env=None):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=env or dict(os.environ))


def idx_header(count: int) -> bytes:
    return struct.pack(">IIII", 2051, count, 28, 28)


# -- files that never end, or claim too much --------------------------------------------------
def test_a_pipe_or_a_device_is_refused_at_once(tmp_path):
    fifo = tmp_path / "train-images-idx3-ubyte"
    os.mkfifo(fifo)                      # opening it would block until a writer comes
    (tmp_path / "zero.npz").symlink_to("/dev/zero")
    start = time.monotonic()
    with pytest.raises(DatasetError, match="named pipe"):
        load_dataset(str(fifo))
    with pytest.raises(DatasetError, match="is a device"):
        load_dataset(str(tmp_path / "zero.npz"))
    with pytest.raises(ImageFileError, match="named pipe"):
        load_image(fifo)
    assert time.monotonic() - start < 5


def test_a_sparse_100_gb_file_is_refused_by_its_size(tmp_path):
    huge = tmp_path / "mnist.npz"
    with open(huge, "wb") as handle:
        handle.truncate(100 * 2**30)     # sparse: nothing is written
    with pytest.raises(DatasetError):
        load_npz(huge)
    with pytest.raises(FileLimitError, match="107.4 GB is more than"):
        read_bounded(huge, 2**30, "dataset file")


def test_a_gzip_stream_longer_than_its_header_promises_stops_at_the_promise(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunks = [packer.compress(idx_header(100))]
    zeros = bytes(2**20)
    for _ in range(256):                 # 256 MB of pixels behind a header promising 78 kB
        chunks.append(packer.compress(zeros))
    chunks.append(packer.flush())
    path.write_bytes(b"".join(chunks))
    assert path.stat().st_size < 2_000_000
    with pytest.raises(DatasetError, match="inflates past"):
        read_idx(path, IMAGES_MAGIC)


def test_an_idx_header_promising_gigabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_header(4_000_000) + bytes(1000)))
    with pytest.raises(DatasetError, match="promises 4000000x28x28 = 3.1 GB"):
        read_idx(path, IMAGES_MAGIC)


def test_an_npz_header_claiming_tens_of_gigabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "mnist.npz"
    header = tmp_path / "x.npy"
    with open(header, "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, {"descr": "<f8", "fortran_order": False,
                                                      "shape": (10_000_000, 28, 28)})
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(header, "x_train.npy")
        archive.writestr("y_train.npy", b"")
    with pytest.raises(DatasetError, match="x_train declares 10000000x28x28 float64 = 62.7 GB"):
        load_npz(path)


@pytest.mark.parametrize("images, expected", [
    (np.array([["a"] * 28] * 28)[None].repeat(3, 0), "x_train holds <U1 values, not numbers"),
    (np.full((3, 28, 28), np.datetime64("2020-01-01")), "x_train holds datetime64"),
])
def test_arrays_of_strings_or_dates_are_named(tmp_path, images, expected):
    path = tmp_path / "odd.npz"
    np.savez(path, x_train=images, y_train=np.zeros(3, int))
    with pytest.raises(DatasetError, match=expected):
        load_npz(path)


def test_a_junk_npz_gets_no_advice_to_unpickle(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"\x80\x04junk that is not a zip")
    with pytest.raises(DatasetError) as err:
        load_npz(path)
    assert "allow_pickle" not in str(err.value) and "not a readable .npz" in str(err.value)


def test_an_empty_memory_error_still_says_something():
    assert describe_error(MemoryError()) == ("MemoryError: not enough memory; try fewer pictures "
                                             "or a smaller model")
    assert describe_error(RuntimeError()) == "RuntimeError (no message)"


# -- pictures ----------------------------------------------------------------------------------
def test_16_bit_and_float_pictures_keep_their_range(tmp_path):
    ramp = np.linspace(0, 65535, 256).astype(np.uint16)[None].repeat(8, 0)
    Image.fromarray(ramp).save(tmp_path / "ramp16.png")
    grey = image_to_array(load_image(tmp_path / "ramp16.png", "L"))[0, :, 0]
    assert grey[0] == 0 and grey[-1] == 1 and (np.diff(grey) >= 0).all()
    assert abs(grey[128] - 0.5) < 0.01
    Image.fromarray(np.linspace(0, 1, 64, dtype=np.float32)[None].repeat(4, 0), "F").save(
        tmp_path / "float.tif")
    floats = image_to_array(load_image(tmp_path / "float.tif", "RGB"))[0, :, 0]
    assert floats[0] == 0 and floats[-1] == 1 and abs(floats[32] - 32 / 63) < 0.01


def test_exif_orientation_and_transparency(tmp_path):
    wide = Image.new("RGB", (60, 20), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6                                    # "rotate 90° clockwise to view"
    wide.save(tmp_path / "phone.jpg", exif=exif.tobytes())
    assert load_image(tmp_path / "phone.jpg").size == (20, 60)
    clear = np.zeros((10, 10, 4), np.uint8)
    clear[:5] = (0, 0, 255, 255)                        # top half opaque blue, bottom transparent
    Image.fromarray(clear, "RGBA").save(tmp_path / "half.png")
    rgb = np.asarray(load_image(tmp_path / "half.png", "RGB"))
    assert (rgb[:5] == (0, 0, 255)).all() and (rgb[5:] == 255).all()   # transparent is white


# -- writing -----------------------------------------------------------------------------------
def test_an_export_whose_folder_goes_away_says_so_and_names_the_target(tmp_path):
    folder = tmp_path / "out"
    writer = StreamingPNGWriter(folder / "big.png", 8, 4, 1)
    writer.write_rows(np.zeros((2, 8), np.uint8))
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    with pytest.raises(FileNotFoundError) as err:
        writer.write_rows(np.zeros((2, 8), np.uint8))
    writer.discard()
    assert "big.png" in str(err.value) and "folder was removed" in str(err.value)
    assert ".big-" not in str(err.value)


def test_temporaries_of_dead_saves_are_cleaned_up(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".model-{dead}-abc123.keras"
    stale.write_bytes(b"half a model")
    mine = tmp_path / f".model-{os.getpid()}-zzz.keras"   # a save of this process, under way
    mine.write_bytes(b"busy")
    write_atomically(tmp_path / "model.keras", lambda tmp: Path(tmp).write_bytes(b"whole"))
    assert not stale.exists() and mine.exists()
    assert (tmp_path / "model.keras").read_bytes() == b"whole"


# -- the terminal ------------------------------------------------------------------------------
@pytest.mark.parametrize("args, expected", [
    (["--frames-per-epoch", "0"], "argument --frames-per-epoch: it must be a whole number from 1"),
    (["--frames-per-epoch", "-3"], "argument --frames-per-epoch"),
    (["--seed", str(2**32)], "argument --seed: it must be a whole number from 0 to 4,294,967,295"),
    (["--seed", "-1"], "argument --seed"),
    (["--lr", "nan"], "argument --lr"),
])
def test_bad_options_name_the_option(tmp_path, args, expected):
    result = run_main("train", "ae", *args, "--out", str(tmp_path / "o"), timeout=120)
    assert result.returncode == 2 and expected in result.stderr, result.stderr[-500:]
    assert "Traceback" not in result.stderr


def test_a_pipe_as_dataset_fails_fast_in_the_terminal(tmp_path):
    fifo = tmp_path / "data.npz"
    os.mkfifo(fifo)
    result = run_main("train", "ae", "--dataset", str(fifo), "--out", str(tmp_path / "o"),
                      timeout=120)
    assert result.returncode == 2 and "named pipe" in result.stderr and str(fifo) in result.stderr


def read_until(child, text: str, timeout_s: float = 180) -> str:
    """Read a child's standard output until ``text`` shows (its progress line)."""
    seen = ""
    deadline = time.monotonic() + timeout_s
    fd = child.stdout.fileno()
    while text not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{text!r} never appeared: {seen[-300:]!r}"
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 4096)
            assert chunk, f"the run ended before {text!r}: {seen[-300:]!r}"
            seen += chunk.decode(errors="replace")
    return seen


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_terminal_run_writes_what_it_has(tmp_path, sig):
    out = tmp_path / "run"
    child = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "train", "ae", "--epochs",
                              "200", "--train-size", "2000", "--out", str(out)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    read_until(child, "epoch 3/200")                     # well into training
    child.send_signal(sig)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, stderr[-2000:]
    assert f"{sig.name}: stopping at the next step" in stderr
    assert stdout.strip().splitlines()[-1].startswith("stopped:")
    for name in ("history.json", "latent.gif", "reconstructions.gif", "model.keras"):
        assert (out / name).stat().st_size > 0, name
    assert not (out / ".latent-lab.lock").exists()


def test_a_file_that_cannot_be_written_is_named_and_the_others_are_kept(tmp_path):
    out = tmp_path / "run"
    (out / "model.keras").mkdir(parents=True)           # as a full disk would, it cannot be written
    result = run_main("train", "ae", "--epochs", "1", "--train-size", "500", "--out", str(out))
    assert result.returncode == 1
    assert f"could not write {out / 'model.keras'}" in result.stderr
    assert (out / "history.json").exists() and (out / "latent.gif").exists()


def test_two_runs_into_one_folder_are_refused(tmp_path):
    out = tmp_path / "run"
    first = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "train", "ae", "--epochs",
                              "200", "--train-size", "2000", "--out", str(out)], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (out / ".latent-lab.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        second = run_main("train", "ae", "--epochs", "1", "--out", str(out))
        assert second.returncode == 2
        assert f"another run (process {first.pid}) is writing into this folder" in second.stderr
    finally:
        first.kill()
        first.wait(30)


def test_the_self_test_without_a_display_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    result = run_main("--self-test", env=env, timeout=120)
    assert result.returncode == 1
    assert "self-test: FAILED: no display" in result.stderr


@pytest.fixture(scope="module")
def workspace_of_two(tmp_path_factory):
    """A workspace of two small, really trained runs."""
    from engine.latent.config import preset_config
    from engine.latent.datasets import load_bundled
    from engine.latent.trainer import AutoencoderTrainer
    from engine.latent.training_data import prepare_training_data
    from engine.runs.loop import run_loop
    from engine.runs.run import Run
    from engine.workspace import save_workspace

    dataset = load_bundled("mnist", stop=None)
    runs = []
    for seed in (1, 2):
        config = preset_config("ae", "bce", "quick", epochs=1, train_size=500, seed=seed)
        run = Run("latent", config, f"run {seed}")
        for update in run_loop(AutoencoderTrainer(config, prepare_training_data(config, dataset))):
            run.apply(update)
        runs.append(run)
    return save_workspace(tmp_path_factory.mktemp("ws") / "two.latentlab", runs)


def rewrite(source, target, change):
    """Copy a zip member by member; ``change(name, body)`` returns the new body (or None to drop
    the member), and may add members through ``extra``."""
    extra = {}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = change(item.filename, src.read(item), extra)
            if body is not None:
                dst.writestr(item.filename, body)
        for name, body in extra.items():
            dst.writestr(name, body)
    return target


def test_a_member_named_outside_the_archive_is_refused(workspace_of_two, tmp_path):
    from engine.workspace import WorkspaceError, open_workspace

    def climb(name, body, extra):
        extra["../../evil.npy"] = b"x"
        return body

    bad = rewrite(workspace_of_two, tmp_path / "climb.latentlab", climb)
    with pytest.raises(WorkspaceError, match=r"'\.\./\.\./evil\.npy'.*outside the archive"):
        open_workspace(bad)


def test_a_workspace_claiming_gigabytes_is_refused_before_reading(workspace_of_two, tmp_path):
    from engine.workspace import WorkspaceError, open_workspace

    data = bytearray(workspace_of_two.read_bytes())
    start = 0
    for _ in range(3):   # three central-directory records now claim about 4 GiB each
        start = data.index(b"PK\x01\x02", start + 1)
        data[start + 24:start + 28] = struct.pack("<I", 0xFFFFFF00)
    bad = tmp_path / "claims.latentlab"
    bad.write_bytes(bytes(data))
    with pytest.raises(WorkspaceError, match=r"claim 1\d\.\d GiB unpacked.*refused"):
        open_workspace(bad)


def test_a_member_that_unpacks_past_its_size_is_damaged_and_the_other_run_opens(
        workspace_of_two, tmp_path):
    from engine.workspace import open_workspace

    with zipfile.ZipFile(workspace_of_two) as archive:
        second = next(n for n in archive.namelist() if n.endswith("metrics.npy") and "1/" in n)
    data = bytearray(workspace_of_two.read_bytes())
    at = data.index(b"PK\x01\x02" + b"", 0)
    while True:   # the central record of the second run's metrics: it now claims 64 bytes
        name_len = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + name_len].decode() == second:
            data[at + 24:at + 28] = struct.pack("<I", 64)
            break
        at = data.index(b"PK\x01\x02", at + 1)
    bad = tmp_path / "bomb.latentlab"
    bad.write_bytes(bytes(data))
    runs, _, problems = open_workspace(bad)
    assert [r.name for r in runs] == ["run 1"] and runs[0].step > 0
    assert len(problems) == 1 and problems[0].startswith("run 2:") and "metrics.npy" in problems[0]


def test_pickled_arrays_are_refused_by_name(workspace_of_two, tmp_path):
    from engine.workspace import WorkspaceError, open_workspace

    def pickle_metrics(name, body, extra):
        if name.endswith("metrics.npy"):
            handle = io.BytesIO()
            np.save(handle, np.array([{"run": "code"}], dtype=object), allow_pickle=True)
            return handle.getvalue()
        return body

    bad = rewrite(workspace_of_two, tmp_path / "pickle.latentlab", pickle_metrics)
    with pytest.raises(WorkspaceError, match=r"no run in it could be read.*metrics\.npy holds "
                                             r"pickled Python objects"):
        open_workspace(bad)


def test_a_truncated_or_oversized_genome_is_refused_with_its_reason(tmp_path):
    from engine.cppn.config import PRESETS
    from engine.cppn.genome import GenomeError, genome_of

    genome = genome_of(PRESETS[0].config, np.zeros(PRESETS[0].config.z_dim), 1.0, "grey")
    path = tmp_path / "g.json"
    genome.save(path)
    text = path.read_text()
    path.write_text(text[:len(text) // 2])
    with pytest.raises(GenomeError, match="not JSON"):
        type(genome).load(path)
    path.write_text(text.replace('"width": 64', '"width": 100000'))
    with pytest.raises(GenomeError, match="width"):
        type(genome).load(path)
