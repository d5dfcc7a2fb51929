"""The caseworker's people pages: finding a person (by name, identity number and filters) and registering one.

Search reads with the roles that read the programme (managers too), as `GET /trainees` does; a search by
identity number, as in the API, is for the roles that register people. Registering is read with the
API's own schema (TraineeCreateSchema) and done by the same use case as `POST /trainees`, so the page
refuses exactly what the API refuses, each message beside its field in the reader's language. A likely
duplicate is shown before anything is saved: the caseworker opens the registered person or confirms
that this is someone else, which is recorded as the API's `not_duplicate_of` is.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields
from werkzeug.datastructures import MultiDict

from schemas.base import BaseSchema, Text, one_of
from schemas.trainees import TraineeCreateSchema, sex_field
from service.api import context
from service.domain import enrolments as enrolment_rules
from service.domain.errors import Conflict, ValidationFailed
from service.domain.messages import Msg
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import consent, directory, trainees
from service.translations import labels
from service.web import formatting, forms, i18n, paging
from service.web.auth import page_requires
from service.web.i18n import LANGUAGES, NATIVE_NAMES, current_language

blp = Blueprint("people", __name__)

#: How many identity documents the registration form offers (the API takes up to ten; two cover a
#: national number and a passport, and a person's page adds more).
DOCUMENT_ROWS = 2
DOCUMENT_PARTS = ("type", "number", "issuing_country")
#: The form's own controls, which are not fields of the schema.
SHOW_CONSENT = "show_consent"
CONFIRM_DISTINCT = "confirm_distinct"
CONSENT_LANGUAGE = "consent_language"  # also recorded with the consent (TraineeCreateSchema)


class SearchSchema(BaseSchema):
    """The search form: a name or an identity number, and the filters (query string, shareable)."""

    q = Text(max_length=200)
    document = Text(max_length=32)
    project = fields.UUID()
    cohort = fields.UUID()
    status = fields.String(validate=one_of(enrolment_rules.STATUSES))
    sex = sex_field()
    district = Text(max_length=100)


@blp.context_processor
def _helpers():
    return {"can_register": g.get("principal") is not None and g.principal.role in CASEWORK_WRITERS}


# Search ------------------------------------------------------------------------------------------------

def _number_as_document(args: MultiDict) -> MultiDict:
    """A name box holding a number and no letter (the home page's one box, "name or identity number")
    searches the documents, as the search page's own number box does."""
    typed = (args.get("q") or "").strip()
    if not typed or args.get("document") or any(c.isalpha() for c in typed) or sum(c.isdigit() for c in typed) < 5:
        return args
    moved = MultiDict(args)
    moved.pop("q")
    moved["document"] = typed
    return moved


@blp.get("/people")
@page_requires(PROGRAMME_READERS)
def search():
    lang = current_language()
    may_use_numbers = g.principal.role in CASEWORK_WRITERS
    data, form = forms.read(SearchSchema(), _number_as_document(request.args) if may_use_numbers else request.args)
    sort = paging.paging(directory.SORTABLE, "name")
    chosen = data or {}  # the chosen project narrows the cohorts offered; the chosen cohort stays offered
    choices = directory.filters(context.uow(), g.principal, lang, project_id=chosen.get("project"),
                                cohort_id=chosen.get("cohort"))
    if data is not None and data.get("document") and not may_use_numbers:
        form.fail({"document": [Msg("The {role} role may not do this.", role=g.principal.role)]})
        data = None
    found = None
    if data is not None:
        criteria = directory.Criteria(name=data.get("q"), document=data.get("document"),
                                      project_id=data.get("project"), cohort_id=data.get("cohort"),
                                      status=data.get("status"), sex=data.get("sex"), district=data.get("district"))
        try:
            if paging.wants_csv():
                return _csv(criteria, sort, lang)
            found = directory.search(context.uow(), g.principal, criteria, sort=sort.sort,
                                     descending=sort.descending, offset=sort.offset, limit=sort.size, lang=lang,
                                     vault=context.pathways().vault)
        except ValidationFailed as error:
            form.fail(error)
    paged = paging.Paged(found.rows, sort, found.total) if found is not None else None
    if paged is not None and not paged.rows and paged.total:  # a page past the last one (the list shrank)
        return redirect(url_for("people.search", **{**request.args.to_dict(), "page": paged.pages}))
    everyone = [("", _("All"))]
    return render_template(
        "people/search.html", form=form, paged=paged, may_use_numbers=may_use_numbers,
        project_options=everyone + [(str(choice.id), choice.name) for choice in choices.projects],
        cohort_options=everyone + [(str(choice.id), choice.name) for choice in choices.cohorts],
        status_options=everyone + labels.choices("enrolment_status", lang),
        sex_options=everyone + labels.choices("sex", lang),
    ), (200 if form.ok else 422)


def _csv(criteria: directory.Criteria, sort: paging.Paging, lang: str):
    found = directory.search(context.uow(), g.principal, criteria, sort=sort.sort, descending=sort.descending,
                             limit=paging.CSV_LIMIT, lang=lang, vault=context.pathways().vault, count=False)
    header = [_("Id"), _("Given name"), _("Family name"), _("Birth date"), _("Sex"), _("District"), _("Phone"),
              _("Registered on")]
    rows = ([str(p.id), p.given_name, p.family_name, p.birth_date.isoformat(), labels.label("sex", p.sex, lang),
             p.district, p.phone, p.registered_at.date().isoformat()] for p in found.rows)
    return paging.csv_response("people.csv", header, rows)


# Register ----------------------------------------------------------------------------------------------

@blp.get("/people/new")
@page_requires(CASEWORK_WRITERS)
def register():
    lang = current_language()
    return _register_page(forms.Form(values=MultiDict({CONSENT_LANGUAGE: lang})), status=200)


@blp.post("/people/new")
@page_requires(CASEWORK_WRITERS)
def register_person():
    submitted = request.form
    form = forms.Form(values=MultiDict(submitted))
    if SHOW_CONSENT in submitted:  # the consent in another language: nothing is checked or saved yet
        return _register_page(form, status=200)
    schema = TraineeCreateSchema()
    names = tuple(name for name in schema.fields if name not in ("documents", "not_duplicate_of", "national_id"))
    document = forms.document(schema, submitted, names)
    document["consent"] = submitted.get("consent") == "on"
    if rows := _documents(submitted):
        document["documents"] = rows
    document["not_duplicate_of"] = [part for part in submitted.get(CONFIRM_DISTINCT, "").split(",") if part]
    try:
        data = schema.load(document)
    except ValidationError as error:
        form.fail(_field_names(error.messages))
        if not document["consent"] and "consent" not in form.errors:
            form.fail({"consent": [Msg("Consent is required to register a trainee.")]})
        return _register_page(form, status=422)
    try:
        trainee = trainees.register(context.uow(), g.principal, data, context.pathways().vault)
    except ValidationFailed as error:
        form.fail(_field_names(error.errors))
        return _register_page(form, status=422)
    except Conflict as error:
        if "candidates" in error.extra:
            ids = [uuid.UUID(candidate["id"]) for candidate in error.extra["candidates"]]
            return _register_page(form, status=409,
                                  candidates=directory.people(context.uow(), g.principal, ids))
        if "existing_trainee_id" in error.extra:  # an identity number held by someone registered
            field = _number_field(submitted)
            form.fail({field: [error.detail]})
            return _register_page(form, status=409, holder=uuid.UUID(error.extra["existing_trainee_id"]))
        form.fail({forms.FORM_WIDE: [error.detail]})
        return _register_page(form, status=409)
    name = " ".join((trainee.given_name, trainee.family_name))
    flash(_("%(name)s is registered.", name=name), "success")
    return redirect(formatting.person_url(trainee.id) or url_for("people.search", q=name))


def _documents(submitted: MultiDict) -> list[dict]:
    """The document rows the caseworker filled in (a row left blank is no document)."""
    found = []
    for index in range(DOCUMENT_ROWS):
        row = {part: (submitted.get(f"documents-{index}-{part}") or "").strip() for part in DOCUMENT_PARTS}
        if row["type"] or row["number"]:
            found.append({part: value for part, value in row.items() if value})
    return found


def _number_field(submitted: MultiDict) -> str:
    filled = [index for index in range(DOCUMENT_ROWS) if (submitted.get(f"documents-{index}-number") or "").strip()]
    return f"documents-{filled[0]}-number" if len(filled) == 1 else forms.FORM_WIDE


def _field_names(messages: dict, prefix: str = "") -> dict[str, list]:
    """Messages keyed as the form names its fields: documents.0.number (the domain's) and documents-0-number
    (a nested schema's) alike; a message about one of the groups goes beside the groups. The messages
    themselves are kept as they are (a `Msg` is translated with its values by `form.fail`)."""
    flat: dict[str, list] = {}
    for key, value in messages.items():
        name = f"{prefix}-{key}" if prefix else str(key)
        if isinstance(value, dict):
            for inner, found in _field_names(value, name).items():
                flat.setdefault(inner, []).extend(found)
            continue
        name = name.replace(".", "-")
        if name.startswith("vulnerable_groups-"):
            name = "vulnerable_groups"
        flat.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return flat


def _register_page(form: forms.Form, *, status: int, candidates: list | None = None,
                   holder: uuid.UUID | None = None):
    lang = current_language()
    setup = directory.registration(context.uow(), g.principal)
    consent_lang = form.value(CONSENT_LANGUAGE) if form.value(CONSENT_LANGUAGE) in LANGUAGES else lang
    groups = [(entry.key, formatting.group_label(entry)) for entry in setup.groups]
    countries = i18n.countries()
    return render_template(
        "people/register.html", form=form, status=status, candidates=candidates or [], holder=holder,
        document_rows=range(DOCUMENT_ROWS),
        document_types=[(name, labels.label("document_type", name, lang)) for name in setup.document_types],
        no_document_reasons=labels.choices("no_document_reason", lang),
        sexes=labels.choices("sex", lang), settlement_types=labels.choices("settlement_type", lang),
        education_levels=labels.choices("education_level", lang),
        labour_statuses=labels.choices("labour_status", lang), groups=groups, countries=countries,
        consent_lang=consent_lang, consent_text=consent.text_for(context.uow(), g.principal, consent_lang).text,
        consent_languages=[(code, NATIVE_NAMES[code]) for code in LANGUAGES],
        confirm_distinct=",".join(str(candidate.id) for candidate in candidates or []),
    ), status

