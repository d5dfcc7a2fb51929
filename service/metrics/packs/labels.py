"""Export labels (gettext msgids) of the packs' keys and values that the shared labels do not hold.

service.metrics.tables exports any answer generically and labels it through service.metrics.labels;
these are registered there when this module is imported.
"""

from __future__ import annotations

from service.metrics import labels
from service.metrics.packs import ilo, wioa
from service.translations import N_

#: Every indicator of every pack, as named in its rows.
INDICATORS: dict[str, str] = {**wioa.LABELS, **ilo.LABELS}

COLUMNS: dict[str, str] = {
    "reference_date": N_("Reference date (quarters and years ended before it)"),
    "exiters": N_("Exiters"),
    "placements": N_("Placements started"),
    "earnings_left_out": N_("Left out of the median earnings"),
    "missing_wage": N_("Employed, wage not known"),
    "other_currency": N_("Paid in another currency"),
    "pair": N_("Pair of sexes"),
    "gap": N_("Pay gap (second − first) / second"),
}

VALUES: dict[str, dict[str, str]] = {
    "indicator": INDICATORS,
    "section": {"gender_pay_gap": N_("Gender pay gap (hourly)")},
    "unit": {
        "people": N_("People"),
        "placements": N_("Placements"),
        "rate": N_("Rate"),
        "hours": N_("Hours"),
        "money": N_("Money"),
    },
    "period_basis": {"placement_start": N_("Start date of the job")},
    "framework": {"wioa": N_("WIOA (US)"), "ilo": N_("ILO decent work")},
}

labels.register(columns=COLUMNS, values=VALUES)
