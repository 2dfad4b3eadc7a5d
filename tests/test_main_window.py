"""The window as a whole: its four tabs, and the About page crediting everything shipped."""

from gui.app import make_application
from gui.main_window import TAB_TITLES, MainWindow


def test_about_credits_every_bundled_dataset(qtbot):
    make_application()
    window = MainWindow()
    qtbot.addWidget(window)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == list(TAB_TITLES)
    dialog = window.show_about()
    text = dialog.browser.toPlainText()
    for credit in ("Twemoji", "CC-BY 4.0", "Kodak", "MNIST", "Creative Commons Attribution-Share "
                   "Alike 3.0", "Zalando", "LGPL", "Apache 2.0"):
        assert credit in text, credit
    dialog.close()
    window.close()
