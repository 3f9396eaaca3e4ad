"""The M/M/c (Erlang C) formulas of evcorridor.sizing.erlang: hand-computed values, a
discrete-event simulation cross-check (simpy) and properties of the port count."""

from __future__ import annotations

import math
import random

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.sizing import erlang


def test_erlang_c_hand_values() -> None:
    # M/M/1: P(wait) = rho
    assert erlang.erlang_c(1, 0.5) == pytest.approx(0.5, abs=1e-12)
    # c=2, a=1: B1 = 1/2, B2 = (1/2)/(2 + 1/2) = 1/5, C = 2(1/5) / (2 - 1(4/5)) = 1/3
    assert erlang.erlang_b(2, 1.0) == pytest.approx(0.2, abs=1e-12)
    assert erlang.erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-12)
    # c=3, a=2: B1 = 2/3, B2 = 2/5, B3 = 0.8/3.8 = 4/19, C = (12/19) / (3 - 2 x 15/19) = 4/9
    assert erlang.erlang_b(3, 2.0) == pytest.approx(4 / 19, abs=1e-12)
    assert erlang.erlang_c(3, 2.0) == pytest.approx(4 / 9, abs=1e-12)
    # tail: c=2, lam=1/h, 1 h service, t=0.5 h: (1/3) exp(-(2-1) x 0.5)
    assert erlang.p_wait_over(2, 1.0, 1.0, 0.5) == pytest.approx(math.exp(-0.5) / 3, abs=1e-12)
    # unstable and empty queues
    assert erlang.p_wait_over(2, 3.0, 1.0, 0.1) == 1.0
    assert erlang.p_wait_over(2, 0.0, 1.0, 0.1) == 0.0


def test_min_ports_hand_value() -> None:
    # lam = 2/h, 1 h sessions (a = 2), target 0 min, prob 0.5: C(3, 2) = 4/9 < 0.5, and
    # c = 2 is unstable (a = c): 3 ports; with the standard's 4, never fewer than 4
    assert erlang.min_ports(2.0, 1.0, 0.0, 0.5, 1) == 3
    assert erlang.min_ports(2.0, 1.0, 0.0, 0.5, 4) == 4
    # prob 0.4 < 4/9: a fourth port is needed (C(4, 2) = 4/23 = 0.1739...)
    assert erlang.erlang_c(4, 2.0) == pytest.approx(4 / 23, abs=1e-12)
    assert erlang.min_ports(2.0, 1.0, 0.0, 0.4, 1) == 4
    assert erlang.min_ports(0.0, 1.0, 0.0, 0.05, 4) == 4


def test_busy_quantile() -> None:
    # c=2, a=1: pi0 : pi1 : P(n>=2) = 1 : 1 : 1 (tail a^2/2 / (1 - 1/2) = 1), so 1/3 each
    assert erlang.busy_quantile(2, 1.0, 0.3) == 0
    assert erlang.busy_quantile(2, 1.0, 0.6) == 1
    assert erlang.busy_quantile(2, 1.0, 0.7) == 2
    assert erlang.busy_quantile(0, 1.0, 0.9) == 0


def _simulate(lam: float, service_h: float, c: int, target_h: float, customers: int,
              warmup: int, seed: int) -> float:
    """Fraction of customers (after the warm-up) who wait longer than the target, FCFS."""
    rng = random.Random(seed)
    env = simpy.Environment()
    ports = simpy.Resource(env, capacity=c)
    waits: list[float] = []

    def customer(arrived: float) -> simpy.events.ProcessGenerator:
        with ports.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1.0 / service_h))

    def source() -> simpy.events.ProcessGenerator:
        for _ in range(customers + warmup):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer(env.now))

    env.process(source())
    env.run()
    # waits are appended in service-start order, which is arrival order under FCFS
    kept = waits[warmup:]
    return sum(1 for w in kept if w > target_h) / len(kept)


@pytest.mark.parametrize(("lam", "service_h", "c", "target_h"), [
    (2.0, 1.0, 3, 0.1),    # a = 2, rho = 0.67
    (8.0, 0.5, 6, 0.05),   # a = 4, rho = 0.67
    (6.0, 0.75, 5, 0.0),   # a = 4.5, rho = 0.9: P(wait) itself
    (0.5, 0.75, 1, 0.25),  # M/M/1, a = 0.375
])
def test_simulation_matches_erlang_c(lam: float, service_h: float, c: int,
                                     target_h: float) -> None:
    """Replications give a mean and its standard error; the formula must lie within 4 standard
    errors (plus 0.005 for the warm-up bias) of the simulated mean."""
    reps = [_simulate(lam, service_h, c, target_h, 4000, 400, seed) for seed in range(8)]
    mean = sum(reps) / len(reps)
    sd = math.sqrt(sum((r - mean) ** 2 for r in reps) / (len(reps) - 1))
    se = sd / math.sqrt(len(reps))
    exact = erlang.p_wait_over(c, lam, service_h, target_h)
    assert abs(mean - exact) <= 4 * se + 0.005, (mean, exact, se)


def _p_direct(c: int, lam: float, s: float, t: float) -> float:
    """P(wait > t) from the textbook sum (independent of the module's recursion)."""
    a = lam * s
    if a >= c:
        return 1.0
    head = sum(a ** k / math.factorial(k) for k in range(c))
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (head + top) * math.exp(-(c - a) * t / s)


@settings(max_examples=60, deadline=None)
@given(lam=st.floats(0.01, 40), s=st.floats(0.05, 1.5), t=st.floats(0, 0.5),
       p=st.floats(0.01, 0.5), at_least=st.integers(0, 6))
def test_min_ports_is_the_fewest(lam: float, s: float, t: float, p: float,
                                 at_least: int) -> None:
    c = erlang.min_ports(lam, s, t, p, at_least)
    assert c >= at_least
    assert _p_direct(c, lam, s, t) < p + 1e-9
    if c > at_least:
        assert _p_direct(c - 1, lam, s, t) >= p - 1e-9


@settings(max_examples=80, deadline=None)
@given(lam=st.floats(0.01, 30), more=st.floats(0, 30), s=st.floats(0.05, 1.5),
       t=st.floats(0, 0.5), p=st.floats(0.01, 0.5), at_least=st.integers(0, 6))
def test_more_arrivals_never_fewer_ports(lam: float, more: float, s: float, t: float, p: float,
                                         at_least: int) -> None:
    assert erlang.min_ports(lam + more, s, t, p, at_least) >= erlang.min_ports(
        lam, s, t, p, at_least)


@settings(max_examples=80, deadline=None)
@given(lam=st.floats(0.01, 30), s=st.floats(0.05, 1.5), t=st.floats(0, 0.5),
       longer=st.floats(0, 1), p=st.floats(0.01, 0.5), at_least=st.integers(0, 6))
def test_higher_wait_target_never_more_ports(lam: float, s: float, t: float, longer: float,
                                             p: float, at_least: int) -> None:
    assert erlang.min_ports(lam, s, t + longer, p, at_least) <= erlang.min_ports(
        lam, s, t, p, at_least)
