"""Stress: start, stop and restart training 50 times through the GUI, then close the window in
the middle of a run 10 times; counts crashes (the script dies), errors and threads left over.

    python bench/gui_stress.py [--restarts 50] [--closes 10]
"""

from __future__ import annotations

import argparse
import threading
import time

from _common import print_result  # also puts the project on sys.path
import engine.tf_runtime  # noqa: F401  (TensorFlow before Qt: see engine/tf_runtime.py)

from gui.virtual_display import start_virtual_display


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=50)
    parser.add_argument("--closes", type=int, default=10)
    args = parser.parse_args()
    start_virtual_display()
    from PySide6 import QtCore

    from gui.app import make_application
    from gui.main_window import MainWindow

    app = make_application([])

    def wait_until(condition, timeout_s: float) -> bool:
        end = time.perf_counter() + timeout_s
        while not condition():
            if time.perf_counter() > end:
                return False
            loop = QtCore.QEventLoop()
            QtCore.QTimer.singleShot(10, loop.quit)
            loop.exec()
        return True

    errors = []
    start = time.perf_counter()
    window = MainWindow()
    window.show()
    tab = window.autoencoder_tab
    tab.epochs_box.setValue(50)
    for i in range(args.restarts):
        if not tab.start():
            errors.append(f"restart {i}: Start refused ({tab.message_label.text()})")
            continue
        if not wait_until(lambda: tab.trainer is not None and tab.trainer.step > 0, 60):
            errors.append(f"restart {i}: no training step within 60 s")
        tab.stop()
        if not wait_until(lambda: tab.state in ("stopped", "finished", "failed"), 60):
            errors.append(f"restart {i}: did not stop within 60 s (state {tab.state})")
    print(f"{args.restarts} start/stop cycles in {time.perf_counter() - start:.0f} s")
    window.close()
    threads = []
    for i in range(args.closes):
        window = MainWindow()
        window.show()
        tab = (window.autoencoder_tab, window.vae_tab, window.deemoji_tab)[i % 3]
        window.tabs.setCurrentWidget(tab)
        tab.epochs_box.setValue(50)
        tab.start()
        if not wait_until(lambda: tab.trainer is not None and tab.trainer.step > 0, 120):
            errors.append(f"close {i}: no training step within 120 s")
        worker = tab.worker
        window.close()
        if worker.isRunning():
            errors.append(f"close {i}: the training thread outlived the window")
        wait_until(lambda: False, 0.2)  # let the deferred deletes run
        threads.append(threading.active_count())
    print(f"{args.closes} windows closed mid-run; Python threads after each: {threads}")
    for line in errors:
        print("error:", line)
    print_result({"restarts": args.restarts, "closes": args.closes, "errors": len(errors),
                  "crashes": 0, "python_threads_at_end": threading.active_count(),
                  "seconds": round(time.perf_counter() - start)})


if __name__ == "__main__":
    main()
