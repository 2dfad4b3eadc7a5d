"""The de-emoji tab under Xvfb: training shows triplets and PSNR; a click on the by-hand photo
pastes the emoji centred on the clicked pixel and the network's output appears beside it."""

import numpy as np
import pytest
from PySide6 import QtCore

from gui.app import make_application
from gui.deemoji.tab import DeEmojiTab


@pytest.fixture
def tab(qtbot):
    make_application()
    widget = DeEmojiTab()
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def click_pixel(qtbot, panel, row, col):
    scene = panel._item.mapToScene(QtCore.QPointF(col + 0.5, row + 0.5))
    qtbot.mouseClick(panel.viewport(), QtCore.Qt.MouseButton.LeftButton,
                     pos=panel.mapFromScene(scene))


def test_train_then_click_to_paste_and_see_the_output(tab, qtbot):
    panel = tab.panel
    panel.net_box.setCurrentIndex(1)           # the seed network at a quarter width: quick
    panel.images_box.setValue(60)
    panel.epochs_box.setValue(1)
    qtbot.mouseClick(tab.controls.start_button, QtCore.Qt.MouseButton.LeftButton)
    assert not tab.start()
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=120_000)
    assert tab.triplets.image.shape[-1] == 3 and tab.triplets.image.std() > 0.05
    tab.psnr_plot.redraw()
    tab.loss_plot.redraw()
    assert len(tab.psnr_plot.curve(tab.run, "psnr_inside")[1]) >= 2
    assert len(tab.loss_plot.curve(tab.run, "loss")[1]) == 6

    hand = tab.by_hand
    before = hand.image.copy()
    rows, cols = before.shape[:2]
    row, col = rows // 2, cols // 3
    hand.emoji_size.setValue(30)
    with qtbot.waitSignal(tab.applier.sig_done, timeout=30_000):
        click_pixel(qtbot, hand.input_view, row, col)
    changed = np.abs(hand.image - before).max(axis=-1) > 1e-3
    where = np.argwhere(changed)
    assert len(where)                                          # the emoji landed...
    assert where.min(0).tolist() >= [row - 15, col - 15]       # ...inside the 30-pixel box
    assert where.max(0).tolist() <= [row + 14, col + 14]       # centred on the clicked pixel
    assert abs(where.mean(0)[0] - row) < 6 and abs(where.mean(0)[1] - col) < 6
    assert hand.output is not None and hand.output.shape == hand.image.shape
    runner = tab.replicas.with_weights(tab.run.config, tab.run.latest().weights)
    np.testing.assert_allclose(hand.output, runner.clean_up(hand.image[None])[0], atol=1e-3)
    assert np.array_equal(hand.output_view.image, hand.output)     # what is drawn is the answer


def test_save_result_before_training_says_what_to_do(tab, tmp_path):
    assert not tab.by_hand.save_result(tmp_path / "r.png")
    assert "Train" in tab.panel.message_label.text()


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
