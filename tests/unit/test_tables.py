"""Any metrics answer renders as export tables through one walk (service.metrics.tables): reach, outcomes with
checkpoints and gaps between every pair of sexes, indicators with a breakdown, a pack, the funnel; hidden
figures are marked wherever a row says it is suppressed."""

from __future__ import annotations

from decimal import Decimal

from service.metrics.exports import to_csv
from service.metrics.labels import column_label
from service.metrics.tables import tables

HEADER = {"as_of": "2026-12-05T10:00:00+00:00", "pending_events": 2, "organisation_id": "o", "project_id": "p1",
          "period_start": "2026-01-01", "period_end": None, "by": ["sex"], "min_cell_size": 5, "suppression": True}
SEXES = {"female": 6, "male": None, "non_binary": 0, "undisclosed": 0}


def by_title(found) -> dict:
    return {table.title: table for table in found}


def test_reach_summary_share_targets_and_breakdown():
    report = {**HEADER, "period_basis": "entry", "reached": 8, "target": 400, "progress": 0.02,
              "share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.5, "max_share": None,
                                 "reached": None, "share": None, "met": None, "suppressed": True}],
              "breakdown": [{"sex": "female", "reached": None, "suppressed": True},
                            {"sex": "male", "reached": None, "suppressed": True},
                            {"sex": "non_binary", "reached": 0, "suppressed": False}]}
    found = by_title(tables("reach", report, {"p1": "=P1"}))
    assert list(found) == ["summary", "share_targets", "breakdown"]
    assert found["summary"].rows == (
        ("project", "=P1"), ("reached", 8), ("target", 400), ("progress", 0.02), ("period_basis", "entry"),
        ("period_start", "2026-01-01"), ("period_end", None), ("as_of", HEADER["as_of"]), ("pending_events", 2),
        ("min_cell_size", 5))
    targets = found["share_targets"]
    assert targets.columns == ("dimension", "value", "min_share", "max_share", "reached", "share", "met",
                               "suppressed")
    # The figures are marked, not the bound that is not set (max_share is null in every row).
    assert targets.hidden == {(0, 4), (0, 5), (0, 6)}
    assert found["breakdown"].hidden == {(0, 1), (1, 1)}
    assert found["breakdown"].categorical == {"sex"}


def test_outcomes_checkpoints_gaps_of_every_pair_and_money_as_numbers():
    gap = {"female": 0.6667, "male": None, "difference": None, "ratio": None,
           "pairs": {"female_male": {"difference": None, "ratio": None},
                     "female_non_binary": {"difference": None, "ratio": None}}}
    report = {**HEADER, "period_basis": "exit", "enrolled": 9, "median_wage": "29250.00", "wage_currency": "TRY",
              "checkpoints": {"upon_leaving": {"exiters_due": 4, "employed": 2, "coverage": 0.5},
                              "month_6": {"exiters_due": 3, "employed": None, "coverage": None}},
              "gaps": {"completion_rate": gap},
              "breakdown": [{"sex": "female", "enrolled": 7, "median_wage": "28500.00",
                             "checkpoints": {"month_6": {"employed": None}}, "suppressed": True}]}
    found = by_title(tables("outcomes", report, {}))
    assert list(found) == ["summary", "checkpoints", "gaps", "breakdown"]
    summary = dict(found["summary"].rows)
    assert summary["median_wage"] == Decimal("29250.00") and summary["wage_currency"] == "TRY"
    assert found["checkpoints"].columns == ("checkpoint", "exiters_due", "employed", "coverage")
    assert found["checkpoints"].rows[1] == ("month_6", 3, None, None)
    assert found["checkpoints"].hidden == frozenset()  # no row says it is suppressed: a null is no figure
    assert found["gaps"].columns == ("metric", "female", "male", "difference", "ratio",
                                     "pairs.female_male.difference", "pairs.female_male.ratio",
                                     "pairs.female_non_binary.difference", "pairs.female_non_binary.ratio")
    assert found["breakdown"].columns == ("sex", "enrolled", "median_wage", "checkpoints.month_6.employed",
                                          "suppressed")
    assert found["breakdown"].rows[0][2] == Decimal("28500.00")
    assert found["breakdown"].hidden == {(0, 3)}
    assert column_label("pairs.female_non_binary.difference", "en") == "Female – Non-binary: difference"
    assert column_label("pairs.female_male.ratio", "tr") == "Kadın – Erkek: oran"
    assert column_label("checkpoints.month_6.employed", "en") == "6 months after leaving: Employed"


def test_indicators_breakdown_has_a_row_per_cell_and_indicator():
    row = {"indicator": "participants", **SEXES, "total": 6, "suppressed": True}
    report = {**HEADER, "framework": "esf_plus", "period_basis": {"outputs": "entry", "results": "exit"},
              "indicators": [row],
              "breakdown": [{"district": "Buca", "indicators": [row, {**row, "indicator": "employed"}],
                             "suppressed": True}]}
    found = by_title(tables("indicators", report, {}))
    assert ("period_basis.outputs", "entry") in found["summary"].rows
    breakdown = found["breakdown"]
    assert breakdown.columns == ("district", "indicator", "female", "male", "non_binary", "undisclosed", "total",
                                 "suppressed")
    assert [r[:2] for r in breakdown.rows] == [("Buca", "participants"), ("Buca", "employed")]
    assert breakdown.hidden == {(0, 3), (1, 3)}
    text = to_csv(list(found.values()), "en").decode("utf-8-sig")
    assert "Period basis: Outputs,Entry date" in text  # the basis by its label, never its code
    assert "Period basis: Outputs,entry" not in text
    assert "Buca,Participants,6,[c],0,0,6,Yes" in text.replace("\r\n", "\n")


def test_a_pack_and_the_funnel_render_through_the_same_walk():
    pack = {**HEADER, "framework": "ilo", "placements": 12,
            "indicators": [{"indicator": "placements", "currency": None, "unit": "placements", **SEXES,
                            "total": 12, "suppressed": True}],
            "gender_pay_gap": [{"currency": "TRY", "pair": "female_male", "gap": None}],
            "gaps": [{"indicator": "formal_share", "currency": None, "pair": "female_male", "difference": None,
                      "ratio": None}]}
    found = by_title(tables("indicators", pack, {}))
    assert list(found) == ["summary", "indicators", "gender_pay_gap", "gaps"]
    assert found["indicators"].hidden == {(0, 4)}
    funnel = {**HEADER, "stages": [{"stage": "enrolled", "exit_reason": None, **SEXES, "total": 6,
                                    "share_of_enrolled": {"female": 1.0, "male": None}, "suppressed": True}],
              "breakdown": [{"sex": "female", "stages": [{"stage": "enrolled", "exit_reason": None, "total": 6,
                                                          "suppressed": False}]}]}
    found = by_title(tables("funnel", funnel, {}))
    assert found["stages"].columns[-3:] == ("share_of_enrolled.female", "share_of_enrolled.male", "suppressed")
    assert found["stages"].hidden == {(0, 3), (0, 8)}
    assert found["breakdown"].rows == (("female", "enrolled", None, 6, False),)
