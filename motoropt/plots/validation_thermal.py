"""PNG of the thermal validation against ORNL/TM-2005/33 (:mod:`motoropt.evaluation.validation_thermal`):
per coolant temperature, the three winding thermocouples (range and hottest), the energy-balance
bound of the mean winding temperature, and the model's hottest and mean winding temperature at each
comparison step, with the +-10 K band of the target around the hottest thermocouple."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from motoropt.evaluation.validation_thermal import TOL_K
from motoropt.plots.maps import _plt

_STYLE = {"as_shipped": ("0.6", "v"), "copper": ("tab:orange", "<"), "housing": ("tab:purple", ">"),
          "drip": ("tab:blue", "o")}


def thermal_comparison_png(comparisons, path) -> Path:
    """Write the comparison of ``comparisons`` (ThermalComparison per step, same points) to
    ``path``; returns the path."""
    plt = _plt()
    cmps = list(comparisons)
    ref = cmps[0].points
    x = np.arange(len(ref))
    fig, ax = plt.subplots(figsize=(12, 5.5), dpi=110)
    tc_max = np.array([p.T_tc_max_c for p in ref])
    for k, t in enumerate(tc_max):
        ax.fill_between([k - 0.4, k + 0.4], t - TOL_K, t + TOL_K, color="tab:green", alpha=0.12,
                        label="hottest TC +-10 K (target)" if k == 0 else None)
    for k, p in enumerate(ref):
        ax.plot([k, k], [p.T_tc_mean_c, p.T_tc_max_c], color="k", lw=1)
    ax.plot(x, tc_max, "k_", ms=18, mew=2, label="measured: hottest thermocouple")
    ax.plot(x, [p.T_tc_mean_c for p in ref], "k.", label="measured: thermocouple mean")
    ax.plot(x, [p.T_bound_c for p in ref], "kx", ms=8, label="energy bound of the mean winding temperature")
    n = len(cmps)
    for j, c in enumerate(cmps):
        col, mk = _STYLE.get(c.step, ("tab:red", "s"))
        dx = (j - (n - 1) / 2) * 0.12
        ax.plot(x + dx, [p.T_hot_c for p in c.points], mk, color=col, ms=7, label=f"model hottest: {c.step}")
        ax.plot(x + dx, [p.T_mean_c for p in c.points], mk, color=col, ms=7, mfc="none",
                label=f"model mean: {c.step}")
    ax.set_xticks(x, [f"coolant {p.coolant_c:.0f} degC\noil {p.T_oil_c:.0f} degC" for p in ref])
    ax.set_ylabel("winding temperature (degC)")
    ax.set_title("2004 Prius MG2, 900 rpm continuous load: model vs ORNL/TM-2005/33")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    p = Path(path)
    fig.savefig(p)
    plt.close(fig)
    return p
