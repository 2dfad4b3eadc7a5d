"""The de-emoji tab under Xvfb: training shows triplets and PSNR, and the run's network cleans
photos on the "Clean a photo" page (that page with the bundled network: test_deemoji_hand.py)."""

import numpy as np
import pytest
from PySide6 import QtCore


@pytest.fixture
def tab(window):
    """The de-emoji tab of the real window, in front; the window closes after the test."""
    window.tabs.setCurrentWidget(window.tab("deemoji"))
    return window.tab("deemoji")


def test_train_then_clean_a_photo_with_the_run(tab, qtbot, tmp_path):
    panel = tab.panel
    panel.net_box.setCurrentIndex(1)           # the 2018 network at a quarter width: quick
    panel.images_box.setValue(60)
    panel.epochs_box.setValue(1)
    panel.tensorboard.set_folder(str(tmp_path / "tb"))
    panel.tensorboard.box.setChecked(True)
    qtbot.mouseClick(tab.controls.start_button, QtCore.Qt.MouseButton.LeftButton)
    assert not tab.start()
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=120_000)
    assert tab.triplets.image.shape[-1] == 3 and tab.triplets.image.std() > 0.05
    tab.psnr_plot.redraw()
    tab.loss_plot.redraw()
    assert len(tab.psnr_plot.curve(tab.run, "psnr_inside")[1]) >= 2
    assert len(tab.loss_plot.curve(tab.run, "loss")[1]) == 6
    from engine.files.tensorboard_events import read_scalars

    log = read_scalars(tmp_path / "tb").curves          # the run's log, with its PSNRs
    ((loss_key, loss),) = [(k, c) for k, c in log.items() if k[1] == "loss"]
    np.testing.assert_allclose(loss.values, tab.run.column("loss"), rtol=1e-6)  # float32
    inside = log[(loss_key[0], "held_out/psnr_inside")]
    np.testing.assert_allclose(inside.values, tab.run.evaluations.column("psnr_inside"),
                               rtol=1e-6)

    # the run's network on the "Clean a photo" page
    hand = tab.hand
    hand.controls.network_box.setCurrentIndex(hand.controls.network_box.findData("run"))
    with qtbot.waitSignal(hand.sig_cleaned, timeout=60_000):
        hand.controls.network_box.activated.emit(hand.controls.network_box.currentIndex())
    assert not hand.result.has_finder        # the 2018 design repaints the photo
    assert [f.key for f in hand.result.fills] == ["network", "telea_true", "ns_true"]


def test_save_result_before_any_network_says_what_to_do(tab, tmp_path):
    tab.hand.controls.network_box.setCurrentIndex(
        tab.hand.controls.network_box.findData("run"))
    tab.hand.result = None
    assert not tab.hand.save_result(tmp_path / "r.png")
    assert "Nothing is cleaned" in tab.hand.controls.message.text()
    assert not (tmp_path / "r.png").exists()


def test_a_folder_source_without_a_folder_is_refused(tab):
    tab.panel.photos_box.setCurrentIndex(1)
    assert not tab.start()
    assert "needs a path" in tab.panel.message_label.text()


def test_choosing_a_folder_of_photos_asks_for_the_folder(tab, monkeypatch, tmp_path):
    from gui.widgets import file_dialogs

    asked = []
    monkeypatch.setattr(file_dialogs, "ask_path", lambda *a, **k: asked.append(k) or str(tmp_path))
    box = tab.panel.photos_box
    box.setCurrentIndex(1)
    box.activated.emit(1)
    assert asked == [{"folder": True}] and tab.panel.photo_path == str(tmp_path)
    assert tab.panel.config().photo_path == str(tmp_path)
