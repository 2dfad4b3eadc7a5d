"""The only module that imports TensorFlow, and the place it is configured.

TensorFlow >= 2.20 wheels load ``_pywrap_tensorflow_internal`` with ``RTLD_GLOBAL``; its LLVM
symbols then win over the ones Mesa's llvmpipe/radeonsi driver links against, and the first GL
paint crashes (tensorflow/tensorflow#124205, #109933), whatever the import order. Hiding the module
that asks for the global flag makes TensorFlow load with ``RTLD_LOCAL``. It has to happen before the
first ``import tensorflow`` in the process, so ``main.py`` imports this module before it creates a
QApplication or any GL context. ``tests/test_gl_coexistence.py`` proves the crash comes back
without it.
"""

from __future__ import annotations

import os
import sys

from engine.allocator import tune_malloc

_GLOBAL_FLAGS_MODULE = "tensorflow.python.pywrap_dlopen_global_flags"
tune_malloc()  # before TensorFlow starts its threads: see engine/allocator.py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep oneDNN/CPU-feature banners off stderr
if os.environ.get("LATENT_LAB_TF_GLOBAL_FLAGS") != "1":  # "1" only to prove the crash in a test
    sys.modules[_GLOBAL_FLAGS_MODULE] = None  # type: ignore[assignment]

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")


def configure_threads(intra_op: int = 0, inter_op: int = 0) -> None:
    """Set TensorFlow's thread pools (0 lets TensorFlow pick); only effective before the first op."""
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    except RuntimeError:  # the runtime is already initialised; keep its pools
        pass


def loaded_with_local_symbols() -> bool:
    """True when TensorFlow was loaded without RTLD_GLOBAL (the GL-safe way)."""
    return sys.modules.get(_GLOBAL_FLAGS_MODULE, 0) is None


def fast_bfloat16(cpuinfo_path: str = "/proc/cpuinfo") -> bool:
    """True when this CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX); elsewhere oneDNN
    emulates it and bfloat16 runs slower than float32. Read from Linux's CPU flags; False on
    systems without them."""
    try:
        with open(cpuinfo_path, encoding="ascii", errors="replace") as f:
            flags = next((line.split(":", 1)[1].split() for line in f
                          if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def device_summary() -> str:
    """One line naming TensorFlow's version and the devices it will train on."""
    gpus = tf.config.list_physical_devices("GPU")
    where = f"{len(gpus)} GPU(s)" if gpus else "CPU"
    return f"TensorFlow {tf.__version__}, Keras {keras.__version__}, on {where}"


__all__ = ["tf", "keras", "configure_threads", "loaded_with_local_symbols", "fast_bfloat16",
           "device_summary"]
