"""Figures as the table prints them: medians of the rounds, their spread, ratio against the goal."""

from __future__ import annotations

import statistics


def figure(name: str, runs: list[dict], ceiling_runs: list[dict] | None, key: str, *, goal: float | None,
           ceiling: str | None, lower_is_better: bool = False, goal_unit: str | None = None) -> dict:
    """The median of `runs[*][key]` against that of `ceiling_runs`. A `goal_unit` says the goal is on the
    value itself (e.g. seconds), not on the ratio (which is still reported when there is a ceiling)."""
    values = [run[key] for run in runs]
    result = {"name": name, "pathways": statistics.median(values), "spread": [min(values), max(values)],
              "rounds": len(values), "goal": goal, "ceiling_name": ceiling, "runs": runs,
              "outside_cpu_s": statistics.median(run.get("outside_cpu_s", 0) for run in runs),
              "lower_is_better": lower_is_better}
    if goal_unit is not None and goal is not None:
        result["goal_unit"] = goal_unit
        result["met"] = result["pathways"] <= goal if lower_is_better else result["pathways"] >= goal
    if ceiling_runs:
        ceiling_values = [run[key] for run in ceiling_runs]
        result |= {"ceiling": statistics.median(ceiling_values),
                   "ceiling_spread": [min(ceiling_values), max(ceiling_values)], "ceiling_runs": ceiling_runs}
        result["ratio"] = result["pathways"] / result["ceiling"] if result["ceiling"] else None
        if goal is not None and goal_unit is None and result["ratio"] is not None:
            result["met"] = result["ratio"] <= goal if lower_is_better else result["ratio"] >= goal
    return result


def memory_figure(name: str, late: list[int], early: list[int], early_events: int, run: dict, *,
                  goal: float = 1.2) -> dict:
    """Resident memory: the median of the samples after many events against that after fewer; one run,
    so the spread is the samples' own."""
    value, before = statistics.median(late), statistics.median(early)
    ratio = value / before if before else None
    return {"name": name, "pathways": value, "spread": [min(late), max(late)], "rounds": 1,
            "ceiling": before, "ceiling_spread": [min(early), max(early)],
            "ceiling_name": f"after {early_events:,} events", "ratio": ratio, "goal": goal,
            "met": ratio is not None and ratio <= goal, "runs": [run], "lower_is_better": True,
            "outside_cpu_s": run.get("outside_cpu_s", 0)}


def _row(key: str, f: dict) -> tuple:
    low, high = f["spread"]
    ratio = "" if f.get("ratio") is None else f"{f['ratio']:.2f}"
    goal = "" if f.get("goal") is None else (f"≤ {f['goal']}" if f.get("lower_is_better") else f"≥ {f['goal']}")
    if goal and f.get("goal_unit"):
        goal += f" {f['goal_unit']}"
    met = {True: "met", False: "missed"}.get(f.get("met"), "")
    ceiling = "" if f.get("ceiling") is None else f"{_number(f['ceiling'])} ({f['ceiling_name']})"
    return (key, f["name"], f"{_number(f['pathways'])} [{_number(low)}–{_number(high)}] ×{f['rounds']}", ceiling,
            ratio, goal, met, f"{f.get('outside_cpu_s', 0):.1f}")


def _number(value: float) -> str:
    """One decimal, two below 10 (seconds such as P6's)."""
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


HEADER = ("", "figure", "Pathways median [spread] ×rounds", "ceiling", "ratio", "goal", "", "other CPU s")


def table(document: dict) -> str:
    rows = [HEADER] + [_row(key, f) for key, f in document["figures"].items()]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(HEADER))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) for row in rows)


def markdown(document: dict) -> str:
    machine = document["machine"]
    lines = [f"Measured {document['when']} on {machine['cores']} cores, {machine['memory_gib']} GiB "
             f"(Python {machine['python']}); medians of the rounds, spread in brackets, "
             "Pathways and its ceiling alternated.", "",
             "| | " + " | ".join(HEADER[1:]) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(str(cell) for cell in _row(key, f)) + " |" for key, f in document["figures"].items()]
    return "\n".join(lines) + "\n"
