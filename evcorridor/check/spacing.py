"""Rule family `standard`: each jurisdiction's spacing chain of compliant sites."""

from __future__ import annotations

import itertools

from evcorridor.check.arith import (
    Leg,
    Point,
    _Geo,
    differ,
    spans_border,
)
from evcorridor.check.gaps import _Gaps
from evcorridor.plan_model import RoutePlan, StandardRun


class _Spacing(_Gaps):
    # ------------------------------------------------------------------ standards
    def check_standard_run(self, route: RoutePlan, geo: _Geo, sr: StandardRun) -> None:
        where = f"route {route.id}: standard {sr.profile}"
        prof = self.standards[sr.profile]
        applies = list(prof.jurisdiction.applies_to)
        if sr.country not in applies:
            self.fail("standard", where, f"country {sr.country} but the profile applies to "
                                         f"{', '.join(applies) or 'no country'}")
        if sr.jurisdiction is not None and prof.jurisdiction.subdivision != sr.jurisdiction:
            self.fail("standard", where, f"jurisdiction {sr.jurisdiction} but the profile is "
                                         f"made for {prof.jurisdiction.subdivision or sr.country}")
        if self.profile_set is not None:
            juris = self.side_jurisdictions(route).get(sr.country, sr.country)
            if (sr.jurisdiction or sr.country) != juris:
                self.fail("standard", where, f"jurisdiction {sr.jurisdiction or sr.country} in "
                                             f"the plan; the {sr.country} side of the route lies "
                                             f"in {juris}, which the profile set "
                                             f"{self.profile_set.id} maps")
            expected = self.profile_set.profiles.get(juris)
            if expected != sr.profile:
                self.fail("standard", where, f"the profile set {self.profile_set.id} uses "
                                             f"{expected or 'no profile'} in {juris}")
        spacing = prof.max_spacing_m
        if (spacing is None) != (sr.max_spacing_m is None) or (
                spacing is not None and sr.max_spacing_m is not None
                and differ(float(spacing), sr.max_spacing_m)):
            self.fail("standard", where, f"max spacing {sr.max_spacing_m} m in the plan, the "
                                         f"profile says {spacing} m")
        if sorted(sr.recognized_profiles) != sorted(prof.recognizes):
            self.fail("standard", where, f"recognized profiles {sorted(sr.recognized_profiles)} "
                                         f"in the plan, the profile says {sorted(prof.recognizes)}")
        for sid in sr.stops:
            site = self.sites.get(sid)
            if site is None:
                continue
            ok_ids = [sr.profile] if site.country == sr.country else list(prof.recognizes)
            if not any(not self.complies(site, pid) for pid in ok_ids):
                self.fail("standard", where, f"stop {sid} ({site.country}) complies with none of "
                                             f"{', '.join(ok_ids) or 'the recognized profiles'}")
        if spacing is None:
            if sr.gaps:
                self.fail("standard", where, "the profile has no spacing rule but the plan lists "
                                             "spacing gaps")
            return
        chain = self.spacing_chain(route, geo, sr.country, sr.profile, list(prof.recognizes))
        if chain is None:
            return
        limit = float(spacing)
        legs = []
        for (a, pa, oa), (b, pb, ob) in itertools.pairwise(chain):
            legs.append(Leg(a, b, pa, pb, abs(pb - pa) + oa + ob, 0.0,
                            spans_border(pa, pb, geo.border_pos), limit))
        mine = [p[0] for p in chain if p[0] not in ("start", "end", "border")]
        if list(sr.stops) != mine:
            self.fail("standard", where, f"the plan's chain ({', '.join(sr.stops) or 'none'}) is "
                                         f"not the recomputed one ({', '.join(mine) or 'none'})")
        self.count["spacing_gaps"] += len(legs)
        self.compare_gaps(where, "standard", sr.gaps, legs)
        self.judge_legs(where, "standard", legs, sr.feasible, noun="spacing",
                        limit="the maximum ", gap_word="spacing gap", limit_word="maximum")

    def spacing_chain(self, route: RoutePlan, geo: _Geo, country: str, profile: str,
                      recognized: list[str]) -> list[Point] | None:
        """The chain of one jurisdiction's compliant sites along a route (None when the
        jurisdiction is not on the route).

        Inside the jurisdiction: every site of the plan in that country that complies with its
        profile. The route endpoint in the jurisdiction is a chain point (parameter
        `anchor_ends`, default true). Across the border: the nearest site that complies with a
        recognized profile (the last one before the border on the way in, the first one after it
        on the way out; the far route endpoint when there is none, or when that endpoint is
        nearer than the foreign site counting detours); with no recognized profile the chain
        stops at the border itself.
        """
        j_start, j_end = geo.start_country == country, geo.end_country == country
        if not (j_start or j_end):
            return None
        anchor = bool(self.plan.parameters.get("anchor_ends", True))
        start: Point = ("start", 0.0, 0.0)
        end: Point = ("end", geo.length, 0.0)
        border: Point = ("border", geo.border_pos, 0.0)
        pts = self.route_sites(route, geo)
        inner = [p for p in pts if self.sites[p[0]].country == country
                 and not self.complies(self.sites[p[0]], profile)]
        foreign = [p for p in pts if self.sites[p[0]].country != country and any(
            not self.complies(self.sites[p[0]], q) for q in recognized)]
        b = geo.border_pos
        head: list[Point] = []
        tail: list[Point] = []
        def gap(a: Point, c: Point) -> float:
            return abs(c[1] - a[1]) + a[2] + c[2]

        if j_start and j_end:
            head, tail = ([start], [end]) if anchor else ([], [])
        elif j_start:
            head = [start] if anchor else []
            if recognized:
                after = [p for p in foreign if p[1] >= b]
                tail = [after[0]] if after else ([end] if anchor else [])
                last = (head + inner)[-1:]
                if after and anchor and last and gap(last[0], end) < gap(last[0], after[0]):
                    tail = [end]  # the route end is nearer than the foreign site (detour)
            else:
                tail = [border]
        else:
            tail = [end] if anchor else []
            if recognized:
                before = [p for p in foreign if p[1] <= b]
                head = [before[-1]] if before else ([start] if anchor else [])
                first = (inner + tail)[:1]
                if before and anchor and first and gap(start, first[0]) < gap(before[-1], first[0]):
                    head = [start]  # the route start is nearer than the foreign site (detour)
            else:
                head = [border]
        return [*head, *inner, *tail]

