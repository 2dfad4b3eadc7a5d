"""The "Clean a photo" page under Xvfb with the bundled network: a press pastes an emoji that the
network finds, a drag brushes mask in or out (undo), the wipe view and the difference map show
what they claim, asking for fewer or more emoji moves the mask, the table scores the fills,
and a whole folder is cleaned with its report."""

import numpy as np
import pytest
from PIL import Image
from PySide6 import QtCore, QtGui

from engine.deemoji.cleaning import Eagerness
from engine.deemoji.masks import MaskEdit
from engine.deemoji.networks import bundled_network
from gui.deemoji.by_hand import HandPage
from gui.deemoji.hand_controls import Tool, View
from gui.widgets.wipe_view import WipeView

LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, shown):
    widget = shown(lambda: HandPage(bundled_network()), (1300, 800))
    qtbot.waitUntil(lambda: widget.result is not None, timeout=60_000)
    yield widget
    widget.request_stop()
    for thread in widget.threads():
        thread.wait()


def colour_at(widget, x, y) -> tuple[int, int, int]:
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    colour = image.pixelColor(int(x * ratio), int(y * ratio))
    return colour.red(), colour.green(), colour.blue()


def press_at(qtbot, view, row, col):
    qtbot.mouseClick(view, LEFT, pos=view.widget_point(row, col).toPoint())


def drag(qtbot, view, points):
    first = view.widget_point(*points[0]).toPoint()
    qtbot.mousePress(view, LEFT, pos=first)
    for point in points[1:]:
        pos = view.widget_point(*point).toPoint()
        event = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, QtCore.QPointF(pos),
                                  view.mapToGlobal(QtCore.QPointF(pos)), QtCore.Qt.MouseButton.NoButton,
                                  LEFT, QtCore.Qt.KeyboardModifier.NoModifier)
        QtCore.QCoreApplication.sendEvent(view, event)
    qtbot.mouseRelease(view, LEFT, pos=view.widget_point(*points[-1]).toPoint())


def test_the_wipe_view_shows_before_left_of_the_line_and_after_right_of_it(qtbot, shown):
    view = shown(WipeView, (400, 320))
    view.set_pictures(np.zeros((80, 100, 3)), np.ones((80, 100, 3)))
    view.set_split(0.25)
    rect = view.picture_rect()
    y = rect.center().y()
    assert colour_at(view, view.split_x() - 10, y) == (0, 0, 0)
    assert colour_at(view, view.split_x() + 10, y) == (255, 255, 255)
    assert colour_at(view, rect.right() - 5, y) == (255, 255, 255)
    # drag the line to three quarters: what is left of it turns "before"
    start = QtCore.QPoint(round(view.split_x()), round(y))
    target = QtCore.QPoint(round(rect.left() + 0.75 * rect.width()), round(y))
    qtbot.mousePress(view, LEFT, pos=start)
    move = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, QtCore.QPointF(target),
                             view.mapToGlobal(QtCore.QPointF(target)),
                             QtCore.Qt.MouseButton.NoButton, LEFT,
                             QtCore.Qt.KeyboardModifier.NoModifier)
    QtCore.QCoreApplication.sendEvent(view, move)
    qtbot.mouseRelease(view, LEFT, pos=target)
    assert view.split == pytest.approx(0.75, abs=0.02)
    assert colour_at(view, rect.left() + 0.6 * rect.width(), y) == (0, 0, 0)
    assert colour_at(view, rect.left() + 0.9 * rect.width(), y) == (255, 255, 255)
    # a press away from the line reports the picture's pixel under it
    with qtbot.waitSignal(view.sig_pressed) as pressed:
        qtbot.mouseClick(view, LEFT, pos=view.widget_point(20, 10).toPoint())
    assert abs(pressed.args[0] - 20.5) < 1.5 and abs(pressed.args[1] - 10.5) < 1.5


def test_a_clean_held_out_photo_is_left_alone(page):
    fill = page.result.fills[0]
    assert fill.key == "network" and fill.scores["psnr_outside"] >= 40
    assert page.result.face_sized == 0 and page.controls.invented.text() == ""
    page.controls.view_box.setCurrentIndex(page.controls.view_box.findData(View.CHANGED))
    view = page.view
    after = view._after.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    pixels = np.frombuffer(after.constBits(), np.uint8).reshape(after.height(), -1)
    assert pixels[:, :after.width() * 3].mean() < 1.0     # the difference map: (nearly) black


def test_a_press_pastes_an_emoji_the_network_finds_and_fills(page, qtbot):
    page.controls.emoji_size.setValue(80)
    before = page.edits.image.copy()
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        press_at(qtbot, page.view, 200, 600)
    changed = np.argwhere(np.abs(page.edits.image - before).max(axis=-1) > 1e-3)
    assert changed.min(0).tolist() >= [160, 560] and changed.max(0).tolist() <= [239, 639]
    truth = page.edits.alpha > 0.5
    assert (page.result.mask & truth).sum() / truth.sum() > 0.9
    assert page.table.rowCount() == 5 and "dB" in page.table.text("telea_true", 0)
    scores = {f.key: f.scores for f in page.result.fills}
    assert scores["network"]["psnr_inside"] > 15 and scores["network"]["psnr_outside"] >= 40
    assert page.result.face_sized == 1 and "does not recover a face" in \
        page.controls.invented.text()          # an 80-pixel emoji could have hidden a face
    # the wipe view shows the network's fill right of the line
    shown = page.view._after.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    pixels = np.frombuffer(shown.constBits(), np.uint8).reshape(shown.height(), -1)
    expected = (np.clip(page.result.fills[0].output, 0, 1) * 255 + 0.5).astype(np.uint8)
    assert np.array_equal(pixels[:, :shown.width() * 3].reshape(expected.shape), expected)


def test_emoji_are_listed_by_name_and_the_one_named_is_pasted(page, qtbot):
    box = page.controls.emoji_box
    names = [box.itemText(i) for i in range(box.count())]
    assert len(names) == len(page.emoji) and {"four leaf clover", "soccer ball"} <= set(names)
    box.setCurrentIndex(names.index("four leaf clover"))
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        press_at(qtbot, page.view, 200, 600)
    red, green, blue = page.edits.image[page.edits.alpha > 0.99].mean(axis=0)
    assert green > red + 0.15 and green > blue + 0.15                   # the clover is green


def test_brushing_adds_mask_only_where_painted_then_erasing_and_undo(page, qtbot):
    photo = page.edits.photo
    found = page.result.mask.copy()          # what the network marked by itself, if anything
    page.controls.tool_buttons[Tool.ADD].setChecked(True)
    page.controls.brush_radius.setValue(8)
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        drag(qtbot, page.view, [(100, 100), (100, 160), (130, 160)])
    mask = page.result.mask
    assert mask[100, 100:160].all() and mask[100:130, 160].all()
    added = mask & ~found
    assert not added[:90, :].any() and not added[140:, :].any() and not added[:, 170:].any()
    assert np.array_equal(mask[300:, :], found[300:, :])
    output = page.result.fills[0].output
    assert not (np.abs(output - photo).max(axis=-1) > 0)[~mask].any()
    assert (np.abs(output - photo).max(axis=-1) > 0)[added].any()
    page.controls.tool_buttons[Tool.ERASE].setChecked(True)
    page.controls.brush_radius.setValue(200)  # one stroke over the whole photo
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        drag(qtbot, page.view, [(150, 100), (150, 700), (360, 700), (360, 100)])
    assert not page.result.mask.any()
    assert np.array_equal(page.result.fills[0].output, photo)
    page.activateWindow()
    qtbot.waitActive(page)
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        qtbot.keyClick(page.windowHandle(), QtCore.Qt.Key.Key_Z,   # as the window system would
                       QtCore.Qt.KeyboardModifier.ControlModifier)
    assert page.result.mask[100, 100:160].all()       # the erase undone; the added stroke back
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        page.controls.undo_button.click()
    assert np.array_equal(page.result.mask, found)


def overlay_count(view) -> int:
    """How many pixels the view tints red."""
    overlay = view._overlay.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    pixels = np.frombuffer(overlay.constBits(), np.uint8).reshape(overlay.height(), -1, 4)
    return int((pixels[:, :overlay.width(), 3] > 0).sum())


def test_asking_for_more_emoji_widens_the_red_mask_and_the_fill_follows(page, qtbot):
    photos = page.controls.photo_box
    chosen = photos.findText("kodim03 (held out)")      # caps the networks are unsure of
    assert chosen >= 0
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        photos.setCurrentIndex(chosen)
        photos.activated.emit(chosen)                    # as a pick from the list does
    usual = page.result.mask.copy()
    box = page.controls.eagerness_box
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        box.setCurrentIndex(box.findData(Eagerness.MORE.value))
    more = page.result.mask
    assert more.sum() > usual.sum() and not (usual & ~more).any()
    assert overlay_count(page.view) == more.sum()
    changed = np.abs(page.result.fills[0].output - page.edits.image).max(axis=-1) > 0
    assert changed[more & ~usual].any() and not changed[~more].any()
    assert page.folder.eagerness() is Eagerness.MORE         # whole folders decide the same way
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        box.setCurrentIndex(box.findData(Eagerness.USUAL.value))
    assert np.array_equal(page.result.mask, usual)


def test_the_shown_fill_is_saved_at_full_size(page, qtbot, tmp_path):
    page.table.selectRow(1)                  # Telea with the network's mask
    assert page.chosen_fill == "telea_predicted"
    assert page.save_result(tmp_path / "clean")
    saved = np.asarray(Image.open(tmp_path / "clean.png"))
    expected = page.result.fills[1].output
    assert saved.shape == expected.shape
    assert np.abs(saved / 255.0 - expected).max() <= 0.5 / 255 + 1e-6


def test_a_folder_is_cleaned_from_the_page_with_its_report(page, qtbot, tmp_path):
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    picture = Image.fromarray((page.edits.photo[:160, :200] * 255).astype(np.uint8))
    picture.save(source / "one.jpg")
    picture.save(source / "two.png")
    (source / "cut.jpg").write_bytes((source / "one.jpg").read_bytes()[:200])
    (source / "readme.txt").write_text("hello")
    folder = page.folder
    folder.start(source, target)
    assert not folder.start_button.isEnabled() and folder.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: folder.report is not None, timeout=120_000)
    assert sorted(p.name for p in target.iterdir()) == ["one-clean.png", "two-clean.png"]
    text = folder.note.text()
    assert "2 photo(s) cleaned" in text and "2 skipped" in text and "cut.jpg" in text and \
        "readme.txt" in text
    assert folder.progress.value() == 100
    qtbot.waitUntil(lambda: folder.start_button.isEnabled())


def test_the_mask_box_grows_imports_and_exports_and_folders_follow_it(page, qtbot, tmp_path):
    panel, photo = page.mask_panel, page.edits.photo
    rows, cols = photo.shape[:2]
    yy, xx = np.ogrid[:rows, :cols]
    mine = (yy - rows // 2) ** 2 + (xx - cols // 3) ** 2 <= 30 ** 2
    Image.fromarray((mine * 255).astype(np.uint8)).save(tmp_path / "mine.png")
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        assert panel.import_mask(tmp_path / "mine.png", (rows, cols))
    np.testing.assert_array_equal(page.result.mask, mine)            # mine, not the network's
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        panel.grow_box.setValue(5)
    grown = MaskEdit(grow=5).applied(mine)
    wider = (yy - rows // 2) ** 2 + (xx - cols // 3) ** 2 <= 35 ** 2
    assert (grown != wider).sum() < 0.01 * wider.sum()                # 5 pixels all round
    np.testing.assert_array_equal(page.result.mask, grown)
    output = page.result.fills[0].output
    assert (output[~grown] == page.edits.image[~grown]).all()         # nothing outside it moves
    assert (output[grown] != page.edits.image[grown]).any()
    assert panel.export_mask(page.result.mask, tmp_path / "decided")
    saved = np.asarray(Image.open(tmp_path / "decided.png")) > 127
    np.testing.assert_array_equal(saved, grown)
    # a folder with the imported mask for every photo, masks only: the grown mask is written
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    Image.fromarray((photo * 255).astype(np.uint8)).save(source / "one.png")
    page.folder.mask_source.setCurrentIndex(2)
    page.folder.masks_only.setChecked(True)
    page.folder.start(source, target)
    qtbot.waitUntil(lambda: page.folder.report is not None, timeout=120_000)
    assert [p.name for p in target.iterdir()] == ["one-mask.png"]
    np.testing.assert_array_equal(np.asarray(Image.open(target / "one-mask.png")) > 127, grown)
    with qtbot.waitSignal(page.sig_cleaned, timeout=60_000):
        panel.drop_button.click()                                     # the network's again
    assert not np.array_equal(page.result.mask, grown)
