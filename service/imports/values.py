"""Values of an import's cells as offices write them: a coded field's label in any of our languages
("Kadın", "Kentsel", "Lise", "Desempleado") for its code, and a birth date in the usual form of the
file's language ("14.03.1999", "14/03/1999") as an ISO date. Codes and ISO dates are taken as they are;
anything else is handed on unchanged, for the schema to refuse with its message."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache

from service.translations import LANGUAGES, labels

#: The fields whose values are codes, and the kind of their labels (service.translations.labels).
CODED = {"sex": "sex", "settlement_type": "settlement_type", "education_level": "education_level",
         "labour_status": "labour_status", "no_document_reason": "no_document_reason"}
#: Languages whose spreadsheets write an ambiguous date (03/04/1999) month first; the others day first.
MONTH_FIRST = frozenset({"en"})

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_MONTH = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})([./])(\d{1,2})\2(\d{1,2})")


def fold(text: str) -> str:
    """`text` as compared: case, accents, the dotless i, punctuation and spacing ignored."""
    text = text.strip().casefold().replace("ı", "i")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


@cache
def by_label(kind: str) -> dict[str, str]:
    """Folded label (in every language) or code -> code, for one kind; a label two codes share is left out."""
    found: dict[str, set[str]] = {}
    for value in labels.LABELS[kind]:
        for word in (value, *(labels.label(kind, value, lang) for lang in LANGUAGES)):
            found.setdefault(fold(word), set()).add(value)
    return {word: next(iter(codes)) for word, codes in found.items() if len(codes) == 1}


def code(field: str, cell: str) -> str:
    """The code a cell of a coded field names by its code or its label; else the cell unchanged."""
    kind = CODED[field]
    if cell in labels.LABELS[kind]:
        return cell
    return by_label(kind).get(fold(cell), cell)


def is_iso(cell: str) -> bool:
    return _ISO.fullmatch(cell.strip()) is not None


def iso_date(cell: str, language: str = "en") -> str:
    """A date written day.month.year (dots: always day first), day/month/year or month/day/year
    (slashes or dashes: the part over 12 is the day; when both could be, `language` decides, see
    MONTH_FIRST) or year.month.day, as an ISO date; anything else unchanged."""
    text = cell.strip()
    if _ISO.fullmatch(text):
        return text
    if match := _DAY_MONTH.fullmatch(text):
        first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
        month_first = separator != "." and first <= 12 and (second > 12 or language in MONTH_FIRST)
        day, month = (second, first) if month_first else (first, second)
    elif match := _YEAR_FIRST.fullmatch(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    else:
        return cell
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return cell


def ambiguous(cell: str) -> bool:
    """Whether `language` decides how the date in `cell` is read (03/04/1999, not 14/03/1999 nor 03.04.1999)."""
    match = _DAY_MONTH.fullmatch(cell.strip())
    return match is not None and match[2] != "." and int(match[1]) <= 12 and int(match[3]) <= 12
