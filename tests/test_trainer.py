"""The autoencoder/VAE trainer in the run loop: updates, learning, determinism, divergence, and
decodes with a snapshot's weight copy that equal what training recorded."""

import numpy as np
import pytest

from engine.latent.config import preset_config
from engine.latent.models import autoencoder_weights_from_file, build_models, save_autoencoder
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.control import RunControl
from engine.runs.loop import run_loop
from engine.runs.replica import Replicas
from engine.runs.run import Run
from engine.runs.update import RunState


def tiny(kind="ae", loss="bce", **overrides):
    args = dict(epochs=2, train_size=1000, batch_size=50, latent_points=200)
    args.update(overrides)
    return preset_config(kind, loss, "quick", **args)


def train(mnist, config, control=None, **options):
    trainer = AutoencoderTrainer(config, prepare_training_data(config, mnist))
    run = Run("latent", config)
    for update in run_loop(trainer, control, **{"live_snapshots": False, **options}):
        run.apply(update)
    return trainer, run


@pytest.mark.parametrize("kind, loss", [("ae", "bce"), ("ae", "mse"), ("vae", "bce"),
                                        ("vae", "mse"), ("vae", "kl")])
def test_updates_have_the_promised_shapes_and_loss_falls(mnist, kind, loss):
    _, run = train(mnist, tiny(kind, loss, epochs=3))
    first, last = run.snapshots[0].payload, run.latest().payload
    assert first.latent.shape == (200, 3) and first.latent.dtype == np.float32
    assert last.reconstructions.shape == (10, 28, 28)
    assert run.state is RunState.FINISHED and run.step == 60
    assert run.column("step").tolist() == list(range(60))
    losses = run.column("loss")
    assert losses[-5:].mean() < losses[:5].mean() * 0.9
    if kind == "vae":
        assert (run.column("kl") > 0).any()


def test_same_seed_same_run(mnist):
    _, a = train(mnist, tiny())
    _, b = train(mnist, tiny())
    _, c = train(mnist, tiny(seed=7))
    assert np.array_equal(a.column("loss"), b.column("loss"))
    assert not np.array_equal(c.column("loss"), a.column("loss"))


def test_beta_moves_the_vae_between_the_plain_autoencoder_and_a_compact_latent(mnist):
    spreads = {}
    for beta in (0.0, 1.0, 4.0):
        _, run = train(mnist, tiny("vae", "bce", beta=beta, epochs=3))
        spreads[beta] = float(np.percentile(np.abs(run.latest().payload.latent), 99))
        assert run.state is RunState.FINISHED
    assert spreads[0.0] > 3 * spreads[1.0] and spreads[1.0] > spreads[4.0], spreads


def test_manual_backprop_trains(mnist):
    _, run = train(mnist, tiny(backprop="manual"))
    losses = run.column("loss")
    assert losses[-5:].mean() < losses[:5].mean() * 0.9


def test_the_learning_rate_reaches_the_optimiser(mnist):
    config = tiny(epochs=50)
    trainer = AutoencoderTrainer(config, prepare_training_data(config, mnist))
    control = RunControl()
    updates = run_loop(trainer, control, update_interval_s=0.0)
    next(updates)
    next(updates)
    control.set_learning_rate(0.05)
    next(updates)
    assert trainer.optimizer.learning_rate.numpy() == pytest.approx(0.05)
    control.stop()
    assert list(updates)[-1].state is RunState.STOPPED


@pytest.mark.parametrize("kind, learning_rate", [("vae", 10.0), ("ae", 1e3)])
def test_non_finite_loss_stops_with_a_message_and_working_weights(mnist, kind, learning_rate):
    config = tiny(kind, learning_rate=learning_rate, epochs=20)
    _, run = train(mnist, config)
    assert run.state is RunState.FAILED and "lower the learning rate" in run.message
    assert run.step < run.total_steps
    final = run.latest()
    assert all(np.isfinite(w).all() for w in final.weights)
    assert np.isfinite(final.payload.latent).all()
    models = Replicas(build_models, lambda c: c.architecture).with_weights(config, final.weights)
    assert np.isfinite(models.decode(np.zeros((2, 3)))).all()


def test_decodes_with_a_saved_mid_run_copy_equal_the_recorded_ones(mnist, tmp_path):
    """A save during training writes one consistent step: the weights of the snapshot taken on
    request. Loaded back, they reconstruct the recorded digits exactly."""
    config = tiny("vae", epochs=30)
    trainer = AutoencoderTrainer(config, prepare_training_data(config, mnist))
    control = RunControl()
    run = Run("latent", config)
    for update in run_loop(trainer, control, live_snapshots=False, update_interval_s=0.0):
        run.apply(update)
        if run.step >= 100 and not control.stop_requested:
            control.request_weights()
            if update.snapshot is not None and update.snapshot.step >= 100:
                control.stop()
    mid = next(s for s in run.snapshots.items() if s.step >= 100 and s.weights is not None)
    models = build_models(config)
    models.set_weights(mid.weights)
    save_autoencoder(models, tmp_path / "mid.keras")
    loaded = build_models(config)
    loaded.set_weights(autoencoder_weights_from_file(tmp_path / "mid.keras", config))
    np.testing.assert_allclose(loaded.decode(mid.payload.latent[:10]),
                               models.decode(mid.payload.latent[:10]), atol=1e-6)
    codes = loaded.encode(run.fixtures.reconstruction_images)
    np.testing.assert_allclose(loaded.decode(codes), mid.payload.reconstructions, atol=1e-6)
    early = run.snapshots[0]
    loaded.set_weights(early.weights)
    assert np.abs(loaded.decode(codes) - mid.payload.reconstructions).max() > 0.05


def test_encode_decode_shapes(mnist):
    trainer, run = train(mnist, tiny("vae"))
    z = trainer.models.encode(run.fixtures.view_images[:7])
    assert z.shape == (7, 3)
    images = trainer.models.decode(z)
    assert images.shape == (7, 28, 28) and 0 <= images.min() and images.max() <= 1


def test_the_2018_original_preset_means_what_2018_ran():
    assert preset_config("vae", "mse", "original-2018").kl_2018_quirks is True
    assert preset_config("vae", "mse", "original-2018", kl_2018_quirks=False).kl_2018_quirks is False
    assert preset_config("ae", "mse", "original-2018").kl_2018_quirks is False
    assert preset_config("vae", "mse", "quick").kl_2018_quirks is False


def test_what_earlier_versions_called_seed_reads_as_the_2018_original():
    from engine.configs import config_from_dict, config_to_dict
    from engine.cppn.config import CPPNStyle
    from engine.deemoji.config import DeEmojiNet
    from engine.latent.cli import build_parser, config_from_args
    from engine.latent.config import AutoencoderConfig, Preset, Reduction

    assert Preset("seed") is Preset.ORIGINAL_2018 and Reduction("seed") is Reduction.ORIGINAL_2018
    assert DeEmojiNet("seed-2018") is DeEmojiNet.ORIGINAL_2018
    assert CPPNStyle("seed-2018") is CPPNStyle.ORIGINAL_2018
    with pytest.raises(ValueError):
        Preset("seed-2019")
    # a workspace of format 1: old values, and old keys set away from the fields' defaults
    old = config_to_dict(preset_config("vae", "mse", "original-2018"))
    old.update(preset="seed", reduction="seed", seed_kl_quirks=True)
    del old["kl_2018_quirks"]
    opened = config_from_dict(AutoencoderConfig, old)
    assert opened.preset is Preset.ORIGINAL_2018 and opened.reduction is Reduction.ORIGINAL_2018
    assert opened.kl_2018_quirks is True and AutoencoderConfig().kl_2018_quirks is False
    manual = config_to_dict(preset_config("ae", "bce", "quick", backprop="manual"))
    manual["seed_backprop_quirks"] = True
    assert config_from_dict(AutoencoderConfig, manual).backprop_2018_quirks is True
    # the command line's old spellings, each where it changes the preset's default
    args = build_parser().parse_args(["vae", "--preset", "seed", "--out", "x"])
    assert config_from_args(args).preset is Preset.ORIGINAL_2018
    args = build_parser().parse_args(["vae", "--seed-kl-quirks", "--out", "x"])
    assert config_from_args(args) == preset_config("vae", "bce", "quick", kl_2018_quirks=True)
    args = build_parser().parse_args(["ae", "--backprop", "manual", "--seed-backprop-quirks",
                                      "--out", "x"])
    assert config_from_args(args).backprop_2018_quirks is True


@pytest.mark.parametrize("value", [0.0, -1e-3, 1e4, float("nan")])
def test_an_absurd_learning_rate_is_refused_with_the_allowed_range(value):
    with pytest.raises(ValueError, match=r"learning_rate must be in \(0, 1000\]"):
        tiny(learning_rate=value)
    with pytest.raises(ValueError, match=r"learning rate must be in \(0, 1000\]"):
        RunControl().set_learning_rate(value)


def test_a_reused_trainer_trains_exactly_like_a_new_one(mnist):
    """The shell pool keeps compiled steps between runs; a reused trainer must start from the
    same weights, optimiser state and data order as a new one."""
    first = tiny("vae", epochs=1)
    second = tiny("vae", epochs=1, seed=11, learning_rate=2e-3)
    data_1, data_2 = (prepare_training_data(c, mnist) for c in (first, second))
    fresh = Run("latent", second)
    for update in run_loop(AutoencoderTrainer(second, data_2), live_snapshots=False):
        fresh.apply(update)
    trainer = AutoencoderTrainer.for_run(first, data_1)
    list(run_loop(trainer, live_snapshots=False))
    trainer.release()
    reused_trainer = AutoencoderTrainer.for_run(second, data_2)
    assert reused_trainer is trainer                  # the compiled steps were kept
    reused = Run("latent", second)
    for update in run_loop(reused_trainer, live_snapshots=False):
        reused.apply(update)
    np.testing.assert_array_equal(reused.column("loss"), fresh.column("loss"))
    np.testing.assert_array_equal(reused.latest().payload.latent, fresh.latest().payload.latent)
