"""Kron reduction of the tooth-coil network's linear (gap) branches, checked against the reduction
written the long way: the full permeance matrix as the sum of P_i c_i c_i^T over the linear
branches (c_i their signed incidence vectors) and the Schur complement on the kept nodes."""

import numpy as np

from motoropt.magnetics.analytic import build_tooth_coil_network, reduce_linear
from tests import shipped


def test_reduced_gap_equals_schur_complement_of_the_outer_product_sum():
    """G_kk - G_ke G_ee^-1 G_ek and h_k - G_ke G_ee^-1 h_e (symmetrised) per rotor position, with
    G = sum P c c^T and h = sum P F c over the linear branches: equal to rounding."""
    d = shipped.design("outer_rotor_halbach")
    net = build_tooth_coil_network(d.mec_inputs(d.T_magnet_c))
    red = reduce_linear(net)
    n = net["n"]
    lin = net["kind"] == 2
    touched = np.zeros(n, bool)
    for i in np.flatnonzero(~lin):
        touched[[e for e in (net["a"][i], net["b"][i]) if e >= 0]] = True
    keep, elim = np.flatnonzero(touched), np.flatnonzero(~touched)
    assert red["n"] == keep.size and elim.size > 0
    for ip in range(net["P_pos"].shape[0]):
        G = np.zeros((n, n))
        h = np.zeros(n)
        for i in np.flatnonzero(lin):
            c = np.zeros(n)
            if net["a"][i] >= 0:
                c[net["a"][i]] += net["sa"][i]
            if net["b"][i] >= 0:
                c[net["b"][i]] -= net["sb"][i]
            G += net["P_pos"][ip, i] * np.outer(c, c)
            h += net["P_pos"][ip, i] * net["F_pos"][ip, i] * c
        Gkk, Gke, Gee = G[np.ix_(keep, keep)], G[np.ix_(keep, elim)], G[np.ix_(elim, elim)]
        Gr = Gkk - Gke @ np.linalg.solve(Gee, Gke.T)
        hr = h[keep] - Gke @ np.linalg.solve(Gee, h[elim])
        scale = np.abs(Gr).max()
        np.testing.assert_allclose(red["G_pos"][ip], 0.5 * (Gr + Gr.T), rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(red["h_pos"][ip], hr, rtol=0, atol=1e-12 * max(np.abs(hr).max(), 1e-300))
