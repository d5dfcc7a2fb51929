"""`pathways reference …`: an operator's loads of reference tables from official statistics.

`load-occupations` puts a country's national occupation sex-share table in place (every organisation of
that country whose admin loaded no table of its own reads it), from a CSV file, or without one the table
shipped with Pathways for that country. The file is checked whole: a fault anywhere loads nothing.
"""

from __future__ import annotations

import json
import sys

import click

from service.bootstrap import bootstrap as build
from service.domain.errors import DomainError
from service.domain.occupation_shares import CSV_COLUMNS, parse_csv
from service.services import occupation_shares


def _fail(error: dict) -> None:
    click.echo(json.dumps(error, default=str), err=True)
    sys.exit(1)


@click.group("reference", help="Reference tables from official statistics.")
def reference_group() -> None:
    pass


@reference_group.command(
    "load-occupations",
    help="Load a country's national table of employment shares by ISCO-08 major or sub-major group and sex "
         f"(CSV with the columns {', '.join(CSV_COLUMNS)}; shares from 0 to 1). Without FILE, the table shipped "
         "for that country. Prints JSON with the rows loaded.")
@click.option("--country", required=True, help="ISO 3166-1 alpha-2, e.g. TR")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
def load_occupations(country: str, file: str | None) -> None:
    path = file or occupation_shares.shipped_path(country)
    if file is None and not path.is_file():
        _fail({"error": f"No table is shipped for {country.upper()}: give a CSV file."})
    try:
        with open(path, encoding="utf-8-sig") as handle:
            rows = parse_csv(handle.read())
    except UnicodeDecodeError:
        _fail({"error": f"{path} is not UTF-8 text."})
    except DomainError as error:
        _fail({"error": error.detail, **error.extra})
    pathways = build()
    try:
        loaded = occupation_shares.load_national(pathways.uow(), country, rows)
    except DomainError as error:
        _fail({"error": error.detail, **error.extra})
    finally:
        pathways.dispose()
    click.echo(json.dumps({"country": country.upper(), "scope": occupation_shares.NATIONAL, "rows": loaded,
                           "file": str(path)}))
