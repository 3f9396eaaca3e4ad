"""The compass heading of a direction of travel on a road: one literal for every module.

The plan file (`evcorridor.plan_model`: a site's `directions[].heading`, a station's `serves`)
and the station readers (`evcorridor.stations.carriageway`, `.model`, `.normalized`) use this
one definition; it lives here, on its own, so the plan model does not import station-reading
code and the stations do not import the plan model.
"""

from __future__ import annotations

from typing import Literal

#: the order is part of the generated plan schema (`evcorridor schema plan`: the enum lists it)
Heading = Literal["northbound", "eastbound", "southbound", "westbound"]
#: every heading, in the order the station tables and docs list them
HEADINGS: tuple[Heading, ...] = ("northbound", "southbound", "eastbound", "westbound")
