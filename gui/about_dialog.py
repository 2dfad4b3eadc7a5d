"""Help → About: the version, and the credits and licences of everything Latent Lab ships.

The data credits are read from each ``resources/*/LICENSE.md``, so the text shipped beside the
files and the text shown in the app are one and the same.
"""

from __future__ import annotations

import re

from PySide6 import QtWidgets

from engine.about import APP_NAME, VERSION
from engine.files.resources import resources_dir
from engine.tf_runtime import device_summary

SOFTWARE = """## Software
- Qt and PySide6, The Qt Company: LGPL v3.
- TensorFlow and Keras, Google: Apache 2.0.
- pyqtgraph: MIT. PyOpenGL: BSD. NumPy: BSD. Pillow: MIT-CMU (HPND).
- Colour maps viridis, magma, inferno, plasma (Stéfan van der Walt, Nathaniel Smith, Eric
  Firing): CC0.
"""


def about_markdown() -> str:
    parts = [f"# {APP_NAME} {VERSION}",
             "Re-creates the four experiments of J. D. Seo's 2018 post \"Experiments with CPPNs, "
             "Variational/Vanilla Auto Encoders in Tensorflow\" and lets you watch them learn.",
             device_summary(), "## Data shipped with the app"]
    for licence in sorted(resources_dir().glob("*/LICENSE.md")):
        text = licence.read_text(encoding="utf-8")
        text = re.sub(r"^([^|\n].*)\n\|", r"\1\n\n|", text, flags=re.M)  # a table needs a blank line
        parts.append(text.replace("\n# ", "\n### ").replace("# ", "### ", 1))
    parts.append(SOFTWARE)
    return "\n\n".join(parts)


class AboutDialog(QtWidgets.QDialog):
    """A scrollable page of the version and every licence."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.resize(720, 640)
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(about_markdown())
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
