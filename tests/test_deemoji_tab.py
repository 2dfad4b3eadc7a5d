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
    tab.net_box.setCurrentIndex(1)           # the seed network at a quarter width: quick
    tab.images_box.setValue(60)
    tab.epochs_box.setValue(1)
    qtbot.mouseClick(tab.start_button, QtCore.Qt.MouseButton.LeftButton)
    assert not tab.start()
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=120_000)
    assert tab.triplets.image.shape[-1] == 3 and tab.triplets.image.std() > 0.05
    assert len(tab.psnr_plot.points.column("inside")) >= 2
    assert len(tab.loss_plot.points.column("total")) == 6

    before = tab.hand_image.copy()
    rows, cols = before.shape[:2]
    row, col = rows // 2, cols // 3
    tab.emoji_size.setValue(30)
    with qtbot.waitSignal(tab.applier.sig_done, timeout=30_000):
        click_pixel(qtbot, tab.hand_input, row, col)
    changed = np.abs(tab.hand_image - before).max(axis=-1) > 1e-3
    where = np.argwhere(changed)
    assert len(where)                                          # the emoji landed...
    assert where.min(0).tolist() >= [row - 15, col - 15]       # ...inside the 30-pixel box
    assert where.max(0).tolist() <= [row + 14, col + 14]       # centred on the clicked pixel
    assert abs(where.mean(0)[0] - row) < 6 and abs(where.mean(0)[1] - col) < 6
    assert tab.hand_output is not None and tab.hand_output.shape == tab.hand_image.shape


def test_save_result_before_training_says_what_to_do(tab, tmp_path):
    assert not tab.save_hand_result(tmp_path / "r.png")
    assert "Train" in tab.message_label.text()


def test_a_folder_source_without_a_folder_is_refused(tab):
    tab.photos_box.setCurrentIndex(1)
    assert not tab.start()
    assert "needs a path" in tab.message_label.text()


def test_a_new_run_releases_the_previous_runs_memory(tab, qtbot):
    tab.net_box.setCurrentIndex(1)
    tab.images_box.setValue(20)
    tab.epochs_box.setValue(1)
    tab.start()
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=120_000)
    first = tab.trainer
    assert first.model is not None and len(first.snapshots) > 0
    tab.start()  # a second run: the first one's network, data and compiled steps are let go
    qtbot.waitUntil(lambda: tab.trainer is not first, timeout=60_000)
    qtbot.waitUntil(lambda: not hasattr(first, "model"), timeout=10_000)
    assert not hasattr(first, "data") and first.snapshots == [] and len(first.loss_history) == 0
    qtbot.waitUntil(lambda: tab.state == "finished", timeout=120_000)
