"""Soak: live training in one tab for a long time (30 minutes by default, run by hand) under
Xvfb + Mesa, reporting the process's resident memory every minute.

``--tab autoencoder`` (the default): the quick AE trains with the live scatter, reconstructions
and loss curves on screen. ``--tab deemoji``: the improved de-emoji network trains with its live
triplets and PSNR plot. One long run by default; with a small ``--epochs`` a new run starts
whenever one finishes, which soaks run ends and fresh starts too (every run is kept, as the tab
keeps them). Growth is measured from the sample at the end of ``--warmup-min`` to the largest
sample after it.

    python bench/gui_soak.py [--tab autoencoder|deemoji] [--minutes 30] [--warmup-min 3]
"""

from __future__ import annotations

import argparse
import time

from _common import print_result, private_settings, resident_mb

import engine.tf_runtime  # noqa: F401  (TensorFlow before Qt: see engine/tf_runtime.py)
from gui.virtual_display import start_virtual_display


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warmup-min", type=float, default=3)
    parser.add_argument("--tab", choices=("autoencoder", "deemoji"), default="autoencoder")
    parser.add_argument("--epochs", type=int, default=1000, help="epochs per run")
    parser.add_argument("--sample-s", type=float, default=60)
    args = parser.parse_args()
    start_virtual_display()
    from PySide6 import QtCore

    from gui.app import make_application
    from gui.main_window import MainWindow

    private_settings()
    app = make_application([])
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    tab = window.tab("autoencoder") if args.tab == "autoencoder" else window.tab("deemoji")
    window.tabs.setCurrentWidget(tab)
    tab.panel.epochs_box.setValue(args.epochs)
    start = time.perf_counter()
    samples: list[tuple[float, float]] = []
    runs = [0]
    steps_done = [0]

    def restart_if_done() -> None:
        if tab.state in ("idle", "finished", "stopped", "failed") and not tab.controls.is_running():
            if tab.run is not None:
                steps_done[0] += tab.run.step
            if tab.start():
                runs[0] += 1

    def sample() -> None:
        minute = (time.perf_counter() - start) / 60
        samples.append((minute, resident_mb()))
        step = steps_done[0] + (tab.run.step if tab.run is not None else 0)
        print(f"{minute:6.1f} min  RSS {samples[-1][1]:7.1f} MB  run {runs[0]}  "
              f"steps {step}", flush=True)

    watcher = QtCore.QTimer()
    watcher.timeout.connect(restart_if_done)
    watcher.start(500)
    sampler = QtCore.QTimer()
    sampler.timeout.connect(sample)
    sampler.start(int(args.sample_s * 1000))
    def finish() -> None:
        watcher.stop()
        sampler.stop()
        sample()
        window.sig_closed.connect(app.quit)   # once every thread of the window has ended
        window.close()

    QtCore.QTimer.singleShot(int(args.minutes * 60_000), finish)
    restart_if_done()
    sample()
    app.exec()

    after = [mb for minute, mb in samples if minute >= args.warmup_min]
    base = after[0] if after else samples[-1][1]
    growth = max(after, default=base) - base
    print(f"resident memory after {args.warmup_min:g} min warm-up: {base:.0f} MB; "
          f"largest growth after it: {growth:.1f} MB over {samples[-1][0]:.0f} min, {runs[0]} runs")
    print_result({"tab": args.tab, "minutes": round(samples[-1][0], 1),
                  "warmup_min": args.warmup_min,
                  "rss_after_warmup_mb": round(base, 1), "rss_growth_mb": round(growth, 1),
                  "rss_max_mb": round(max(mb for _, mb in samples), 1), "runs": runs[0],
                  "rss_per_minute_mb": [round(mb, 1) for _, mb in samples]})


if __name__ == "__main__":
    main()
