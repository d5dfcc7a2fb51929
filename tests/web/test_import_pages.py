"""The admin's import page: upload (CSV, XLSX), columns mapped, every row's errors in the reader's language,
likely duplicates, the rejected rows' download, and the import run by a worker (service.imports.jobs)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select, update

from service.db.models import ImportJob, Trainee
from service.domain.roles import Role
from service.imports import jobs
from tests import factories

TURKISH_HEADER = "Ad;Soyad;TC Kimlik No;Cinsiyet;Doğum Tarihi;Yerleşim;Eğitim Durumu;Çalışma Durumu;Onay\n"


def _row(given: str, family: str, *, birth: str = "2001-04-02", national_id: str | None = None,
         sex: str = "female") -> str:
    number = factories.tckn() if national_id is None else national_id
    return f"{given};{family};{number};{sex};{birth};urban;upper_secondary;unemployed;evet\n"


def _upload(client, content: bytes, name: str = "kursiyerler.csv"):
    return client.post_form("/admin/import", data={"file": (io.BytesIO(content), name)},
                            content_type="multipart/form-data")


def _job_id(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return re.search(r"/admin/import/([0-9a-f-]{36})", response.headers["Location"]).group(1)


def _map_as_proposed(client, job_id: str) -> str:
    page = client.get(f"/admin/import/{job_id}/columns").get_data(as_text=True)
    chosen = dict(re.findall(r'name="(column-\d+)".*?<option value="([a-z_]+)" selected', page, re.DOTALL))
    response = client.post_form(f"/admin/import/{job_id}/columns", data=chosen)
    assert response.status_code == 302
    return page


@pytest.fixture
def admin(sign_in):
    return sign_in(Role.ADMIN, language="tr")


def test_a_turkish_csv_is_mapped_by_its_headers_and_its_bad_row_told_in_turkish(admin):
    content = TURKISH_HEADER + _row("Ayşe", "Kaya") + _row("Elif", "Demir", birth="31.02.1998")
    job_id = _job_id(_upload(admin, content.encode()))
    columns = _map_as_proposed(admin, job_id)
    for header, field in (("Ad", "given_name"), ("Soyad", "family_name"), ("TC Kimlik No", "national_id"),
                          ("Doğum Tarihi", "birth_date"), ("Onay", "consent")):
        assert re.search(rf">{header}</th>.*?<option value=\"{field}\" selected", columns, re.DOTALL), header
    page = admin.get(f"/admin/import/{job_id}").get_data(as_text=True)
    assert "31.02.1998" in page  # the bad value, echoed
    assert "Geçerli bir tarih değil." in page  # "Not a valid date." from the errors catalogue
    assert "1998-03-21" in page  # the expected format, named
    assert "Not a valid" not in page


def test_an_xlsx_workbook_is_previewed_with_dates_and_numbers_as_written(admin):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nombre", "Apellido", "Cédula", "Sexo", "Fecha de nacimiento", "Zona", "Nivel educativo",
                  "Situación laboral", "Consentimiento"])
    from datetime import datetime
    sheet.append(["Ana", "Gómez", int(factories.tckn()), "femenino", datetime(2000, 5, 6), "urban", "tertiary",
                  "unemployed", "sí"])
    buffer = io.BytesIO()
    book.save(buffer)
    admin.set_cookie("pathways_lang", "es")
    job_id = _job_id(_upload(admin, buffer.getvalue(), "personas.xlsx"))
    _map_as_proposed(admin, job_id)
    page = admin.get(f"/admin/import/{job_id}").get_data(as_text=True)
    assert "femenino" in page and "Mujer (female)" in page  # the value echoed, the codes named with their labels
    assert "Debe ser uno de" in page  # "Must be one of: ...", in Spanish
    assert "2000-05-06" not in page  # the date cell read as a date: no error about it


def test_the_rows_with_errors_download_with_their_columns_and_the_error(admin):
    content = TURKISH_HEADER + _row("Ayşe", "Kaya") + _row("Elif", "Demir", national_id="12345678901")
    job_id = _job_id(_upload(admin, content.encode()))
    _map_as_proposed(admin, job_id)
    response = admin.get(f"/admin/import/{job_id}?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [*TURKISH_HEADER.strip().split(";"), "Hatalar"]
    assert len(rows) == 2 and rows[1][:3] == ["Elif", "Demir", "12345678901"]
    assert rows[1][-1].startswith("T.C. kimlik") or "kimlik" in rows[1][-1].lower()


def test_likely_duplicates_are_listed_and_imported_only_when_chosen(admin, client, tenant, pathways):
    known = client.post("/api/v1/trainees", json=factories.trainee_body(given_name="Zeynep", family_name="Aydın",
                                                                        birth_date="1999-09-09"),
                        headers=tenant.headers[Role.ADMIN]).get_json()
    header = TURKISH_HEADER.replace("TC Kimlik No", "no_document_reason")
    content = (header + _row("Zeynep", "Aydın", birth="1999-09-09", national_id="asylum_pending")
               + _row("Zeynep", "Aydin", birth="1999-09-09", national_id="asylum_pending")
               + _row("Deniz", "Yıldız", national_id="asylum_pending"))
    job_id = _job_id(_upload(admin, content.encode()))
    _map_as_proposed(admin, job_id)
    page = admin.get(f"/admin/import/{job_id}").get_data(as_text=True)
    assert page.count(f"/people/{known['id']}") == 2 or page.count(known["id"]) >= 2
    anyway = re.findall(r'name="import_anyway" value="(\d+)"', page)
    assert anyway == ["0", "1"]
    response = admin.post_form(f"/admin/import/{job_id}/start", data={"duplicates": "chosen", "import_anyway": "0"})
    assert response.status_code == 302
    assert jobs.run_next(pathways) == uuid.UUID(job_id)
    with pathways.uow() as uow:
        job = uow.session.get(ImportJob, uuid.UUID(job_id))
        assert (job.status, job.imported, job.duplicates, job.invalid) == ("done", 2, 1, 0)
        assert uow.session.scalar(select(func.count()).select_from(Trainee).where(
            Trainee.organisation_id == uuid.UUID(tenant.organisation_id), Trainee.given_name == "Zeynep")) == 2


def test_the_import_runs_once_with_its_counts_and_progress(admin, pathways, tenant, monkeypatch):
    content = TURKISH_HEADER + "".join(_row(f"Kişi{n}", "Kaya") for n in range(5)) + _row("Bad", "Row", sex="x")
    job_id = _job_id(_upload(admin, content.encode()))
    _map_as_proposed(admin, job_id)
    assert admin.post_form(f"/admin/import/{job_id}/start").status_code == 302
    queued = admin.get(f"/admin/import/{job_id}")
    assert queued.headers["Refresh"] == "2" and "Başlamayı bekliyor" in queued.get_data(as_text=True)
    again = admin.post_form(f"/admin/import/{job_id}/start", follow_redirects=True)
    assert "yalnızca bir kez" in again.get_data(as_text=True)
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    progress = []

    def seen():
        with pathways.uow() as uow:
            job = uow.session.get(ImportJob, uuid.UUID(job_id))
            progress.append((job.status, job.processed, job.imported, job.invalid))

    assert jobs.run_next(pathways, on_batch=seen) == uuid.UUID(job_id)
    assert progress == [("running", 2, 2, 0), ("running", 4, 4, 0), ("running", 6, 5, 1)]  # stored per batch
    assert jobs.run_next(pathways) is None  # queued once only
    done = admin.get(f"/admin/import/{job_id}")
    assert "Refresh" not in done.headers
    with pathways.uow() as uow:
        job = uow.session.get(ImportJob, uuid.UUID(job_id))
        assert (job.status, job.processed, job.imported, job.invalid, job.duplicates) == ("done", 6, 5, 1, 0)
        assert uow.session.scalar(select(func.count()).select_from(Trainee).where(
            Trainee.organisation_id == uuid.UUID(tenant.organisation_id), Trainee.family_name == "Kaya")) == 5
    rejected = admin.get(f"/admin/import/{job_id}?format=csv").get_data(as_text=True)
    assert "Bad;Row" not in rejected and "Bad,Row" in rejected


def test_only_admins_of_the_organisation_reach_the_page(sign_in, admin, other_tenant):
    for role in (Role.CASEWORKER, Role.MANAGER):
        assert sign_in(role).get("/admin/import").status_code == 403
    job_id = _job_id(_upload(admin, (TURKISH_HEADER + _row("Ayşe", "Kaya")).encode()))
    stranger = sign_in(Role.ADMIN, of=other_tenant)
    for path in (f"/admin/import/{job_id}", f"/admin/import/{job_id}/columns", f"/admin/import/{job_id}?format=csv"):
        assert stranger.get(path).status_code == 404
    assert stranger.post_form(f"/admin/import/{job_id}/start").status_code == 404


@pytest.mark.parametrize(("content", "name", "status", "told"), [
    (b"%PDF-1.4 binary", "report.pdf", 422, "CSV dosyası ya da XLSX"),
    (b"", "empty.csv", 422, "Dosya boş"),
    (TURKISH_HEADER.encode(), "header-only.csv", 422, "hiç kişi satırı"),
    (b"PK\x03\x04not really a workbook", "broken.xlsx", 422, "okunabilir bir XLSX"),
    (b"a;b\n" + b"x;y\n" * 50_000, "huge.csv", 413, "0.1 MB"),
])
def test_an_unusable_file_is_told_clearly_and_never_fails(admin, app, monkeypatch, content, name, status, told):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100 * 1024)  # a small limit: a small "huge" file
    response = _upload(admin, content, name)
    assert response.status_code == status
    assert told in response.get_data(as_text=True)


def test_a_mapping_without_a_required_field_is_refused_with_the_form_kept(admin):
    job_id = _job_id(_upload(admin, (TURKISH_HEADER + _row("Ayşe", "Kaya")).encode()))
    response = admin.post_form(f"/admin/import/{job_id}/columns", data={"column-0": "given_name",
                                                                        "column-1": "given_name"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "başka bir sütun" in page
    missing = re.search(r"eksik olanlar: ([^<]*)\.", page).group(1)
    assert "Doğum tarihi" in missing and "Yerleşim türü" in missing and "Açık rıza" in missing  # labels, not codes
    assert "_" not in missing and "settlement" not in missing


def test_old_jobs_are_deleted_with_their_cells(admin, pathways):
    kept, old_draft, old_done = (uuid.UUID(_job_id(_upload(admin, (TURKISH_HEADER + _row("Ayşe", "Kaya")).encode())))
                                 for _ in range(3))
    long_ago = jobs.utcnow() - jobs.KEEP_FINISHED - timedelta(days=1)
    with pathways.uow() as uow:
        uow.session.execute(update(ImportJob).where(ImportJob.id == old_draft).values(updated_at=long_ago))
        uow.session.execute(update(ImportJob).where(ImportJob.id == old_done).values(
            status=jobs.DONE, finished_at=long_ago))
        uow.commit()
    jobs.purge(pathways)
    with pathways.uow() as uow:
        assert set(uow.session.scalars(select(ImportJob.id).where(
            ImportJob.id.in_([kept, old_draft, old_done])))) == {kept}
    assert admin.get(f"/admin/import/{old_done}").status_code == 404


LABELLED_HEADER = "Ad;Soyad;TC Kimlik No;Cinsiyet;Doğum Tarihi;Yerleşim;Eğitim Durumu;Çalışma Durumu;Onay\n"


def test_turkish_labels_and_turkish_dates_are_imported_as_codes(admin, pathways, tenant):
    content = (LABELLED_HEADER + f"Ayşe;Kaya;{factories.tckn()};Kadın;14.03.1999;Kentsel;Lise;İşsiz;evet\n"
               + f"Elif;Kaya;{factories.tckn()};ERKEK;01.12.2000;kirsal;YÜKSEKÖĞRETİM;Uzun süreli işsiz;Evet\n")
    job_id = _job_id(_upload(admin, content.encode()))
    _map_as_proposed(admin, job_id)
    page = admin.get(f"/admin/import/{job_id}").get_data(as_text=True)
    assert "Aktarılmaya hazır: 2" in page and "import-problems" not in page
    assert "İçe aktarmayı başlat" in page
    assert admin.post_form(f"/admin/import/{job_id}/start").status_code == 302
    assert jobs.run_next(pathways) == uuid.UUID(job_id)
    with pathways.uow() as uow:
        people = {t.given_name: t for t in uow.session.scalars(select(Trainee).where(
            Trainee.organisation_id == uuid.UUID(tenant.organisation_id), Trainee.family_name == "Kaya"))}
    ayse, elif_ = people["Ayşe"], people["Elif"]
    assert (ayse.sex, str(ayse.birth_date), ayse.settlement_type, ayse.education_level, ayse.labour_status) == (
        "female", "1999-03-14", "urban", "upper_secondary", "unemployed")
    assert (elif_.sex, str(elif_.birth_date), elif_.settlement_type, elif_.education_level, elif_.labour_status) == (
        "male", "2000-12-01", "rural", "tertiary", "long_term_unemployed")


def test_spanish_labels_pass_and_a_label_of_the_wrong_kind_is_refused(admin):
    admin.set_cookie("pathways_lang", "es")
    header = "Nombre;Apellido;Cédula;Sexo;Fecha de nacimiento;Zona;Nivel educativo;Situación laboral;Consentimiento\n"
    content = (header + f"Ana;Gómez;{factories.tckn()};Mujer;03/04/1999;Rural;Educación terciaria;en desempleo;sí\n"
               + f"Luz;Ríos;{factories.tckn()};Urbana;14/03/1999;Rural;Educación terciaria;en desempleo;sí\n")
    job_id = _job_id(_upload(admin, content.encode()))
    _map_as_proposed(admin, job_id)
    page = admin.get(f"/admin/import/{job_id}").get_data(as_text=True)
    assert "Listas para importar: 1" in page
    problems = page[page.index('class="import-problems"'):]
    assert "Urbana" in problems and "Debe ser uno de" in problems  # a settlement label is no sex
    assert "Mujer (female)" in problems and "Educación terciaria" not in problems
    assert "se leen con el día primero" in page and "3 de abril de 1999" in page  # how 03/04/1999 was read


def test_a_header_equal_to_a_fields_label_is_matched_and_the_either_fields_marked(admin):
    header = ("Ad;Soyad;Kimlik belgesi olmama nedeni;Cinsiyet;Doğum Tarihi;Yerleşim türü;Eğitim düzeyi;"
              "Çalışma durumu;Açık rıza\n")
    content = header + "Ayşe;Kaya;Hiçbir kimlik belgesi yok;Kadın;14.03.1999;Kentsel;Lise;İşsiz;evet\n"
    job_id = _job_id(_upload(admin, content.encode()))
    columns = _map_as_proposed(admin, job_id)
    for label, field in (("Kimlik belgesi olmama nedeni", "no_document_reason"), ("Yerleşim türü", "settlement_type"),
                         ("Eğitim düzeyi", "education_level"), ("Çalışma durumu", "labour_status")):
        assert re.search(rf">{label}</th>.*?<option value=\"{field}\" selected", columns, re.DOTALL), label
    assert re.search(r'<option value="national_id">[^<]*†</option>', columns)
    assert re.search(r'<option value="no_document_reason"[^>]*>[^<]*†</option>', columns)
    assert "† ile işaretli" in columns


def test_no_start_button_when_no_row_is_ready(admin):
    content = TURKISH_HEADER + _row("Ayşe", "Kaya", sex="x") + _row("Elif", "Demir", birth="31.02.1998")
    job_id = _job_id(_upload(admin, content.encode()))
    _map_as_proposed(admin, job_id)
    page = admin.get(f"/admin/import/{job_id}").get_data(as_text=True)
    assert "Aktarılmaya hazır: 0" in page
    assert "İçe aktarmayı başlat" not in page and "Aktarılmaya hazır satır yok" in page
    refused = admin.post_form(f"/admin/import/{job_id}/start", follow_redirects=True).get_data(as_text=True)
    assert "Aktarılabilecek satır yok" in refused
    assert admin.get(f"/admin/import/{job_id}").headers.get("Refresh") is None  # still a draft
