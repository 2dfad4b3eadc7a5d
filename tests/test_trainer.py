"""The training generator: updates, learning, determinism, control, failure and history."""

import numpy as np
import pytest

from engine.latent.config import preset_config
from engine.runs.control import RunControl
from engine.runs.snapshots import Snapshot, SnapshotHistory
from engine.latent.trainer import AutoencoderTrainer
from engine.runs.update import LossHistory, LossPoint
from engine.latent.training_data import prepare_training_data


def tiny(kind="ae", loss="bce", **overrides):
    args = dict(epochs=2, train_size=1000, batch_size=50, latent_points=200)
    args.update(overrides)
    return preset_config(kind, loss, "quick", **args)


def make(mnist, config):
    return AutoencoderTrainer(config, prepare_training_data(config, mnist))


@pytest.mark.parametrize("kind, loss", [("ae", "bce"), ("ae", "mse"), ("vae", "bce"),
                                        ("vae", "mse"), ("vae", "kl")])
def test_updates_have_the_promised_shapes_and_loss_falls(mnist, kind, loss):
    trainer = make(mnist, tiny(kind, loss, epochs=3))
    updates = list(trainer.run(live_snapshots=False))
    first, last = updates[0], updates[-1]
    assert first.snapshot.latent.shape == (200, 3) and first.snapshot.latent.dtype == np.float32
    assert first.snapshot.reconstructions.shape == (10, 28, 28)
    assert last.state == "finished" and last.step == 60
    points = [p for u in updates for p in u.loss_points]
    assert [p.step for p in points] == list(range(60))  # every loss point, once, in order
    assert all(p.wall_s >= 0 for p in points)
    start, end = np.mean([p.total for p in points[:5]]), np.mean([p.total for p in points[-5:]])
    assert end < start * 0.9, (start, end)
    if kind == "vae":
        assert any(p.kl > 0 for p in points)


def test_same_seed_same_run(mnist):
    a = make(mnist, tiny())
    b = make(mnist, tiny())
    list(a.run(live_snapshots=False))
    list(b.run(live_snapshots=False))
    assert [p.total for p in a.loss_history] == [p.total for p in b.loss_history]
    c = make(mnist, tiny(seed=7))
    list(c.run(live_snapshots=False))
    assert [p.total for p in c.loss_history] != [p.total for p in a.loss_history]


def test_manual_backprop_trains(mnist):
    trainer = make(mnist, tiny(backprop="manual"))
    list(trainer.run(live_snapshots=False))
    losses = [p.total for p in trainer.loss_history]
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) * 0.9


def test_stop_pause_and_learning_rate(mnist):
    trainer = make(mnist, tiny(epochs=50))
    control = RunControl()
    run = trainer.run(control, update_interval_s=0.0)
    next(run)
    next(run)
    control.set_learning_rate(0.05)
    next(run)
    assert trainer.optimizer.learning_rate.numpy() == pytest.approx(0.05)
    control.stop()
    rest = list(run)
    assert rest[-1].state == "stopped" and trainer.step < trainer.total_steps


@pytest.mark.parametrize("kind, learning_rate", [("vae", 10.0), ("ae", 1e3)])
def test_non_finite_loss_stops_with_a_message(mnist, kind, learning_rate):
    trainer = make(mnist, tiny(kind, learning_rate=learning_rate, epochs=20))
    final = list(trainer.run(live_snapshots=False))[-1]
    assert final.state == "failed"
    assert "lower the learning rate" in final.message
    assert trainer.step < trainer.total_steps
    # the kept weights are ones that gave a finite loss: the model still works
    assert all(np.isfinite(v.numpy()).all() for v in trainer.models.trainable_variables)
    assert np.isfinite(final.snapshot.latent).all()
    assert np.isfinite(trainer.decode(np.zeros((2, 3)))).all()


def test_encode_decode_shapes(mnist):
    trainer = make(mnist, tiny("vae"))
    z = trainer.encode(trainer.data.view_images[:7])
    assert z.shape == (7, 3)
    images = trainer.decode(z)
    assert images.shape == (7, 28, 28) and 0 <= images.min() and images.max() <= 1


def test_snapshot_history_thins_each_kind_within_its_capacity():
    history = SnapshotHistory(capacity=10, pinned_capacity=6)
    blank = np.zeros((1, 3), np.float32)
    for step in range(1000):
        history.add(Snapshot(step, step / 10, blank, blank, pinned=step % 25 == 0))
    steps = history.steps
    pinned = [s.step for s in history.pinned()]
    assert len(steps) - len(pinned) <= 10 and 3 <= len(pinned) <= 6
    assert pinned[0] == 0 and all(s % 25 == 0 for s in pinned)
    assert pinned[-1] >= 900  # thinning keeps the whole run covered, old and recent
    assert steps == sorted(steps) and steps[-1] == 999
    assert history.at_step(600).step <= 600


def test_loss_history_keeps_every_point_compactly():
    history = LossHistory()
    points = [LossPoint(i, i // 100, i * 0.01, 1.0 / (i + 1), 0.5, 0.0) for i in range(5000)]
    for point in points:
        history.append(point)
    assert len(history) == 5000 and list(history) == points
    assert history[-1] == points[-1] and history[10:13] == points[10:13]
    assert history.column("total")[7] == points[7].total
    assert history.nbytes <= 2 * 5000 * 6 * 8  # float64 columns, capacity at most doubled


@pytest.mark.parametrize("value", [0.0, -1e-3, 1e4, float("nan")])
def test_an_absurd_learning_rate_is_refused_with_the_allowed_range(value):
    with pytest.raises(ValueError, match=r"learning_rate must be in \(0, 1000\]"):
        tiny(learning_rate=value)
    with pytest.raises(ValueError, match=r"learning rate must be in \(0, 1000\]"):
        RunControl().set_learning_rate(value)
