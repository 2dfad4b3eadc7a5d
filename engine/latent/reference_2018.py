"""The 2018 run's logged losses (docs/original-2018.md, "Logged losses"): epoch means of the
per-batch cost, batch 10, summed."""

from __future__ import annotations

import numpy as np

from engine.latent.config import AutoencoderConfig, ModelKind, Preset, Reduction

LOGGED_EPOCHS = np.arange(0, 21, 2)
LOG_2018 = {
    ("ae", "bce"): (1821.450, 1608.880, 1565.155, 1533.478, 1509.163, 1487.054, 1471.532,
                    1456.650, 1446.438, 1436.907, 1428.190),
    ("ae", "mse"): (222.554, 184.807, 177.756, 173.167, 169.868, 167.046, 164.889, 162.969,
                    161.796, 160.258, 159.037),
    ("vae", "bce"): (1928.843, 1648.309, 1597.703, 1563.056, 1541.235, 1525.410, 1511.024,
                     1496.156, 1485.402, 1473.312, 1469.560),
    ("vae", "mse"): (261.059, 216.121, 209.636, 205.260, 199.841, 196.702, 192.787, 191.254,
                     188.762, 187.779, 185.313),
    ("vae", "kl"): (39.621, 98.066, 77.788, 53.436, 62.909, 57.628, 67.624, 73.968, 49.292,
                    33.230, 60.487),
}


def curve_2018(config: AutoencoderConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """(epoch midpoints, logged epoch-mean losses) when ``config`` computes what the 2018 code
    logged (the 2018 original preset, losses summed over the batch, and for the VAE its KL quirks); None
    otherwise, since any other setting would compare unlike with like."""
    as_2018 = (config.preset is Preset.ORIGINAL_2018 and config.reduction is Reduction.ORIGINAL_2018
               and config.beta == 1.0 and (config.kl_2018_quirks or config.kind is ModelKind.AE))
    values = LOG_2018.get((config.kind.value, config.loss.value))
    if values is None or not as_2018:
        return None
    return LOGGED_EPOCHS + 0.5, np.asarray(values)
