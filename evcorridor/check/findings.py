"""What the checker reports: one Finding per rule that does not hold, and the
CheckReport of one plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RULES = ("inputs", "files", "route", "site", "vehicle", "standard", "resilience", "coverage",
         "status", "truck-access",
         "queue", "power", "totals")  # the last three: sizing files (check/sizing.py)


@dataclass(frozen=True)
class Finding:
    """One rule that does not hold. `where` locates it (route, vehicle, site...)."""

    rule: str
    where: str
    message: str

    def line(self, plan_label: str) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{plan_label}: {self.rule}:{where} {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "where": self.where, "message": self.message}


@dataclass
class CheckReport:
    """What `check_plan` found for one plan, with counts of what it verified."""

    plan: str
    corridor: str
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        return [f.line(self.plan) for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "corridor": self.corridor,
            "ok": self.ok,
            "checked": dict(sorted(self.checked.items())),
            "findings": [f.to_dict() for f in self.findings],
        }

