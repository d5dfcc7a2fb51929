"""Input files of the benchmark: request bodies for wrk and the trainee CSV for the import."""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path

from stdnum.tr import tckimlik

SEXES = ("female",) * 6 + ("male",) * 4
DISTRICTS = ("Konak", "Bayraklı", "Karşıyaka", "Buca", "Bornova", "Torbalı", "Ödemiş", "Bergama")
COLUMNS = ("given_name", "family_name", "national_id", "sex", "birth_date", "phone", "email", "district",
           "settlement_type", "education_level", "labour_status", "vulnerable_groups", "consent")


def enrolment_bodies(path: Path, trainee_ids: list, project_ids: list, enrolled_on: date) -> int:
    """One body per (project, trainee): each is a new enrolment, so none is refused as a duplicate."""
    with path.open("w") as handle:
        count = 0
        for project_id in project_ids:
            for trainee_id in trainee_ids:
                handle.write(json.dumps({"trainee_id": str(trainee_id), "project_id": str(project_id),
                                         "enrolled_on": enrolled_on.isoformat()}) + "\n")
                count += 1
    return count


def trainee_csv(path: Path, rows: int, seed: int = 6) -> None:
    """`rows` valid trainees as a caseworker's spreadsheet would hold them (UTF-8, comma)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            base = str(300_000_000 + n)
            writer.writerow((
                rng.choice(("Ayşe", "Zeynep", "Elif", "Fatma", "Mehmet", "Ali", "Can", "Emre")),
                rng.choice(("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk")),
                base + tckimlik.calc_check_digits(base), rng.choice(SEXES),
                date(rng.randint(1970, 2008), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                f"+90 532 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"person{n}@example.org", rng.choice(DISTRICTS), rng.choice(("urban", "urban", "rural")),
                rng.choice(("primary_or_less", "lower_secondary", "upper_secondary", "tertiary")),
                rng.choice(("unemployed", "long_term_unemployed", "inactive", "in_education")),
                rng.choice(("", "", "neet", "roma", "single_parent|neet")), "true"))
