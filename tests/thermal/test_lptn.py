"""Tests of the thermal network, correlations and cooling options (motoropt.thermal)."""

import math
import time

import numpy as np
import pytest

from motoropt.errors import ConvergenceError, InputError
from motoropt.thermal import (
    LOSS_COMPONENTS,
    Cooling,
    Coupling,
    ForcedAirFins,
    NaturalConvection,
    OilSpray,
    ThermalGeometry,
    WaterJacket,
    build_network,
    continuous_rating,
    custom_network,
    loss_array,
    peak_pulse,
    steady_state,
    transient,
)
from motoropt.thermal import correlations as cr


def prius_like_geometry(**kw):
    """2004 Prius MG2-like thermal geometry. Dimensions: ORNL/TM-2004/247 (OD 269, bore 161.9,
    stack 84 mm, 48 slots, slot depth 33.5 mm, gap 0.73 mm, rotor ID 111 mm, copper 6.8 kg, stator
    core 19.05 kg, 16 magnets 83.1 x 18.9 x 6.5 mm, 1.232 kg). Slot/tooth widths, fill factor, mass
    split teeth/yoke, rotor core mass, shaft and overhang are our estimates."""
    d = dict(stator_outer_diameter=0.269, bore_diameter=0.1619, stack_length=0.084, slots=48,
             slot_depth=0.0335, slot_width=0.0065, tooth_width=0.0063, yoke_height=0.020, fill_factor=0.40,
             copper_mass=6.8, end_winding_overhang=0.035, pole_pairs=4, airgap=0.00073,
             rotor_outer_diameter=0.1605, rotor_inner_diameter=0.111, shaft_diameter=0.05,
             magnet_mass=1.232, magnet_thickness=0.0065, magnet_width=0.0189, n_magnets=16,
             rotor_core_mass=5.5, stator_teeth_mass=6.2, stator_yoke_mass=12.85)
    d.update(kw)
    return ThermalGeometry(**d)


REF_LOSSES = dict(copper_active=400, copper_end=300, iron_teeth=150, iron_yoke=150, iron_rotor=25,
                  magnet=10, mechanical_bearings=15, windage=10)


def full_net(coupling=None, **cool):
    cooling = Cooling(jacket=WaterJacket(), **cool)
    return build_network(prius_like_geometry(), cooling, coupling or Coupling(), max_speed=700.0)


# -------------------------------------------------------------------------------------------------
# closed-form checks


def test_two_node_transient_closed_form():
    """Two capacitive nodes (C0 = 2000, C1 = 8000 J/K), G01 = 5 W/K, node 1 to a 0 degC boundary with
    5 W/K, step loss 100 W into node 0 from 0 degC. Reference: exact solution
    T(t) = T_ss - sum_k c_k v_k exp(-lambda_k t), lambda from the 2x2 eigenproblem of C^-1 K in closed
    form (quadratic formula), v_k = [G/C0, G/C0 - lambda_k]. Backward Euler with dt = 0.05 s must agree
    within 0.1 % of the steady rise over 0..3000 s (slowest time constant ~ 3900 s)."""
    C0, C1, G, gb, P = 2000.0, 8000.0, 5.0, 5.0, 100.0
    net = custom_network(["a", "b"], [C0, C1], [[0, G], [G, 0]], [0.0, gb], [0.0, 0.0])
    dt, n = 0.05, 60000
    r = transient(net, np.tile([P, 0.0], (n, 1)), 0.0, dt, T0=np.zeros(2))
    tr = G / C0 + (G + gb) / C1
    det = G * gb / (C0 * C1)
    lam = np.array([(tr + math.sqrt(tr * tr - 4 * det)) / 2, (tr - math.sqrt(tr * tr - 4 * det)) / 2])
    V = np.array([[G / C0, G / C0], [G / C0 - lam[0], G / C0 - lam[1]]])
    T_ss = np.array([P / gb + P / G, P / gb])
    c = np.linalg.solve(V, T_ss)
    t = r.t
    exact = T_ss[None, :] - (V[None, :, :] * (c * np.exp(-np.outer(t, lam)))[:, None, :]).sum(axis=2)
    err = np.abs(r.T - exact).max() / T_ss.max()
    assert err < 1e-3, err
    assert np.allclose(exact[0], 0.0, atol=1e-12)


def test_three_node_chain_steady_by_hand():
    """Chain 0 -(2 W/K)- 1 -(4 W/K)- 2 -(10 W/K)- boundary 25 degC; losses 10, 20, 30 W. By hand:
    T2 = 25 + 60/10 = 31, T1 = 31 + 30/4 = 38.5, T0 = 38.5 + 10/2 = 43.5 degC."""
    G = np.array([[0, 2.0, 0], [2.0, 0, 4.0], [0, 4.0, 0]])
    net = custom_network(["n0", "n1", "n2"], [1.0, 1.0, 1.0], G, [0, 0, 10.0], [0, 0, 25.0])
    r = steady_state(net, np.array([10.0, 20.0, 30.0]))
    assert np.allclose(r.T, [43.5, 38.5, 31.0], atol=1e-10)


def test_energy_conservation_coupled_transient():
    """Conservation law: sum C (T_end - T_0) + integral of heat to the boundaries = integral of the
    losses actually injected (after the temperature coupling), to 1e-9 relative, over an 1800-step
    coupled run with varying losses and speeds (full Prius-like network, jacket + oil spray)."""
    net = full_net(oil=OilSpray())
    rng = np.random.default_rng(1)
    n = 1800
    P = loss_array(REF_LOSSES, n) * rng.uniform(0.0, 2.0, (n, 1))
    speeds = rng.uniform(0, 650, n)
    dt = 1.0
    r = transient(net, P, speeds, dt)
    stored = float(net.C @ (r.T[-1] - r.T[0]))
    removed = float(r.Q_out.sum() * dt)
    injected = float(r.P.sum() * dt)
    assert abs(stored + removed - injected) / injected < 1e-9
    # the coupling is active: copper loss injected exceeds its reference once the winding is hot
    w = net.index("winding_active")
    assert r.P[-1, w] > P[-1, 0] * 1.05


def test_steady_state_coupling_consistent():
    """At the coupled steady state the injected losses equal P_ref rho(T)/rho(Tref) (Br(Tref)/Br(Tm))^2
    for copper and P_ref (Br(Tm)/Br(Tref))^2 for iron (definition, module docstring), and all heat
    leaves through the boundaries (sum g_b (T - T_b) = sum losses)."""
    cp = Coupling(T_ref_winding_c=80.0, T_ref_magnet_c=80.0, alpha_br=-0.0012)
    net = full_net(cp)
    r = steady_state(net, REF_LOSSES, speed=300.0)
    T = r.T
    br = (1 + cp.alpha_br * (r.magnet_c - 20)) / (1 + cp.alpha_br * (80 - 20))
    rho = (1 + cp.alpha_cu * (T[3] - 20)) / (1 + cp.alpha_cu * (80 - 20))
    rho_f = (1 + cp.alpha_cu * (T[4] - 20)) / (1 + cp.alpha_cu * (80 - 20))
    rho_r = (1 + cp.alpha_cu * (T[5] - 20)) / (1 + cp.alpha_cu * (80 - 20))
    total = (REF_LOSSES["copper_active"] * rho / br**2 + 0.5 * REF_LOSSES["copper_end"] * (rho_f + rho_r) / br**2
             + (150 + 150 + 25) * br**2 + 10 + 15 + 10)
    out = float(np.sum(net.g_b * (T - net.T_b)))
    assert abs(out - total) / total < 1e-6


def test_jacket_coolant_mean_temperature_rise():
    """Fluid node = mean coolant temperature: heat into the coolant = 2 m_dot cp (T_mean - T_in)
    (linear temperature rise along the channel), i.e. outlet - inlet = Q / (m_dot cp)."""
    net = full_net(Coupling(enabled=False))
    r = steady_state(net, REF_LOSSES, speed=200.0)
    j = net.index("jacket_coolant")
    q_in = net.G[0, j] * (r.T[0] - r.T[j])
    _, _, _, _, _, mdot, cp = WaterJacket().flow_state()
    assert abs((r.T[j] - WaterJacket().inlet_c) - q_in / (2 * mdot * cp)) < 1e-9


# -------------------------------------------------------------------------------------------------
# integrator


def dense_laplacian(net, g_var):
    """The network's conductance matrix K (W/K) densely: the Laplacian of the fixed edges, the
    boundary conductances on the diagonal and the speed-dependent edges with conductances g_var."""
    K = -net.G.copy()
    K[np.diag_indices_from(K)] = net.G.sum(axis=1) + net.g_b
    for i, j, g in zip(net.var_i, net.var_j, g_var):
        K[i, j] -= g
        K[j, i] -= g
        K[i, i] += g
        K[j, j] += g
    return K


def test_implicit_stable_at_ten_times_smallest_time_constant():
    """Backward Euler is L-stable: with dt = 10 x the smallest time constant of the network (from the
    eigenvalues of C^-1 K), a constant-loss run from the zero-loss steady state rises monotonically
    (no oscillation) and converges to the steady state (within 1e-6 K after 40 slowest time constants)."""
    net = full_net(Coupling(enabled=False))
    K = dense_laplacian(net, net.G_var[0])  # speed-dependent edges at zero speed
    lam = np.linalg.eigvals(np.diag(1 / net.C) @ K).real
    tau_min = 1.0 / lam.max()
    dt = 10 * tau_min
    assert tau_min < 2.0  # the network is stiff (coolant / end-air nodes)
    T0 = steady_state(net, np.zeros(len(LOSS_COMPONENTS))).T
    n = int(40.0 / lam.min() / dt)  # 40 x the slowest time constant
    r = transient(net, loss_array(REF_LOSSES, n), 0.0, dt, T0=T0)
    assert np.all(np.diff(r.T, axis=0) >= -1e-9)
    Tss = steady_state(net, REF_LOSSES).T
    assert np.abs(r.T[-1] - Tss).max() < 1e-6


def test_standstill_steps_match_dense_backward_euler():
    """Standstill without loss from a non-uniform start: each step is T_k+1 = M^-1 (C/dt T_k + g_b T_b)
    with the one matrix M = diag(C/dt) + K(0) (K: the conductance Laplacian with the boundaries and
    the speed-dependent edges at zero speed), solved densely here; the kernel reuses its factors
    for these steps (same matrix), which must agree to roundoff."""
    net = full_net(oil=OilSpray())
    K = dense_laplacian(net, net.G_var[0])
    dt, n = 2.0, 300
    T0 = 40.0 + 60.0 * np.linspace(0.0, 1.0, net.n)
    r = transient(net, np.zeros((n, len(LOSS_COMPONENTS))), 0.0, dt, T0=T0)
    M = K + np.diag(net.C / dt)
    T = T0.copy()
    for k in range(n):
        T = np.linalg.solve(M, net.C / dt * T + net.g_b * net.T_b)
        assert np.abs(r.T[k + 1] - T).max() < 1e-9 * np.abs(T).max(), k


def test_factor_then_substitute_equals_fused_solve():
    """The transient's standstill path factors (_factor) and substitutes (_subst) separately, so that
    it can keep the factors; every other step solves fused (_sparse_solve). Both must give the same
    factors and solution bit for bit (the same operations in the same order), and solve the system:
    checked against a dense solve of the network matrix at a speed, in elimination order."""
    from motoropt.thermal.kernels import _add_speed_edges, _factor, _matrix_const, _sparse_solve, _subst

    net = full_net(oil=OilSpray())
    nt = net._kn
    n = net.n
    v = np.empty(n + nt[17].shape[0])
    _matrix_const(nt, net.C / 2.0, v)
    _add_speed_edges(v, 300.0, nt[6], nt[7], nt[21])
    rhs = np.random.default_rng(5).uniform(10.0, 100.0, n)
    v1, r1, v2, r2 = v.copy(), rhs.copy(), v.copy(), rhs.copy()
    _sparse_solve(v1, r1, nt[16], nt[17], nt[19], nt[20])
    _factor(v2, 0, n, nt[16], nt[19], nt[20])
    _subst(v2, r2, nt[16], nt[17])
    assert np.array_equal(v1, v2) and np.array_equal(r1, r2)
    # the same system densely: K + diag(C / dt) with the speed edges at 300 rad/s, node order
    g = np.array([np.interp(300.0, net.speed_grid, net.G_var[:, e]) for e in range(net.var_i.size)])
    K = dense_laplacian(net, g) + np.diag(net.C / 2.0)
    pos = nt[15]
    x = np.linalg.solve(K, rhs[pos])  # rhs given in elimination order: node i's entry at pos[i]
    assert np.allclose(r1[pos], x, rtol=1e-12, atol=0.0)


def test_transient_same_step_by_step():
    """A cycle with standstill stretches (no copper loss at one speed: the kernel reuses the factors
    of the last such step), lossless steps at another speed and moving steps gives bit for bit the temperatures and injected losses of
    the same steps run one call per step (each call factors afresh)."""
    net = full_net()
    rng = np.random.default_rng(3)
    n = 60
    P = loss_array(REF_LOSSES, n) * rng.uniform(0.5, 1.5, (n, 1))
    speeds = rng.uniform(50.0, 600.0, n)
    idle = np.zeros(n, bool)
    idle[5:15] = idle[30:32] = idle[40:55] = True
    P[idle] = 0.0
    speeds[idle] = 0.0
    P[20:25] = 0.0  # lossless steps at another speed: their factors are not the standstill ones
    speeds[20:25] = 300.0
    whole = transient(net, P, speeds, 1.0)
    T = whole.T[0]
    for k in range(n):
        one = transient(net, P[k:k + 1], speeds[k], 1.0, T0=T)
        T = one.T[1]
        assert np.array_equal(T, whole.T[k + 1]), k
        assert np.array_equal(one.P[0], whole.P[k]), k


def test_transient_speed_1800_steps():
    """Speed requirement: a coupled 1800-step transient (WLTC at 1 s) takes < 10 ms once compiled."""
    net = full_net()
    P = loss_array(REF_LOSSES, 1800)
    sp = np.linspace(0, 600, 1800)
    transient(net, P, sp, 1.0)
    best = min(_timed(lambda: transient(net, P, sp, 1.0)) for _ in range(5))
    assert best < 10e-3, best


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def test_adiabatic_short_pulse():
    """For a pulse much shorter than the winding-to-iron time constant (~4 s here) the winding heats
    adiabatically: dT = P t / C (to 1.5 %: the leak is ~ t / (2 tau) ~ 0.6 %; 50 ms pulse of 200 kW
    copper loss, coupling off)."""
    net = full_net(Coupling(enabled=False))
    T0 = steady_state(net, np.zeros(len(LOSS_COMPONENTS))).T
    r = peak_pulse(net, dict(copper_active=2e5), 0.0, duration=0.05, dt=1e-4, T0=T0)
    w = net.index("winding_active")
    dT = r["T_end"][w] - T0[w]
    exact = 2e5 * 0.05 / net.C[w]
    assert abs(dT - exact) / exact < 0.015


# -------------------------------------------------------------------------------------------------
# ratings


def test_continuous_rating_matches_superposition():
    """Uncoupled linear network, copper loss a tau^2 only: the hotspot is h0 + s tau^2 (superposition),
    so the continuous torque is sqrt((T_lim - h0)/s) in closed form. The bisection over a 1 N m grid
    (losses interpolated linearly in torque) must match within 0.5 %."""
    net = full_net(Coupling(enabled=False))
    tg = np.arange(0.0, 401.0, 1.0)
    sg = np.array([100.0, 300.0])
    a = 0.02  # W / (N m)^2
    lg = np.zeros((len(LOSS_COMPONENTS), tg.size, sg.size))
    lg[0] = 0.6 * a * tg[:, None] ** 2
    lg[1] = 0.4 * a * tg[:, None] ** 2
    lg[2] = 100.0
    tau, pw = continuous_rating(net, tg, sg, lg, T_winding_max=155.0, T_magnet_max=1000.0, tol=0.01)
    gsi, gs, gbi, gb = net.hot

    def candidates(T):  # active-slot hotspot (module docstring formula) and end-winding means
        q = gs * (T[3] - T[2]) + gb * (T[3] - T[1])
        return np.array([T[3] + 0.5 * q / (gsi + gbi), T[4], T[5]])

    for s, om in enumerate(sg):
        base = np.zeros(len(LOSS_COMPONENTS))
        base[2] = 100.0
        c0 = candidates(steady_state(net, base, speed=om).T)
        one = base.copy()
        one[0], one[1] = 0.6 * a * 100.0**2, 0.4 * a * 100.0**2
        slope = (candidates(steady_state(net, one, speed=om).T) - c0) / 100.0**2
        exact = np.min(np.sqrt((155.0 - c0) / slope))
        assert abs(tau[s] - exact) / exact < 5e-3
        assert pw[s] == pytest.approx(tau[s] * om)


def test_thermal_runaway_detected():
    """A loss set whose copper part grows with temperature faster than the network removes it has no
    steady state; steady_state raises ConvergenceError instead of returning nonsense."""
    net = full_net(Coupling(T_ref_winding_c=20.0, T_ref_magnet_c=20.0))
    with pytest.raises(ConvergenceError):
        steady_state(net, {k: 8 * v for k, v in REF_LOSSES.items()}, speed=300.0)


# -------------------------------------------------------------------------------------------------
# correlations and cooling


def test_taylor_couette_regime_switch_at_critical_taylor_number():
    """Becker & Kaye (1962): Nu = 2 (laminar Couette, pure conduction h = k/g) below the critical
    modified Taylor number 1700 (Taylor 1923: 1697-1708), 0.128 Ta^0.367 above. The speed at which
    the switch happens is omega_c = sqrt(1700 F_g nu^2 / (r_m g^3)); h must equal k/g just below it
    and the vortex correlation just above. F_g -> 1 for a narrow gap (< 1 %)."""
    r, g = 0.08, 0.7e-3
    rho, mu, k, _, _ = cr.air_properties(80.0)
    nu = mu / rho
    rm = r + g / 2
    Fg = cr.taylor_geometric_factor(rm, g)
    assert abs(Fg - 1) < 0.01
    wc = math.sqrt(1700 * Fg * nu**2 / (rm * g**3))
    assert cr.airgap_h(0.99 * wc, r, g) == pytest.approx(k / g, rel=1e-12)
    Ta = cr.taylor_number(1.01 * wc, r, g, nu)
    assert Ta == pytest.approx(1700 * 1.01**2, rel=1e-9)
    assert cr.airgap_h(1.01 * wc, r, g) == pytest.approx(0.128 * Ta**0.367 * k / (2 * g), rel=1e-12)
    assert cr.airgap_nusselt(2e4) == pytest.approx(0.409 * 2e4**0.241)


def test_airgap_h_table_equals_the_pointwise_correlation():
    """airgap_h_speeds (the network's speed table: air properties once) equals airgap_h at every speed
    bit for bit, across the three regimes (laminar below Ta 1700, vortices, turbulent above 1e4) and
    for negative speeds (|omega|)."""
    r, g = 0.08, 0.7e-3
    omegas = np.concatenate([np.linspace(0.0, 2000.0, 101), [-150.0, -1500.0]])
    table = cr.airgap_h_speeds(omegas, r, g)
    Ta = np.array([cr.taylor_number(abs(om), r, g, cr.air_properties(80.0)[1] / cr.air_properties(80.0)[0])
                   for om in omegas])
    assert (Ta < 1700).any() and ((Ta >= 1700) & (Ta < 1e4)).any() and (Ta >= 1e4).any()
    assert np.array_equal(table, [cr.airgap_h(om, r, g) for om in omegas])


def test_jacket_h_hand_calculation_and_range():
    """Jacket 8 l/min 50/50 glycol at 70 degC (properties from the module's table), 12 x 6 mm channel:
    Re, Pr and Nu by hand from Gnielinski (1976) with the Petukhov friction factor; h in the
    1000-10000 W/m^2/K range typical of water jackets (Staton & Cavagnino 2008), and within 20 % of
    Dittus-Boelter (independent correlation) at that Re."""
    jk = WaterJacket(flow_lpm=8.0, inlet_c=65.0, channel_width=0.012, channel_height=0.006)
    rho, mu, k, cp, Pr = cr.glycol50_properties(70.0)
    Dh = 2 * 0.012 * 0.006 / 0.018
    v = 8.0 / 60000 / (0.012 * 0.006)
    Re = rho * v * Dh / mu
    f = (0.790 * math.log(Re) - 1.64) ** -2
    Nu = (f / 8) * (Re - 1000) * Pr / (1 + 12.7 * math.sqrt(f / 8) * (Pr ** (2 / 3) - 1))
    Re_, Pr_, Nu_, h, *_ = jk.flow_state()
    assert Re > 1e4 and Re_ == pytest.approx(Re, rel=1e-12)
    assert h == pytest.approx(Nu * k / Dh, rel=1e-12)
    assert 1000 < h < 10000
    assert abs(cr.dittus_boelter(Re, Pr) / Nu - 1) < 0.2
    lam = WaterJacket(flow_lpm=0.3, channel_width=0.02, channel_height=0.01)
    assert lam.flow_state()[0] < 2300 and lam.h == pytest.approx(3.66 * cr.glycol50_properties(70.0)[2] / lam.hydraulic_diameter)


def test_air_fins_and_natural_convection_ranges():
    """Forced air over fins: flat-plate h 10-150 W/m^2/K for 5-20 m/s over 0.2 m (IDBL Table 1.1
    forced air 25-250); fin efficiency equals tanh(mLc)/(mLc) by hand; natural convection + radiation
    on a 0.3 m housing at 80/40 degC: 5-15 W/m^2/K (natural convection 2-25 plus ~6 radiation)."""
    for u in (5.0, 20.0):
        h = ForcedAirFins(air_speed=u).h(0.2)
        assert 10 < h < 150
    h, kf, t, H = 50.0, 170.0, 0.002, 0.02
    m = math.sqrt(2 * h / (kf * t))
    assert cr.fin_efficiency(h, kf, t, H) == pytest.approx(math.tanh(m * (H + t / 2)) / (m * (H + t / 2)))
    hn = NaturalConvection().h(0.3)
    assert 5 < hn < 15
    # fins raise the housing conductance above bare natural convection
    assert ForcedAirFins().conductance(0.3, 0.2) > hn * math.pi * 0.3 * 0.2


def test_slot_conductivity_bounds():
    """Hashin-Shtrikman k_eq lies between the series (Wiener lower) and parallel (upper) bounds, equals
    k_resin at ff -> 0 and is 0.5-1.5 W/m/K at ff 0.4-0.5 (measured range, Boglietti et al. 2009)."""
    kc, kr = 400.0, 0.25
    assert cr.slot_equivalent_conductivity(1e-9, kc, kr) == pytest.approx(kr, rel=1e-6)
    for ff in (0.3, 0.45, 0.6):
        k = cr.slot_equivalent_conductivity(ff, kc, kr)
        assert 1 / (ff / kc + (1 - ff) / kr) <= k <= ff * kc + (1 - ff) * kr
    assert 0.5 < cr.slot_equivalent_conductivity(0.45, kc, kr) < 1.5
    with pytest.raises(InputError):
        cr.slot_equivalent_conductivity(0.95, kc, kr)


def test_cooling_options_change_temperatures_sensibly():
    """Same losses: natural convection only runs far hotter than a water jacket; adding oil spray to
    the jacket cools the end windings; the air-gap/end-space speed dependence cools the rotor at
    speed. (Physical ordering, not a number.)"""
    g = prius_like_geometry()
    nat = build_network(g, Cooling(), Coupling(enabled=False), max_speed=700.0)
    jk = build_network(g, Cooling(jacket=WaterJacket()), Coupling(enabled=False), max_speed=700.0)
    oil = build_network(g, Cooling(jacket=WaterJacket(), oil=OilSpray()), Coupling(enabled=False), max_speed=700.0)
    small = {k: 0.3 * v for k, v in REF_LOSSES.items()}
    assert steady_state(nat, small).hotspot_c > steady_state(jk, small).hotspot_c + 30
    ew = jk.index("end_winding_front")
    assert steady_state(oil, REF_LOSSES, 300.0).T[ew] < steady_state(jk, REF_LOSSES, 300.0).T[ew] - 5
    rot = jk.index("rotor_core")
    only_rotor = dict(iron_rotor=200.0)
    assert steady_state(jk, only_rotor, 600.0).T[rot] < steady_state(jk, only_rotor, 0.0).T[rot]


def test_bad_input_named():
    with pytest.raises(InputError, match="fill_factor"):
        prius_like_geometry(fill_factor=0.95)
    with pytest.raises(InputError, match="bore_diameter"):
        prius_like_geometry(bore_diameter=0.3)
    with pytest.raises(InputError):
        transient(full_net(), np.zeros((10, 9)), 0.0, -1.0)
