"""Plots of the thermal stage: cycle temperatures and the continuous / 30-s envelopes on the
efficiency map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from motoropt.plots.maps import EFF_LEVELS, _plt


def plot_cycle_temperatures(ev, outdir) -> list:
    """One PNG per cycle: winding hotspot and magnet temperature vs time, with the motor speed."""
    plt = _plt()
    paths = []
    for name, arrs in ev.thermal.cycle_arrays.items():
        if "T_winding_c" not in arrs or name not in ev.cycles:
            continue
        c = ev.cycles[name]
        t = np.cumsum(c.dt_s)
        fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
        ax.plot(t, arrs["T_winding_c"], "r-", label="winding hotspot")
        rotor = "T_rotor_c" in arrs
        ax.plot(t, arrs["T_rotor_c" if rotor else "T_magnet_c"], "b-", label="rotor (cage)" if rotor else "magnets")
        ax.axhline(ev.kpis.get("winding_limit_c", np.nan), color="r", ls=":", lw=1, label="winding limit")
        ax.axhline(ev.kpis.get("rotor_limit_c" if rotor else "magnet_limit_c", np.nan), color="b", ls=":", lw=1,
                   label="rotor limit" if rotor else "magnet limit")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("temperature (degC)")
        ax2 = ax.twinx()
        ax2.plot(t, c.speed_rpm, color="0.6", lw=0.6)
        ax2.set_ylabel("motor speed (rpm)", color="0.4")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"{ev.design.name}: {name} temperatures (coupled LPTN)")
        fig.tight_layout()
        p = Path(outdir) / f"thermal_{name}.png"
        fig.savefig(p)
        plt.close(fig)
        paths.append(p)
    return paths


def plot_continuous_envelope(ev, outdir) -> list:
    """Efficiency map (as motoropt.plots.maps) with the continuous and 30-s torque envelopes drawn."""
    plt = _plt()
    m = ev.emap
    S, T = np.meshgrid(m.speed_rpm, m.torque_nm)
    e = np.where(np.isfinite(m.efficiency), m.efficiency * 100.0, np.nan)
    fig, ax = plt.subplots(figsize=(9, 6.5), dpi=110)
    cf = ax.contourf(S, T, e, levels=[0, 50, 60] + EFF_LEVELS + [100], cmap="viridis")
    cs = ax.contour(S, T, e, levels=EFF_LEVELS, colors="k", linewidths=0.6)
    ax.clabel(cs, fmt="%g %%", fontsize=7, inline=True)
    fig.colorbar(cf, ax=ax, label="motor efficiency (%)")
    ax.plot(m.envelope_speed_rpm, m.envelope_motoring_nm, "r-", lw=2, label="peak torque envelope")
    ax.plot(m.envelope_speed_rpm, -m.envelope_generating_nm, "r-", lw=2)
    sr = ev.thermal.series
    ax.plot(sr["continuous_speed_rpm"], sr["continuous_torque_nm"], "w--", lw=2.2, label="continuous (thermal)")
    if "pulse_torque_nm" in sr:
        ax.plot(sr["continuous_speed_rpm"], sr["pulse_torque_nm"], "m-.", lw=1.6,
                label=f"{ev.kpis.get('pulse_duration_s', 30):g} s pulse")
    ax.axhline(0, color="0.3", lw=0.5)
    ax.set_xlabel("speed (rpm)")
    ax.set_ylabel("torque (N m)")
    ax.set_title(f"{ev.design.name}: efficiency with continuous envelope")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    p = Path(outdir) / "efficiency_map_continuous.png"
    fig.savefig(p)
    plt.close(fig)
    return [p]
