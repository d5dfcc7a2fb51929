"""The import page of admins (issue 17): upload a CSV or XLSX file of trainees, map its columns, preview
every row's problems in the reader's language, choose what to do with likely duplicates, download the
rejected rows, and import in the background (a worker runs service.imports.jobs) with progress shown."""

from __future__ import annotations

import csv
import io
import uuid

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from service.api import context
from service.domain.errors import ValidationFailed
from service.domain.roles import ADMIN_ONLY
from service.domain.messages import Msg
from service.imports import jobs, reading, values
from service.translations import LANGUAGES, labels
from service.translations.localise import gettext as translated
from service.translations.localise import localise
from service.web.auth import page_requires
from service.web.forms import Form
from service.web.i18n import current_language

blp = Blueprint("import_pages", __name__)

#: What each field of a person is called on the mapping form.
FIELD_LABELS = {
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "national_id": _l("National identity number"),
    "no_document_reason": _l("Reason for having no document"),
    "confirm_sex_mismatch": _l("Sex differs from the identity number (confirmed)"),
    "sex": _l("Sex"),
    "birth_date": _l("Birth date"),
    "phone": _l("Phone"),
    "email": _l("Email address"),
    "district": _l("District"),
    "settlement_type": _l("Settlement type"),
    "education_level": _l("Education level"),
    "labour_status": _l("Labour status"),
    "vulnerable_groups": _l("Groups"),
    "citizenship": _l("Citizenship"),
    "consent": _l("Consent"),
    "not_duplicate_of": _l("Not the same person as (ids)"),
    jobs.ROW: _l("Row"),
}
#: Fields whose values are codes with labels (service/translations/labels.py).
_CODED = values.CODED
#: Each row needs one of these two: the national id, or the reason for having none.
EITHER = ("national_id", "no_document_reason")
_label_headers: dict[str, str] = {}


def label_headers() -> dict[str, str]:
    """Every field's label in every language, as a header (jobs._normal) -> the field: built once."""
    if not _label_headers:
        _label_headers.update({jobs._normal(translated(lang, lazy._args[0])): name
                               for name, lazy in FIELD_LABELS.items() if name != jobs.ROW
                               for lang in LANGUAGES})
    return _label_headers
#: Rows of problems shown on the preview (all of them are in the download).
SHOWN_PROBLEMS = 200


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def expected(name: str) -> str | None:
    """What a cell of `name` must hold, in the reader's language."""
    lang = current_language()
    if name in _CODED:
        return _("One of: %(values)s (the label in English, Turkish, Swedish or Spanish, or the code).",
                 values=", ".join(f"{label} ({code})" for code, label in labels.choices(_CODED[name], lang)))
    return {
        "birth_date": _("A date, for example 1998-03-21 or 21.03.1998."),
        "consent": _("yes (also evet, ja or sí): people are registered only with their consent."),
        "confirm_sex_mismatch": _("yes or no."),
        "email": _("An email address, for example name@example.org."),
        "citizenship": _("A two-letter country code (ISO 3166-1), for example TR, SE or CO."),
        "national_id": _("A valid number of the organisation's identity document, or an empty cell and a "
                         "reason for having no document."),
        "vulnerable_groups": _("Group codes of the organisation, separated by spaces or |."),
        "not_duplicate_of": _("Ids of registered people, separated by spaces."),
        jobs.ROW: _("As many cells as the first row has column headers."),
    }.get(name)


def _upload_limit() -> int:
    return current_app.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _index(form: Form | None = None, status: int = 200):
    return render_template("imports/index.html", form=form or Form(),
                           recent=jobs.recent(context.uow(), g.principal), limit=_megabytes(_upload_limit()),
                           max_rows=format_decimal(jobs.MAX_ROWS)), status


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    session = g.get("web_session")
    if session is None or request.endpoint != "import_pages.upload" or session.principal.role not in ADMIN_ONLY:
        return render_template("error.html", status=413, title=_("Too large"),
                               message=_("What was sent is larger than Pathways accepts.")), 413
    g.principal = session.principal
    form = Form(errors={"file": [_("The file is larger than %(size)s MB. Split it into smaller files and "
                                   "upload them one by one.", size=_megabytes(_upload_limit()))]})
    return _index(form, 413)


@blp.get("/admin/import")
@page_requires(ADMIN_ONLY)
def index():
    return _index()


@blp.post("/admin/import")
@page_requires(ADMIN_ONLY)
def upload():
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _index(Form(errors={"file": [_("Choose a CSV file or an XLSX workbook to upload.")]}), 422)
    raw = sent.stream.read(_upload_limit() + 1)
    if len(raw) > _upload_limit():
        raise RequestEntityTooLarge()
    pathways = context.pathways()
    organisation = jobs._organisation(context.uow(), g.principal.organisation_id)
    try:
        upload = jobs.read_upload(sent.filename, raw, country=organisation.country)
    except jobs.UnusableFile as error:
        return _index(Form(errors={"file": [localise(error.args[0], current_language())]}), 422)
    upload.language = current_language()  # how its dates that read two ways are read
    job_id = jobs.create(pathways, g.principal, sent.filename, upload, label_headers())
    flash(_("The file is read: %(rows)s rows. Check which field each column holds.", rows=len(upload.rows)),
          "success")
    return redirect(url_for("import_pages.columns", job_id=job_id))


def _field_options() -> list[tuple[str, str]]:
    """Each field with its mark: * required, † required unless the other of EITHER is given."""
    return [(name, f"{field_label(name)}{' *' if name in reading.REQUIRED_COLUMNS else ' †' if name in EITHER else ''}")
            for name in reading.COLUMNS]


def _columns_page(job, mapping: list[str], form: Form, status: int = 200):
    upload = jobs.opened(context.pathways(), job)
    samples = [[row[index] if index < len(row) else "" for row in upload.rows[:3]]
               for index in range(len(upload.headers))]
    return render_template("imports/columns.html", job=job, headers=upload.headers, mapping=mapping,
                           samples=samples, options=_field_options(), form=form), status


@blp.get("/admin/import/<uuid:job_id>/columns")
@page_requires(ADMIN_ONLY)
def columns(job_id: uuid.UUID):
    job = jobs.get(context.uow(), g.principal, job_id)
    if job.status != jobs.DRAFT:
        return redirect(url_for("import_pages.show", job_id=job_id))
    return _columns_page(job, job.mapping, Form())


@blp.post("/admin/import/<uuid:job_id>/columns")
@page_requires(ADMIN_ONLY)
def map_columns(job_id: uuid.UUID):
    job = jobs.get(context.uow(), g.principal, job_id)
    if job.status != jobs.DRAFT:
        return redirect(url_for("import_pages.show", job_id=job_id))
    mapping = [request.form.get(f"column-{index}", "").strip() for index in range(len(job.mapping))]
    try:
        jobs.save_mapping(context.uow(), g.principal, job_id, mapping)
    except ValidationFailed as failed:
        missing = [name for name in reading.REQUIRED_COLUMNS if name not in mapping]
        if missing:  # the fields by their labels, not their codes
            failed.errors["_form"] = [_("Choose a column for every required field; missing: %(fields)s.",
                                        fields=", ".join(field_label(name) for name in missing))]
        return _columns_page(job, mapping, Form(values=request.form).fail(failed), 422)
    return redirect(url_for("import_pages.show", job_id=job_id))


#: The domain's messages that name the API's fields, as the page words them.
_REWORDED = {
    "Only for a person registered without any document: leave it out beside documents or national_id.":
        _l("Only for a person without any identity document: leave it empty when the row has a national "
           "identity number."),
    "Required when the person has no document (documents or national_id). Must be one of: {choices}.":
        _l("Required when the row has no national identity number."),
}


def _messages(messages) -> list[str]:
    lang = current_language()
    shown = []
    for message in map(jobs.message, messages):
        reworded = _REWORDED.get(message.msgid) if isinstance(message, Msg) else None
        shown.append(str(reworded) if reworded is not None else localise(message, lang))
    return shown


@blp.get("/admin/import/<uuid:job_id>")
@page_requires(ADMIN_ONLY)
def show(job_id: uuid.UUID):
    job = jobs.get(context.uow(), g.principal, job_id)
    if request.args.get("format") == "csv":
        return _rejected(job)
    if job.status != jobs.DRAFT:
        refresh = job.status in (jobs.QUEUED, jobs.RUNNING) and not request.args.get("still")
        response = Response(render_template("imports/progress.html", job=job, refresh=refresh))
        if refresh:
            response.headers["Refresh"] = "2"  # what <meta http-equiv="refresh"> does, without a script
        return response
    if not jobs.mapped_columns(job.mapping) or any(name not in job.mapping for name in reading.REQUIRED_COLUMNS):
        return redirect(url_for("import_pages.columns", job_id=job_id))
    checked = jobs.preview(context.pathways(), g.principal, job)
    problems = [(index, [(problem.field, problem.value, _messages(problem.messages), expected(problem.field))
                         for problem in found])
                for index, found in sorted(checked.problems.items())[:SHOWN_PROBLEMS]]
    return render_template("imports/preview.html", job=job, checked=checked, problems=problems,
                           shown=SHOWN_PROBLEMS, ready=_ready(checked), dates=_date_note(checked))


def _ready(checked: jobs.Preview) -> int:
    return checked.valid - len(checked.duplicates)


def _date_note(checked: jobs.Preview) -> str | None:
    """How the file's dates that read two ways (03/04/1999) were read, when it has any."""
    if "birth_date" not in checked.mapping:
        return None
    position = checked.mapping.index("birth_date")
    if not any(position < len(row) and values.ambiguous(row[position]) for row in checked.rows):
        return None
    if checked.language in values.MONTH_FIRST:
        return _("Dates such as 03/04/1999 are read month first, as usual in English: 4 March 1999. If the "
                 "file writes the day first, change the page's language to Turkish, Swedish or Spanish "
                 "and upload it again, or write the dates as 1999-04-03.")
    return _("Dates such as 03/04/1999 are read day first, as usual in this language: 3 April 1999. If the "
             "file writes the month first, write the dates as 1999-03-04.")


@blp.post("/admin/import/<uuid:job_id>/start")
@page_requires(ADMIN_ONLY)
def start(job_id: uuid.UUID):
    job = jobs.get(context.uow(), g.principal, job_id)
    if job.status != jobs.DRAFT:
        flash(_("This import has been started already; it runs once only."), "success")
        return redirect(url_for("import_pages.show", job_id=job_id))
    choice = request.form.get("duplicates", "chosen")
    anyway: dict[int, list[str]] = {}
    checked = jobs.preview(context.pathways(), g.principal, job)
    if choice != "skip_all":
        ticked = set(request.form.getlist("import_anyway"))
        for duplicate in checked.likely:
            if choice == "import_all" or str(duplicate.index) in ticked:
                anyway[duplicate.index] = [str(match.trainee_id) for match in duplicate.matches]
    if not _ready(checked) and not anyway:
        flash(_("No row can be imported: correct the rows with errors, or choose the people to import anyway."),
              "error")
        return redirect(url_for("import_pages.show", job_id=job_id))
    if jobs.start(context.uow(), g.principal, job_id, anyway):
        flash(_("The import has started. This page shows its progress."), "success")
    else:
        flash(_("This import has been started already; it runs once only."), "success")
    return redirect(url_for("import_pages.show", job_id=job_id))


def _rejected(job):
    """The rows not imported (before the import: the invalid ones), with the original columns and one
    more saying why, in the reader's language: to fix and upload again."""
    upload = jobs.opened(context.pathways(), job)
    reasons: dict[int, list[str]] = {}
    if job.status == jobs.DRAFT:
        for index, found in jobs.preview(context.pathways(), g.principal, job).problems.items():
            reasons[index] = [f"{field_label(p.field)}: {' '.join(_messages(p.messages))}" for p in found]
    else:
        for index, name, kind, messages in job.problems:
            reasons.setdefault(index, []).append(
                f"{field_label(name)}: {' '.join(_messages(messages))}" if kind == "invalid" else _duplicate_text(kind))
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([*upload.headers, _("Errors")])
    for index in sorted(reasons):
        if 0 <= index < len(upload.rows):
            writer.writerow([*upload.rows[index], " | ".join(reasons[index])])
    stem = job.file_name.rsplit(".", 1)[0] or "import"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_ascii(stem)}-rejected.csv"'})


def _duplicate_text(kind: str) -> str:
    return {jobs.REGISTERED: _("Already registered: not imported again."),
            jobs.LIKELY: _("Looks like someone registered already: not imported."),
            jobs.REPEATED: _("Repeats an earlier row of the file: not imported.")}.get(kind, kind)


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)[:80] or "import"


@blp.app_template_global()
def import_duplicate_text(kind: str) -> str:
    return _duplicate_text(kind)


@blp.app_template_global()
def import_field_label(name: str) -> str:
    return field_label(name)


_STATUS_LABELS = {
    jobs.DRAFT: _l("Not started: being checked"),
    jobs.QUEUED: _l("Waiting to start"),
    jobs.RUNNING: _l("Importing…"),
    jobs.DONE: _l("Done"),
    jobs.FAILED: _l("Stopped by an error"),
}


@blp.app_template_global()
def import_status(status: str) -> str:
    return str(_STATUS_LABELS.get(status, status))
