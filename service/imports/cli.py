"""`pathways import trainees FILE`: register the trainees of a CSV file, with a progress bar.

Standard output gets one JSON line, the summary; standard error the progress bar, the file's
reading and every row not imported (`line N: field: reason`). Exit status: 0 when no row was
invalid, 1 when some were (the valid ones are imported all the same, unless --dry-run) or the
import stopped, 2 when the input is unusable (file, organisation, header).
"""

from __future__ import annotations

import json
import sys
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from pathlib import Path
from typing import NoReturn

import click

from service.bootstrap import Pathways
from service.bootstrap import bootstrap as build
from service.db.session import DATABASE_UNAVAILABLE
from service.domain.errors import ConfigurationError, NotFound
from service.imports import reading
from service.imports.trainees import DEFAULT_BATCH_SIZE, Problem, Summary, find_organisation, import_trainees
from service.translations import LANGUAGES

INVALID_ROWS = 1
STOPPED = 1
UNUSABLE_INPUT = 2

RESUME_HINT = "Whole batches imported so far stay imported; run the same command again to import the rest."


@click.group("import", help="Bulk imports from files.")
def import_group() -> None:
    pass


@import_group.command("trainees", help=(
    "Register the trainees of a CSV file (UTF-8, or the organisation's legacy encoding; ',' or ';'). "
    "The header names the fields of POST /api/v1/trainees: given_name, family_name, national_id, sex, "
    "birth_date, settlement_type, education_level, labour_status and consent are required; phone, "
    "email, district, citizenship (ISO 3166-1 alpha-2) and vulnerable_groups ('|' or space separated) "
    "are optional. sex is female, male, non_binary or undisclosed (a file that says other must choose "
    "one of the last two); a coded value may be written as its label in English, Turkish, Swedish or "
    "Spanish (Kadın, Urbana), a birth date also as 14.03.1999 or 14/03/1999. Rows whose national "
    "id is registered already are reported, not imported twice, so a re-run resumes an interrupted "
    "import. Prints a JSON summary; exits 1 if some rows were invalid, 2 if the input is unusable."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--org-slug", required=True, help="The organisation the trainees belong to.")
@click.option("--dry-run", is_flag=True, help="Check every row and report the bad ones; write nothing.")
@click.option("--encoding", help="The file's encoding, e.g. cp1254 or cp1252 "
                                 "[default: UTF-8, else the organisation country's legacy encoding]")
@click.option("--delimiter", type=click.Choice(reading.DELIMITERS),
              help="[default: sniffed from the header line]")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="The file's language: a date that reads two ways (03/04/1999) is read month first in en, "
                   "day first in tr, sv and es.")
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH_SIZE, show_default=True,
              help="Rows per transaction.")
@click.option("--processes", type=click.IntRange(min=1),
              help="Processes that check rows while this one writes; 1 checks them in this process "
                   "[default: one per CPU, for files of more than one batch]")
def trainees(file: Path, org_slug: str, dry_run: bool, encoding: str | None, delimiter: str | None,
             batch_size: int, processes: int | None, language: str = "en") -> None:
    try:
        pathways = build()
    except ConfigurationError as error:
        _exit(UNUSABLE_INPUT, str(error))
    try:
        summary = _import(pathways, file, org_slug, dry_run=dry_run, encoding=encoding, delimiter=delimiter,
                          batch_size=batch_size, processes=processes, language=language)
    finally:
        pathways.dispose()
    click.echo(json.dumps(asdict(summary)))
    sys.exit(INVALID_ROWS if summary.invalid else 0)


def _import(pathways: Pathways, file: Path, org_slug: str, *, dry_run: bool, encoding: str | None,
            delimiter: str | None, batch_size: int, processes: int | None, language: str = "en") -> Summary:
    try:
        organisation = find_organisation(pathways, org_slug)
        table = reading.read_table(file, country=organisation.country, encoding=encoding, delimiter=delimiter,
                                   language=language)
        click.echo(f"{file}: {table.encoding}, {table.delimiter!r}-separated, {table.lines} lines after the header",
                   err=True)
        drawn = sys.stderr.isatty()  # else click prints the label only, and no bar to print over
        with click.progressbar(length=max(table.lines, 1), label="Checking" if dry_run else "Importing",
                               file=sys.stderr) as bar:
            def report(last_line: int, problems: list[Problem]) -> None:
                if problems and drawn:
                    click.echo("\r\x1b[K", nl=False, err=True)  # clear the bar's line, to print over it
                for problem in problems:
                    click.echo(str(problem), err=True)
                bar.update(last_line - table.header_lines - bar.pos)

            return import_trainees(pathways, organisation, table, dry_run=dry_run, batch_size=batch_size,
                                   processes=processes, on_batch=report)
    except (NotFound, reading.UnusableInput) as error:
        _exit(UNUSABLE_INPUT, str(error))
    except DATABASE_UNAVAILABLE as error:
        _exit(STOPPED, f"the database is unavailable ({error.orig.__class__.__name__}). {RESUME_HINT}")
    except BrokenProcessPool:
        _exit(STOPPED, f"a process checking rows ended abruptly (killed, or out of memory?). {RESUME_HINT}")
    except KeyboardInterrupt:
        click.echo(f"\nInterrupted. {RESUME_HINT}", err=True)
        raise click.Abort() from None


def _exit(status: int, message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)
