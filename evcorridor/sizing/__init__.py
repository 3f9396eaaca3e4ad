"""Sizing: how many ports, how much power, what it costs and when (the stage after siting).

Siting decides where; sizing decides how big and when. Modules:

    erlang.py   M/M/c (Erlang C) queue: waiting probability and tail, fewest ports, busy ports
    inputs.py   adoption scenarios (configs/adoption) and BTS monthly volumes (data/)
    engine.py   plan -> demand per stop -> ports, power, grid connection, costs, phasing
    model.py    the sizing file schema (`evcorridor.sizing/1`) and its reader
    output.py   sizing.json and sizing.csv, written atomically

`evcorridor.siting` never imports this package; `evcorridor check` verifies a sizing file with its
own queue formulas. See docs/sizing.md.
"""
