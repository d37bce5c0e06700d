"""Flux maps: the common currency between machine models and the drive/loss/map/cycle pipeline.

Both the analytic magnetic-circuit model (:mod:`motoropt.magnetics.analytic`) and the finite-element
path produce a :class:`FluxMap`; control, losses, efficiency maps and cycles consume only this.

Conventions (used everywhere in motoropt):
- amplitude-invariant Park transform: the peak phase current is ``hypot(i_d, i_q)``; the peak phase
  voltage is ``hypot(v_d, v_q)`` with ``v_d = R i_d - w psi_q`` and ``v_q = R i_q + w psi_d``
  (w = electrical angular speed, rad/s); line-to-line rms voltage is ``sqrt(3/2) * V_peak``.
- electromagnetic torque ``T = 1.5 p (psi_d i_q - psi_q i_d)`` (N m); generating means ``i_q < 0``.
- the d axis is the magnet axis, so ``psi_d(0, 0) = psi_PM > 0`` and field weakening is ``i_d < 0``.
- maps are stored for ``i_q >= 0`` only; odd symmetry gives the rest:
  ``psi_d(i_d, -i_q) = psi_d(i_d, i_q)``, ``psi_q(i_d, -i_q) = -psi_q(i_d, i_q)``, the iron flux
  densities are even in ``i_q``, and torque is odd.

Also here:
1. :func:`linear_fluxmap` builds a FluxMap from the textbook linear PMSM model
   ``psi_d = psi_f + L_d i_d``, ``psi_q = L_q i_q`` (optionally with a simple self-saturation,
   see its docstring). It needs no geometry, so control, losses and efficiency maps can be tested
   against closed-form results, and a user can study a machine known only by (psi_f, L_d, L_q, p).
2. :func:`fluxmap_arrays` + :func:`interp_flux` / :func:`interp_bilinear`: bilinear interpolation on
   a FluxMap with the odd symmetry in ``i_q`` (maps are stored for ``i_q >= 0`` only), used by
   :mod:`motoropt.drive.losses` and :mod:`motoropt.drive.control` inside their kernels.

Interpolation is bilinear on the stored grid and extrapolates linearly from the edge cell outside it;
callers keep the search inside the map (``drive`` never leaves it). For the linear model, psi_d, psi_q
and torque are bilinear in (i_d, i_q), so interpolation reproduces them exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from motoropt.errors import InputError
from motoropt.jit import njit


def _ascending(x) -> bool:
    """Whether no step of the axis ``x`` falls or stays level (x[k + 1] <= x[k])."""
    x = np.asarray(x)
    return not (x[1:] <= x[:-1]).any()


@dataclass(frozen=True)
class FluxMap:
    """psi_d(i_d, i_q), psi_q(i_d, i_q), torque and iron flux densities on a rectangular grid.

    Attributes (SI units, peak phase quantities):
        i_d: (n_d,) d-axis currents, A, strictly ascending (typically -I_max .. +small).
        i_q: (n_q,) q-axis currents, A, strictly ascending from 0.
        psi_d, psi_q: (n_d, n_q) flux linkages, Wb.
        torque: (n_d, n_q) mean electromagnetic torque, N m.
        B_iron: (n_regions, n_d, n_q) peak fundamental flux density in each iron region, T
            (what the iron-loss model needs; the electrical frequency is applied later).
        regions: names of the iron regions, in the order of ``B_iron`` (e.g. "stator_teeth",
            "stator_yoke", "rotor_core").
        pole_pairs: p.
        T_magnet_c: magnet temperature the map was computed at, degC.
        source: "analytic" or "fea".
        loss_terms: optional (n_loss_regions, 3, n_d, n_q) harmonic-complete iron-loss sums per kg of
            each region from field waveforms (FEA): S_h = sum_n n B_n^2, S_c = sum_n n^2 B_n^2 (T^2),
            S_e = sum_n (n B_n)^1.5 (T^1.5), n the harmonic order in units of the electrical frequency;
            even in i_q. With them, :mod:`motoropt.drive.losses` takes the iron loss from these
            instead of B_iron (which then only scales the PWM harmonic iron loss).
        loss_regions: names of the loss_terms regions; loss_region_mass: their masses, kg.
        magnet_loss: optional (n_d, n_q) magnet eddy loss / f_e^2 under load from field waveforms,
            W/Hz^2 (even in i_q).
        magnet_pwm: optional (3, n_d, n_q) magnet eddy loss per ripple-current rate, W/(A/s)^2:
            M_dd, M_dq, M_qq (M_dq odd in i_q) (see :mod:`motoropt.drive.losses`).
    """

    i_d: np.ndarray
    i_q: np.ndarray
    psi_d: np.ndarray
    psi_q: np.ndarray
    torque: np.ndarray
    B_iron: np.ndarray
    regions: tuple
    pole_pairs: int
    T_magnet_c: float
    source: str = "analytic"
    loss_terms: np.ndarray | None = None
    loss_regions: tuple = ()
    loss_region_mass: tuple = ()
    magnet_loss: np.ndarray | None = None
    magnet_pwm: np.ndarray | None = None

    def __post_init__(self):
        n_d, n_q = len(self.i_d), len(self.i_q)
        for name in ("psi_d", "psi_q", "torque"):
            if getattr(self, name).shape != (n_d, n_q):
                raise ValueError(f"FluxMap.{name} has shape {getattr(self, name).shape}, expected {(n_d, n_q)}")
        if self.B_iron.shape != (len(self.regions), n_d, n_q):
            raise ValueError("FluxMap.B_iron must have shape (len(regions), n_d, n_q)")
        if not (_ascending(self.i_d) and _ascending(self.i_q)) or self.i_q[0] != 0.0:
            raise ValueError("FluxMap axes must be strictly ascending and i_q must start at 0")
        if self.loss_terms is not None:
            nl = len(self.loss_regions)
            if self.loss_terms.shape != (nl, 3, n_d, n_q) or len(self.loss_region_mass) != nl:
                raise ValueError("FluxMap.loss_terms must have shape (len(loss_regions), 3, n_d, n_q) "
                                 "and loss_region_mass one mass per loss region")
        if self.magnet_loss is not None and self.magnet_loss.shape != (n_d, n_q):
            raise ValueError("FluxMap.magnet_loss must have shape (n_d, n_q)")
        if self.magnet_pwm is not None and self.magnet_pwm.shape != (3, n_d, n_q):
            raise ValueError("FluxMap.magnet_pwm must have shape (3, n_d, n_q)")

    @functools.cached_property
    def psi_pm(self) -> float:
        """Open-circuit flux linkage psi_d(0, 0), Wb (interpolated along i_d at i_q = 0; computed once
        per map: its arrays are not to be changed)."""
        return float(np.interp(0.0, self.i_d, self.psi_d[:, 0]))

    @property
    def i_max(self) -> float:
        """Largest current amplitude the map covers along both axes, A."""
        return float(min(-self.i_d[0], self.i_q[-1]))

def linear_fluxmap(
    psi_f: float,
    L_d: float,
    L_q: float,
    p: int,
    i_max: float,
    n: int = 41,
    *,
    i_d_min: float | None = None,
    i_d_pos_frac: float = 0.2,
    sat_d: float = 0.0,
    sat_q: float = 0.0,
    regions: tuple = ("stator_teeth", "stator_yoke"),
    B_at_psi_f: tuple = (1.6, 1.4),
    T_magnet_c: float = 20.0,
) -> FluxMap:
    """FluxMap of a linear (optionally self-saturating) PMSM, from closed-form expressions.

    Model (peak phase quantities, amplitude-invariant dq, SI units):
        psi_d = psi_f + L_d i_d / (1 + sat_d |i_d| / i_max)      [Wb]
        psi_q =         L_q i_q / (1 + sat_q |i_q| / i_max)      [Wb]
        T     = 1.5 p (psi_d i_q - psi_q i_d)                     [N m]
    ``sat_d = sat_q = 0`` is the classical linear machine. The saturation form is a stated toy
    (incremental inductance falls from L to L/(1+sat)^2 at i_max; no cross-saturation); it keeps
    psi monotone in its own current, which is all the control needs.

    Iron flux densities: every region's peak fundamental B is taken proportional to the air-gap flux
    linkage magnitude, ``B_r = B_at_psi_f[r] * hypot(psi_d, psi_q) / psi_f`` [T] (teeth and yoke
    carry the air-gap flux; stated assumption, adequate for tests and quick studies).

    Grid: i_d from ``i_d_min`` (default -i_max) to 0 with ``n`` points, continued with the same
    spacing up to ``+i_d_pos_frac * i_max``; i_q from 0 to i_max with ``n`` points.

    Args:
        psi_f: magnet flux linkage, Wb (> 0). L_d, L_q: H (> 0). p: pole pairs. i_max: A peak.
        n: points per axis (>= 3). regions/B_at_psi_f: iron-region names and their B at psi_f, T.
    """
    for field, value in (("psi_f", psi_f), ("L_d", L_d), ("L_q", L_q), ("i_max", i_max)):
        if not (np.isfinite(value) and value > 0):
            raise InputError(f"linear_fluxmap.{field}", value, "> 0")
    if int(p) != p or p < 1:
        raise InputError("linear_fluxmap.p", p, "an integer >= 1")
    if int(n) != n or n < 3:
        raise InputError("linear_fluxmap.n", n, "an integer >= 3")
    if len(regions) != len(B_at_psi_f):
        raise InputError("linear_fluxmap.B_at_psi_f", B_at_psi_f, f"one value per region {regions}")
    if sat_d < 0 or sat_q < 0:
        raise InputError("linear_fluxmap.sat_d/sat_q", (sat_d, sat_q), ">= 0")
    if i_d_min is None:
        i_d_min = -i_max
    if not i_d_min < 0:
        raise InputError("linear_fluxmap.i_d_min", i_d_min, "< 0")
    neg = np.linspace(i_d_min, 0.0, int(n))
    step = neg[1] - neg[0]
    n_pos = int(np.floor(i_d_pos_frac * i_max / step + 1e-9))
    i_d = np.concatenate([neg, step * np.arange(1, n_pos + 1)])
    i_q = np.linspace(0.0, i_max, int(n))
    ID, IQ = np.meshgrid(i_d, i_q, indexing="ij")
    psi_d = psi_f + L_d * ID / (1.0 + sat_d * np.abs(ID) / i_max)
    psi_q = L_q * IQ / (1.0 + sat_q * np.abs(IQ) / i_max)
    torque = 1.5 * p * (psi_d * IQ - psi_q * ID)
    mag = np.hypot(psi_d, psi_q) / psi_f
    B_iron = np.stack([b * mag for b in B_at_psi_f]) if regions else np.zeros((0,) + ID.shape)
    return FluxMap(
        i_d=i_d, i_q=i_q, psi_d=psi_d, psi_q=psi_q, torque=torque, B_iron=B_iron,
        regions=tuple(regions), pole_pairs=int(p), T_magnet_c=float(T_magnet_c), source="analytic",
    )


def _is_uniform(ax: np.ndarray) -> bool:
    d = np.diff(ax)
    return bool(np.all(np.abs(d - d[0]) <= 1e-9 * abs(d[0])))


def fluxmap_arrays(fm: FluxMap):
    """The FluxMap as the contiguous float64 arrays the kernels take.

    Returns ``(i_d, i_q, psi_d, psi_q, B_iron, uniform_d, uniform_q)``; the flags select direct
    indexing (uniform axis) or binary search.
    """
    f = lambda a: np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
    return (f(fm.i_d), f(fm.i_q), f(fm.psi_d), f(fm.psi_q), f(fm.B_iron),
            _is_uniform(fm.i_d), _is_uniform(fm.i_q))


@njit(cache=True, inline="always")
def locate(ax, x, uniform):
    """Cell index k (0 .. n-2) and fraction t with x = ax[k] + t (ax[k+1] - ax[k]); t may leave [0,1]."""
    n = ax.shape[0]
    if uniform:
        r = (x - ax[0]) / (ax[1] - ax[0])
        if r < 0.0:
            k = 0
        elif r > n - 2:
            k = n - 2
        else:
            k = int(r)
            if k > n - 2:
                k = n - 2
    else:
        lo, hi = 0, n  # k = np.searchsorted(ax, x, side="right") - 1, by bisection (numba's
        while lo < hi:  # searchsorted overload costs ~0.7 s of the first run's compilation)
            mid = (lo + hi) >> 1
            if ax[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        k = lo - 1
        if k < 0:
            k = 0
        elif k > n - 2:
            k = n - 2
    t = (x - ax[k]) / (ax[k + 1] - ax[k])
    return k, t


@njit(cache=True, inline="always")
def interp_bilinear(a, k, j, t, u):
    """Bilinear value of the 2-D array a in cell (k, j) at fractions (t, u)."""
    return ((1.0 - t) * ((1.0 - u) * a[k, j] + u * a[k, j + 1])
            + t * ((1.0 - u) * a[k + 1, j] + u * a[k + 1, j + 1]))


@njit(cache=True, inline="always")
def interp_bilinear3(a, r, k, j, t, u):
    """Bilinear value of layer r of the 3-D array a (e.g. B_iron) in cell (k, j) at (t, u)."""
    return ((1.0 - t) * ((1.0 - u) * a[r, k, j] + u * a[r, k, j + 1])
            + t * ((1.0 - u) * a[r, k + 1, j] + u * a[r, k + 1, j + 1]))


@njit(cache=True, inline="always")
def interp_flux(i_d, i_q, id_ax, iq_ax, psi_d, psi_q, uni_d, uni_q):
    """psi_d, psi_q at (i_d, i_q) with the odd symmetry in i_q, plus the cell (k, j, t, u) of |i_q|.

    The cell lets the caller interpolate the iron flux densities (even in i_q) without a second search.
    """
    s = 1.0
    a = i_q
    if i_q < 0.0:
        s = -1.0
        a = -i_q
    k, t = locate(id_ax, i_d, uni_d)
    j, u = locate(iq_ax, a, uni_q)
    pd = interp_bilinear(psi_d, k, j, t, u)
    pq = s * interp_bilinear(psi_q, k, j, t, u)
    return pd, pq, k, j, t, u


def fluxmap_stack(fm: FluxMap):
    """The FluxMap as ``(i_d, i_q, G, uniform_d, uniform_q)`` with one stacked 3-D array
    ``G = [psi_d, psi_q, B_iron[0], B_iron[1], ..., loss_terms (3 per loss region), magnet_loss,
    magnet_pwm (3)]`` (the optional parts only when present).

    The kernels take this form: fewer array arguments per call keeps numba's call overhead low.
    """
    ida, iqa, pd, pq, B, ud, uq = fluxmap_arrays(fm)
    parts = [pd[None], pq[None], B]
    if fm.loss_terms is not None:
        parts.append(fm.loss_terms.reshape((-1,) + pd.shape))
    if fm.magnet_loss is not None:
        parts.append(fm.magnet_loss[None])
    if fm.magnet_pwm is not None:
        parts.append(fm.magnet_pwm)
    G = np.ascontiguousarray(np.concatenate(parts), dtype=np.float64)
    return ida, iqa, G, ud, uq


@njit(cache=True, inline="always")
def interp_stack(i_d, i_q, id_ax, iq_ax, G, uni_d, uni_q):
    """psi_d, psi_q (odd symmetry in i_q) from the stacked array G, plus the cell (k, j, t, u) of |i_q|."""
    s = 1.0
    a = i_q
    if i_q < 0.0:
        s = -1.0
        a = -i_q
    k, t = locate(id_ax, i_d, uni_d)
    j, u = locate(iq_ax, a, uni_q)
    pd = interp_bilinear3(G, 0, k, j, t, u)
    pq = s * interp_bilinear3(G, 1, k, j, t, u)
    return pd, pq, k, j, t, u
