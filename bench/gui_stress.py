"""Stress: start, stop, reset and close the window in the middle of heavy work, counting crashes,
errors and the longest freeze.

Each scenario runs in a child process under Xvfb, so a crash (a signal, an abort such as "QThread:
Destroyed while thread is still running") is counted from its exit status instead of ending the
bench. The child counts Python exceptions (in slots and threads, as the app's error dialog would
show them) and Qt warnings, and measures freezes with a 10 ms heartbeat timer in the GUI thread:
the longest gap between beats from the close request until the window is gone.

Scenarios: ``restarts`` (50 start/stop cycles, then 30 start/reset cycles with resident memory
before and after), ``close_original`` (the 2018 original AE and VAE training, closed 1 s after starting),
``close_original_deemoji`` (the same with de-emoji training too), ``close_deemoji``,
``close_cppn_render`` (width 256, depth 8, a 1024² canvas), ``close_export`` (an 8192² PNG
export), ``close_quick`` (10 windows closed mid-run, quick AE).

    python bench/gui_stress.py [--scenarios restarts,close_original,...] [--restarts 50]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

from _common import ROOT, print_result, private_settings, resident_mb

SCENARIOS = ("restarts", "close_original", "close_original_deemoji", "close_deemoji",
             "close_cppn_render", "close_export", "close_quick")


def parent(args) -> None:
    results, crashes, errors = {}, 0, 0
    for name in args.scenarios.split(","):
        start = time.perf_counter()
        child = subprocess.run([sys.executable, __file__, "--child", name,
                                "--restarts", str(args.restarts)],
                               capture_output=True, text=True, timeout=1800, cwd=ROOT)
        seconds = time.perf_counter() - start
        lines = [ln for ln in child.stdout.splitlines() if ln.startswith("CHILD ")]
        report = json.loads(lines[-1][6:]) if lines else {}
        crashed = child.returncode != 0 or not lines
        if crashed:
            cause = (signal.Signals(-child.returncode).name if child.returncode < 0
                     else f"exit {child.returncode}")
            print(f"{name}: CRASHED ({cause})\n{child.stderr[-1500:]}")
        crashes += crashed
        errors += report.get("errors", 0)
        report.update(seconds=round(seconds, 1), crashed=crashed)
        results[name] = report
        print(f"{name}: {json.dumps(report)}", flush=True)
    freezes = [r["longest_freeze_ms"] for r in results.values() if "longest_freeze_ms" in r]
    print_result({"scenarios": results, "crashes": crashes, "errors": errors,
                  "longest_freeze_ms": max(freezes, default=None)})


def child(name: str, restarts: int) -> None:
    import engine.tf_runtime  # noqa: F401  (TensorFlow before Qt: see engine/tf_runtime.py)
    from gui.virtual_display import start_virtual_display

    start_virtual_display()
    from PySide6 import QtCore

    from gui.app import make_application
    from gui.main_window import MainWindow

    private_settings()
    app = make_application([])
    problems: list[str] = []
    sys.excepthook = lambda t, e, tb: problems.append(f"{t.__name__}: {e}")

    def on_thread_error(hook):
        problems.append(f"thread {hook.exc_type.__name__}: {hook.exc_value}")

    import threading
    threading.excepthook = on_thread_error

    def on_qt_message(mode, _context, message):
        if mode in (QtCore.QtMsgType.QtWarningMsg, QtCore.QtMsgType.QtCriticalMsg,
                    QtCore.QtMsgType.QtFatalMsg) and "QThread" in message:
            problems.append(f"Qt: {message}")

    QtCore.qInstallMessageHandler(on_qt_message)
    beats: list[float] = []
    heartbeat = QtCore.QTimer()
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start(10)

    def wait_until(condition, timeout_s: float) -> bool:
        end = time.perf_counter() + timeout_s
        while not condition():
            if time.perf_counter() > end:
                return False
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
            time.sleep(0.005)
        return True

    def close_and_measure(window) -> dict:
        """Close now; the longest GUI-thread freeze until the window is gone, and the times."""
        closed = []
        window.sig_closed.connect(lambda: closed.append(time.perf_counter()))
        beats.clear()
        start = time.perf_counter()
        window.close()
        hidden = time.perf_counter()
        if not wait_until(lambda: bool(closed), 120):
            problems.append("the window did not finish closing within 120 s")
        wait_until(lambda: False, 0.1)
        gaps = [b - a for a, b in zip([start] + beats, beats + [time.perf_counter()])]
        return {"freeze_ms": round(max(gaps) * 1000, 1),
                "close_to_hidden_ms": round((hidden - start) * 1000, 1),
                "close_to_closed_s": round((closed[0] if closed else time.perf_counter()) - start, 2)}

    report: dict = {}
    if name == "restarts":
        window = MainWindow()
        window.show()
        tab = window.tab("autoencoder")
        tab.panel.epochs_box.setValue(50)
        for i in range(restarts):
            tab.start()
            if not wait_until(lambda: tab.run.step > 0, 60):
                problems.append(f"restart {i}: no step within 60 s")
            tab.stop()
            if not wait_until(lambda: tab.state in ("stopped", "finished", "failed"), 60):
                problems.append(f"restart {i}: not stopped within 60 s ({tab.state})")
        rss = [resident_mb()]
        for i in range(30):
            tab.start()
            wait_until(lambda: tab.run.step > 0, 60)
            run = tab.run
            tab.reset()                           # the run goes; the newest kept one is shown
            if tab.state != "idle" or run in tab.runs or tab.run is run:
                problems.append(f"reset {i}: the reset run is still there ({tab.state})")
            wait_until(lambda: not tab.controls.threads(), 60)
            wait_until(lambda: False, 0.3)        # late updates of the stopped run arrive here
            if tab.state != "idle" or run in tab.runs or tab.run is run:
                problems.append(f"reset {i}: a stopped run came back ({tab.state})")
        rss.append(resident_mb())
        report.update(restarts=restarts, resets=30, rss_before_resets_mb=round(rss[0]),
                      rss_after_resets_mb=round(rss[1]))
        report.update(close_and_measure(window))
    else:
        closes = []
        for i in range(10 if name == "close_quick" else 1):
            window = MainWindow()
            window.show()
            wait_until(window.isVisible, 10)
            heavy_work(name, window, wait_until)
            closes.append(close_and_measure(window))
        report["closes"] = closes
        report["longest_freeze_ms"] = max(c["freeze_ms"] for c in closes)
        report["longest_close_s"] = max(c["close_to_closed_s"] for c in closes)
    if name == "restarts":
        report["longest_freeze_ms"] = report["freeze_ms"]
    report["errors"] = len(problems)
    report["problems"] = problems[:10]
    print("CHILD " + json.dumps(report), flush=True)
    sys.stdout.flush()
    os._exit(0)  # the report is out; skip interpreter teardown (measured above, not here)


def heavy_work(name: str, window, wait_until) -> None:
    """Start the scenario's work and return once it is under way."""
    if name in ("close_original", "close_original_deemoji"):
        for tab in (window.tab("autoencoder"), window.tab("vae")):
            tab.panel.preset_box.setCurrentIndex(1)   # 2018 original
            tab.start()
        if name == "close_original_deemoji":
            window.tab("deemoji").start()
        wait_until(lambda: False, 1.0)
    elif name == "close_deemoji":
        window.tab("deemoji").panel.epochs_box.setValue(50)
        window.tab("deemoji").start()
        wait_until(lambda: window.tab("deemoji").run.step > 0, 120)
    elif name == "close_cppn_render":
        tab = window.tab("cppn")
        window.tabs.setCurrentWidget(tab)
        tab.view.resolution_box.setCurrentIndex(tab.view.resolution_box.count() - 1)
        tab.network.width_box.setValue(256)
        tab.network.depth_box.setValue(8)
        wait_until(lambda: tab.renderer.busy, 30)
        wait_until(lambda: False, 1.0)
    elif name == "close_export":
        tab = window.tab("cppn")
        tab.export.width_box.setValue(8192)
        tab.export.height_box.setValue(8192)
        tab.export_still(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"stress-{os.getpid()}.png"))
        wait_until(lambda: tab.export.progress.value() > 0, 60)
    elif name == "close_quick":
        tab = window.tab("autoencoder")
        tab.panel.epochs_box.setValue(50)
        tab.start()
        wait_until(lambda: tab.run.step > 0, 60)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--restarts", type=int, default=50)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.restarts)
    else:
        parent(args)


if __name__ == "__main__":
    main()
