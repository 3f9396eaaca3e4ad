"""The M/M/c (Erlang C) queue: probability of waiting, waiting-time tail, fewest servers.

Notation: arrival rate `lam` (per hour), mean service time `service_h` (hours), offered load
a = lam * service_h (erlangs), `c` servers (charging ports). The queue is stable when a < c.

- Erlang B by the numerically stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
- Erlang C (probability an arrival waits): C = c B / (c - a (1 - B)).
- Waiting-time tail (FCFS): P(W > t) = C exp(-(c - a) t / service_h).
- Busy servers: min(N, c) where N is the number in the system; its distribution gives the
  coincident number of charging vehicles (used for the grid-connection estimate).

Reference: Kleinrock, Queueing Systems Vol. 1 (1975), §3.5; Gross & Harris, Fundamentals of
Queueing Theory, §2.3. Pure functions, no I/O.
"""

from __future__ import annotations

import math

MAX_PORTS = 10_000


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of an M/M/c/c system with offered load `a` erlangs."""
    if c < 0 or a < 0:
        raise ValueError("need c >= 0 and a >= 0")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival has to wait (all `c` ports busy); 1.0 when a >= c."""
    if c <= 0 or a >= c:
        return 1.0
    if a == 0:
        return 0.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def p_wait_over(c: int, lam: float, service_h: float, target_h: float) -> float:
    """P(wait > target) for FCFS M/M/c; 1.0 for an unstable queue (a >= c)."""
    a = lam * service_h
    if lam <= 0:
        return 0.0
    if c <= 0 or a >= c:
        return 1.0
    return erlang_c(c, a) * math.exp(-(c - a) * target_h / service_h)


def min_ports(lam: float, service_h: float, target_h: float, prob: float, at_least: int) -> int:
    """Fewest ports c >= at_least with P(wait > target) < prob (strictly)."""
    if not 0 < prob <= 1:
        raise ValueError("prob must be in (0, 1]")
    c = max(at_least, 0)
    if lam <= 0:
        return c
    c = max(c, math.floor(lam * service_h) + 1)
    while p_wait_over(c, lam, service_h, target_h) >= prob:
        c += 1
        if c > MAX_PORTS:
            raise ValueError(f"more than {MAX_PORTS} ports needed (load {lam * service_h:g} E)")
    return c


def busy_quantile(c: int, a: float, q: float) -> int:
    """Smallest k with P(busy ports <= k) >= q in the stationary M/M/c (a < c)."""
    if c <= 0 or a <= 0:
        return 0
    if a >= c:
        return c
    # unnormalised probabilities of n = 0..c-1 in the system; P(n >= c) = C
    terms = [1.0]
    for n in range(1, c):
        terms.append(terms[-1] * a / n)
    tail = terms[-1] * a / c / (1.0 - a / c)  # sum over n >= c
    total = sum(terms) + tail
    acc = 0.0
    for k, t in enumerate(terms):
        acc += t / total
        if acc >= q:
            return k
    return c
