"""Sweep summary: a Markdown table and a plot (cost and new sites per run)."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from evcorridor.render.style import figure_bytes
from evcorridor.render.templating import md_escape

COLUMNS = ("run_id", "target", "profile_set", "scenario", "vehicles", "resilience", "status",
           "cost", "new", "upgrade", "used", "worst_gap_km_USA", "worst_gap_km_CAN",
           "worst_gap_km_MEX", "error")


def _cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:g}"
    return md_escape(str(v))


def summary_md(rows: list[dict[str, Any]], skipped: int) -> str:
    ok = sum(1 for r in rows if r.get("status") not in ("error", None))
    lines = ["# Sweep summary", "",
             f"{len(rows)} run(s): {ok} planned, {len(rows) - ok} failed; {skipped} reused from "
             "an earlier sweep with the same input hashes. Cost in cost-model units; worst gap "
             "in km per country.", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(_cell(r.get(c)) for c in COLUMNS) + " |")
    lines.append("")
    return "\n".join(lines)


def summary_png(rows: list[dict[str, Any]]) -> bytes:
    fig = Figure(figsize=(max(6.0, 0.5 * len(rows) + 2), 4.5))
    ax = fig.add_subplot(1, 1, 1)
    labels = [str(r["run_id"]) for r in rows]
    costs = [float(r["cost"]) if r.get("cost") is not None else 0.0 for r in rows]
    colours = ["#c62828" if r.get("status") == "error" else
               "#2e7d32" if r.get("status") == "optimal" and r.get("feasible") else "#ef6c00"
               for r in rows]
    ax.bar(range(len(rows)), costs, color=colours)
    for i, r in enumerate(rows):
        if r.get("new") is not None:
            ax.text(i, costs[i], f"{r['new']} new", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("cost (cost-model units)")
    ax.set_title("evcorridor sweep: cost per run (green optimal, orange not proven / "
                 "infeasible, red failed)", fontsize=9)
    fig.subplots_adjust(bottom=0.35)
    return figure_bytes(fig, "png")


__all__ = ["summary_md", "summary_png"]
