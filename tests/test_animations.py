"""The animation writer at the lengths, frame rates and sizes the export dialog allows: every
frame comes back, in order, and the video lasts frames / fps. MP4s of 45 frames and more once
failed with "Invalid argument" (error 22): the encoder's first packet comes after its look-ahead,
and frames were stamped in a time base the muxer had replaced by then."""

import av
import numpy as np
import pytest
from PIL import Image, ImageSequence

from engine.files.animations import AnimationWriter, save_animation


def frame(k: int, width: int, height: int) -> np.ndarray:
    """A frame whose mean grey says its number (to 1/4 of a level after H.264)."""
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[:] = (k * 37) % 200 + 20
    return pixels


def decoded(path):
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in video.decode(video=0)]
        seconds = float(stream.duration * stream.time_base) if stream.duration else None
    return frames, seconds


@pytest.mark.parametrize("frames, fps, size", [
    (48, 12, (256, 256)), (60, 12, (47, 33)), (60, 30, (31, 17)), (120, 24, (65, 64)),
    (120, 60, (16, 16)), (61, 7, (17, 23)), (45, 1, (20, 20)), (2000, 60, (17, 9))])
def test_an_mp4_keeps_every_frame_in_order_and_lasts_frames_over_fps(tmp_path, frames, fps,
                                                                       size):
    path = tmp_path / "loop.mp4"
    with AnimationWriter(path, 1000 / fps) as out:
        for k in range(frames):
            out.add(frame(k, *size))
    got, seconds = decoded(path)
    assert len(got) == frames
    assert got[0].shape[:2] == (size[1] + size[1] % 2, size[0] + size[0] % 2)   # even sides
    levels = np.array([f[:size[1], :size[0]].mean() for f in got])
    expected = np.array([frame(k, 1, 1).mean() for k in range(frames)])
    assert np.abs(levels - expected).max() < 3
    assert seconds == pytest.approx(frames / fps, rel=0.02, abs=1.01 / fps)
    assert [p.name for p in tmp_path.iterdir()] == ["loop.mp4"]


@pytest.mark.parametrize("suffix", [".webp", ".gif"])
def test_webp_and_gif_keep_every_frame_of_a_long_loop(tmp_path, suffix):
    path = tmp_path / f"loop{suffix}"
    with AnimationWriter(path, 1000 / 24) as out:
        for k in range(120):
            out.add(frame(k, 33, 21))
    with Image.open(path) as image:
        levels = [np.asarray(f.convert("RGB"), float).mean() for f in ImageSequence.Iterator(image)]
    assert len(levels) == 120
    assert np.abs(np.array(levels) - [frame(k, 1, 1).mean() for k in range(120)]).max() < 3


def test_a_held_last_frame_is_repeated_in_a_video(tmp_path):
    path = save_animation([frame(k, 20, 20) for k in range(50)], tmp_path / "run.mp4",
                          frame_ms=100, last_frame_ms=1200)
    got, seconds = decoded(path)
    assert len(got) == 49 + 12 and seconds == pytest.approx(6.1, abs=0.11)
