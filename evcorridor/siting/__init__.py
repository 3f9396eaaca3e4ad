"""Charger siting: corridor -> abstract problem -> exact solvers -> plan file.

    problem.py   plain dataclasses: routes, candidate sites and their options, vehicle and
                 standard rules, the gap convention (`leg_m`) and spacing chains
    build.py     corridor graph + stations + profiles + scenario + cost model -> Problem
    precheck.py  uncoverable stretches by a linear scan, with what would fix them
    cpsat.py     the coupled CP-SAT model (cost objective, n-1, spacing, tie-break)
    pathdp.py    exact single-route method (O(n) monotone deque / O(n log n) Fenwick)
    sequence.py  concrete stop sequences and spacing chains of a solved plan
    plan.py      assemble `evcorridor.plan_model.Plan`, write plan.json/sites.geojson/sites.csv
    frlm.py, generic.py  coverage objective (flow refuelling location model), generic networks

The independent checker (`evcorridor.check`) shares no code with this package.
"""
