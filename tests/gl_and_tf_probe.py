"""Run as a script by test_gl_coexistence: paint a GL scatter and train a TF step in one process."""



import numpy as np  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

import engine.tf_runtime as runtime  # noqa: E402  (TF first, as main.py does)
from gui.latent.scatter import LatentScatterView  # noqa: E402

app = QtWidgets.QApplication([])
view = LatentScatterView()
view.set_points(np.random.default_rng(0).normal(size=(1000, 3)).astype(np.float32),
                np.arange(1000) % 10)
view.show()
frame = view.grab_frame()
tf = runtime.tf
w = tf.Variable(2.0)
with tf.GradientTape() as tape:
    loss = w * w
grad = float(tape.gradient(loss, w))
pixels = np.frombuffer(frame.constBits(), np.uint8)
print(f"local={runtime.loaded_with_local_symbols()} grad={grad} painted={(pixels != 255).sum()}")
