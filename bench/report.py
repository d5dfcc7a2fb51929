"""Figures as the table prints them: medians of the rounds, their spread, ratio against the goal."""

from __future__ import annotations

import statistics


def figure(name: str, runs: list[dict], ceiling_runs: list[dict] | None, key: str, *, goal: float | None,
           ceiling: str | None, lower_is_better: bool = False) -> dict:
    values = [run[key] for run in runs]
    result = {"name": name, "pathways": statistics.median(values), "spread": [min(values), max(values)],
              "rounds": len(values), "goal": goal, "ceiling_name": ceiling, "runs": runs,
              "outside_cpu_s": statistics.median(run.get("outside_cpu_s", 0) for run in runs),
              "lower_is_better": lower_is_better}
    if ceiling_runs:
        ceiling_values = [run[key] for run in ceiling_runs]
        result |= {"ceiling": statistics.median(ceiling_values),
                   "ceiling_spread": [min(ceiling_values), max(ceiling_values)], "ceiling_runs": ceiling_runs}
        result["ratio"] = result["pathways"] / result["ceiling"] if result["ceiling"] else None
        if goal is not None and result["ratio"] is not None:
            result["met"] = result["ratio"] <= goal if lower_is_better else result["ratio"] >= goal
    return result


def memory_figure(samples: list[dict]) -> dict:
    first, last = samples[0], samples[-1]
    return {"name": f"consumer RSS KiB after {last['events']:,} vs {first['events']:,} events",
            "pathways": last["rss_kib"], "ceiling": first["rss_kib"], "ceiling_name": "after fewer events",
            "ratio": last["rss_kib"] / first["rss_kib"] if first["rss_kib"] else None, "goal": 1.2,
            "met": bool(first["rss_kib"]) and last["rss_kib"] / first["rss_kib"] <= 1.2, "runs": samples,
            "spread": [last["rss_kib"], last["rss_kib"]], "rounds": 1, "lower_is_better": True}


def _row(key: str, f: dict) -> tuple:
    low, high = f["spread"]
    ratio = "" if f.get("ratio") is None else f"{f['ratio']:.2f}"
    goal = "" if f.get("goal") is None else (f"≤ {f['goal']}" if f.get("lower_is_better") else f"≥ {f['goal']}")
    met = {True: "met", False: "missed"}.get(f.get("met"), "")
    ceiling = "" if f.get("ceiling") is None else f"{f['ceiling']:,.1f} ({f['ceiling_name']})"
    return (key, f["name"], f"{f['pathways']:,.1f} [{low:,.1f}–{high:,.1f}] ×{f['rounds']}", ceiling, ratio,
            goal, met, f"{f.get('outside_cpu_s', 0):.1f}")


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
