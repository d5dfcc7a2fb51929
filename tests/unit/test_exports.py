"""Exports read back as the figures and labels they were given, in English and Turkish,
and never carry a formula a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from service.metrics.exports import Table, to_csv, to_xlsx
from service.metrics.labels import column_label, value_label

SUMMARY = Table(
    title="summary",
    columns=("reached", "target", "progress", "median_wage", "currency", "as_of"),
    rows=((120, 200, 0.6, Decimal("1234.50"), "EUR", date(2025, 3, 31)),),
)
BREAKDOWN = Table(
    title="breakdown",
    columns=("sex", "settlement_type", "district", "reached", "suppressed"),
    rows=(
        ("female", "rural", "Buca", 70, False),
        ("male", "urban", "Konak", None, True),
        ("total", "total", None, 120, False),
    ),
    categorical=frozenset({"sex", "settlement_type"}),
)
GAPS = Table(
    title="gaps",
    columns=("metric", "female", "male", "difference", "ratio"),
    rows=(("placement_rate", 0.40, 0.45, -0.05, Decimal("0.8889")),),
    categorical=frozenset({"metric"}),
)
INJECTIONS = ("=SUM(A1)", "+1", "-x", "@cmd", "\tstart", "\r=1+1")
HOSTILE = Table(
    title="breakdown",
    columns=("district", "project", "reached"),
    rows=tuple((text, text, -3) for text in INJECTIONS),
)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


# Labels --------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale, expected", [
    ("en", "Placement rate"), ("tr", "İşe yerleşme oranı"), ("tr-TR", "İşe yerleşme oranı"),
    ("tr_TR", "İşe yerleşme oranı"), ("sv", "Andel som fått arbete"), ("es-CO", "Tasa de colocación"),
    ("en-GB", "Placement rate"), ("fr", "Placement rate"), ("", "Placement rate"),
])
def test_column_labels_follow_the_language_part_of_the_locale(locale, expected):
    assert column_label("placement_rate", locale) == expected


def test_values_booleans_totals_and_unknowns():
    assert value_label("sex", "female", "tr") == "Kadın"
    assert value_label("labour_status", "long_term_unemployed", "tr") == "Uzun süreli işsiz"
    assert value_label("education_level", "tertiary", "en") == "Tertiary"
    assert value_label("age_band", "55+", "tr") == "55+"
    assert value_label("met", True, "tr") == "Evet"
    assert value_label("suppressed", False, "tr") == "Hayır"
    assert value_label("met", True, "sv") == "Ja"
    assert value_label("met", True, "fr") == "Yes"
    assert value_label("sex", "total", "tr") == "Toplam"
    assert value_label("indicator", "minorities_incl_roma", "en") == "Minorities, incl. Roma"
    assert value_label("indicator", "participants", "tr") == "Katılımcılar"
    assert value_label("section", "gaps", "tr") == "Cinsiyet farkları"
    assert value_label("dimension", "settlement_type", "tr") == "Yerleşim türü"
    assert value_label("value", "rural", "tr") == "Kırsal"
    assert value_label("value", ["18-24", "25-29"], "en") == "18-24, 25-29"
    assert value_label("district", "Buca", "tr") == "Buca"
    assert value_label("sex", 7, "en") == "7"
    assert column_label("no_such_column", "tr") == "no_such_column"


# CSV -----------------------------------------------------------------------------------------

def test_csv_tables_in_english():
    data = to_csv([SUMMARY, BREAKDOWN, GAPS], "en")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert read_csv(data) == [
        ["Summary"],
        ["Reached", "Target", "Progress", "Median wage", "Currency", "As of"],
        ["120", "200", "0.6", "1234.50", "EUR", "2025-03-31"],
        [],
        ["Breakdown"],
        ["Sex", "Settlement type", "District", "Reached", "Suppressed"],
        ["Female", "Rural", "Buca", "70", "No"],
        ["Male", "Urban", "Konak", "", "Yes"],
        ["Total", "Total", "", "120", "No"],
        [],
        ["Gender gaps"],
        ["Metric", "Female", "Male", "Difference (female − male)", "Ratio (female / male)"],
        ["Placement rate", "0.4", "0.45", "-0.05", "0.8889"],
    ]


def test_csv_in_turkish_for_tr_tr():
    rows = read_csv(to_csv([BREAKDOWN, GAPS], "tr-TR"))
    assert rows[0] == ["Kırılım"]
    assert rows[1] == ["Cinsiyet", "Yerleşim türü", "İlçe", "Ulaşılan", "Gizlendi"]
    assert rows[2] == ["Kadın", "Kırsal", "Buca", "70", "Hayır"]
    assert rows[3] == ["Erkek", "Kentsel", "Konak", "", "Evet"]
    assert rows[4] == ["Toplam", "Toplam", "", "120", "Hayır"]
    assert rows[6:8] == [["Cinsiyet farkları"],
                         ["Ölçüt", "Kadın", "Erkek", "Fark (kadın − erkek)", "Oran (kadın / erkek)"]]
    # Decimals keep the point in every language: the file is data, not a report.
    assert rows[8] == ["İşe yerleşme oranı", "0.4", "0.45", "-0.05", "0.8889"]


def test_csv_unknown_locale_falls_back_to_english():
    assert to_csv([BREAKDOWN], "fr") == to_csv([BREAKDOWN], "en")


def test_csv_defuses_formula_text_but_not_negative_numbers():
    rows = read_csv(to_csv([HOSTILE], "en"))[2:]
    assert rows == [["'" + text, "'" + text, "-3"] for text in INJECTIONS]


def test_csv_of_no_tables_is_just_the_bom():
    assert to_csv([], "en") == b"\xef\xbb\xbf"


# XLSX ----------------------------------------------------------------------------------------

def test_xlsx_one_typed_sheet_per_table_in_english():
    book = read_xlsx(to_xlsx([SUMMARY, BREAKDOWN, GAPS], "en"))
    assert book.sheetnames == ["Summary", "Breakdown", "Gender gaps"]

    summary = book["Summary"]
    assert [c.value for c in summary[1]] == ["Reached", "Target", "Progress", "Median wage",
                                             "Currency", "As of"]
    assert all(c.font.bold for c in summary[1])
    assert summary.freeze_panes == "A2"
    reached, target, progress, wage, currency, as_of = (c.value for c in summary[2])
    assert (reached, target, currency) == (120, 200, "EUR")
    assert type(reached) is int
    assert progress == pytest.approx(0.6) and wage == pytest.approx(1234.5)
    assert as_of.date() == date(2025, 3, 31)
    assert summary.column_dimensions["A"].width >= len("Reached")

    breakdown = book["Breakdown"]
    assert [[c.value for c in row] for row in breakdown.iter_rows(min_row=2)] == [
        ["Female", "Rural", "Buca", 70, "No"],
        ["Male", "Urban", "Konak", None, "Yes"],
        ["Total", "Total", None, 120, "No"],
    ]

    gaps = book["Gender gaps"]
    difference = gaps["D2"]
    assert difference.value == pytest.approx(-0.05) and difference.data_type == "n"
    assert gaps["A2"].value == "Placement rate"


def test_xlsx_in_turkish_for_tr_tr():
    book = read_xlsx(to_xlsx([SUMMARY, BREAKDOWN], "tr-TR"))
    assert book.sheetnames == ["Özet", "Kırılım"]
    assert book["Özet"]["D1"].value == "Medyan ücret"
    assert [c.value for c in book["Kırılım"][2]] == ["Kadın", "Kırsal", "Buca", 70, "Hayır"]


def test_xlsx_unknown_locale_falls_back_to_english():
    book = read_xlsx(to_xlsx([BREAKDOWN], "de"))
    assert book.sheetnames == ["Breakdown"]
    assert book["Breakdown"]["A2"].value == "Female"


def test_xlsx_stores_formula_text_as_text():
    sheet = read_xlsx(to_xlsx([HOSTILE], "en"))["Breakdown"]
    for row, text in zip(sheet.iter_rows(min_row=2), INJECTIONS):
        district, project, reached = row
        for cell in (district, project):
            # XML parsers read a stored carriage return as a line feed.
            assert cell.value == text.replace("\r", "\n")
            assert cell.data_type == "s" and cell.data_type != "f"
            assert cell.quotePrefix
        assert reached.value == -3 and reached.data_type == "n"


def test_xlsx_sheet_names_are_valid_and_unique():
    tables = [Table(title=title, columns=("reached",), rows=((1,),))
              for title in ("breakdown", "breakdown", "a/b:c*d?e[f]g\\h", "x" * 40, "X" * 40)]
    names = read_xlsx(to_xlsx(tables, "en")).sheetnames
    assert names[:3] == ["Breakdown", "Breakdown (2)", "abcdefgh"]
    assert names[3] == "x" * 31 and names[4] == "X" * 27 + " (2)"
    assert all(len(name) <= 31 for name in names)


def test_xlsx_writes_aware_datetimes_in_utc():
    table = Table(title="summary", columns=("as_of",),
                  rows=((datetime(2025, 3, 31, 12, 30, tzinfo=timezone.utc),),))
    cell = read_xlsx(to_xlsx([table], "en"))["Summary"]["A2"]
    assert cell.value == datetime(2025, 3, 31, 12, 30)
    assert "UTC" in cell.number_format


def test_rows_must_match_the_columns():
    with pytest.raises(ValueError, match="row 0"):
        Table(title="summary", columns=("reached", "target"), rows=((1,),))


# Hidden figures (issue 14, item 9): marked in every table of every sheet, explained in the reader's language

HIDDEN = Table(
    title="breakdown",
    columns=("sex", "reached", "suppressed"),
    rows=(("female", None, True), ("male", None, True), ("non_binary", 0, False)),
    categorical=frozenset({"sex"}),
    hidden=frozenset({(0, 1), (1, 1)}),
    min_cell_size=5,
)
NOTE = {"en": "[c] = hidden to protect the people counted: a count of 1 to 4 people (the minimum cell size is 5), "
              "or a figure from which one could be worked out. Totals are exact.",
        "tr": "[g] = sayılan kişileri korumak için gizlendi: 1 ile 4 arasında kişiyi gösteren bir sayı (en küçük hücre "
              "büyüklüğü 5) ya da böyle bir sayının hesaplanabileceği bir değer. Toplamlar kesindir.",
        "sv": "[c] = dolt för att skydda de personer som räknas: ett antal på 1 till 4 personer (minsta cellstorlek "
              "är 5), eller en siffra som ett sådant antal skulle kunna räknas fram ur. Summorna är exakta.",
        "es": "[c] = oculto para proteger a las personas contadas: un recuento de 1 a 4 personas (el tamaño mínimo "
              "de celda es 5), o una cifra a partir de la cual podría deducirse. Los totales son exactos."}


@pytest.mark.parametrize("locale, lang", [("en", "en"), ("tr-TR", "tr"), ("sv", "sv"), ("es", "es"), ("fr", "en")])
def test_csv_marks_hidden_cells_and_explains_the_marker_under_the_table(locale, lang):
    marker = "[g]" if lang == "tr" else "[c]"
    rows = read_csv(to_csv([SUMMARY, HIDDEN], locale))
    table = rows[rows.index([]) + 1:]
    assert [row[1] for row in table[2:5]] == [marker, marker, "0"]
    assert table[5] == [NOTE[lang]]
    assert [NOTE[lang]] not in rows[:rows.index([])]  # a table without hidden cells has no note


@pytest.mark.parametrize("locale, lang", [("en", "en"), ("tr", "tr"), ("sv-SE", "sv"), ("fr-FR", "en")])
def test_xlsx_marks_hidden_cells_and_explains_the_marker_on_their_sheet(locale, lang):
    book = read_xlsx(to_xlsx([SUMMARY, HIDDEN], locale))
    marker = "[g]" if lang == "tr" else "[c]"
    sheet = book[book.sheetnames[1]]
    assert [sheet.cell(row=row, column=2).value for row in (2, 3, 4)] == [marker, marker, 0]
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert sheet.cell(row=6, column=1).value == NOTE[lang]
    summary = book[book.sheetnames[0]]
    assert all(cell.value not in ("[c]", "[g]", NOTE[lang]) for row in summary.iter_rows() for cell in row)


# Downloads of the figures pages: header block, number formats, the reader's CSV convention -------------

PACK = Table(
    title="indicators",
    columns=("indicator", "currency", "unit", "female", "male", "total", "suppressed"),
    rows=(("employment_rate_q2", None, "rate", 0.25, None, 0.3, True),
          ("median_earnings_q2", "TRY", "money", Decimal("32000.00"), None, Decimal("31000.50"), True),
          ("mean_hours_per_week", None, "hours", 40.5, None, 41.25, True),
          ("exiters_q2_ended", None, "people", 1200, None, 1300, True)),
    categorical=frozenset({"indicator", "unit"}),
    hidden=frozenset({(0, 4), (1, 4), (2, 4), (3, 4)}),
    min_cell_size=5,
)
PACK_GAPS = Table(
    title="gaps",
    columns=("indicator", "currency", "pairs.female_male.difference", "pairs.female_male.ratio"),
    rows=(("employment_rate_q2", None, -0.05, 0.8333), ("median_earnings_q2", "TRY", Decimal("-500.00"), 0.98)),
    categorical=frozenset({"indicator"}),
)
REPORT_SUMMARY = Table(
    title="summary",
    columns=("metric", "value"),
    rows=(("completion_rate", 0.75), ("median_wage", Decimal("28500.00")), ("wage_currency", "EUR"),
          ("period_start", "2026-01-01"), ("as_of", "2026-07-01T10:00:00+00:00"), ("pending_events", 3)),
    categorical=frozenset({"metric"}),
)
HEADER = (("Organisation", "=Acme"), ("Period start", date(2026, 1, 1)), ("Minimum cell size", 5))


def test_the_workbook_has_a_header_block_and_each_figures_number_format():
    workbook = read_xlsx(to_xlsx([REPORT_SUMMARY, PACK, PACK_GAPS], "en", HEADER))
    for sheet in workbook.worksheets:  # the header block on every sheet, above its table
        assert [sheet.cell(row=n, column=1).value for n in (1, 2, 3)] == ["Organisation", "Period start",
                                                                          "Minimum cell size"]
        assert sheet.cell(row=1, column=2).value == "=Acme" and sheet.cell(row=1, column=2).data_type == "s"
        assert sheet.cell(row=2, column=2).is_date and sheet.cell(row=3, column=2).value == 5
        assert sheet.freeze_panes == "A6"
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows(min_row=6)}
    assert summary["Completion rate"].number_format == "0.0%"
    assert summary["Median wage"].number_format == '#,##0.00 "EUR"'
    assert summary["Period start"].is_date and summary["Period start"].value == datetime(2026, 1, 1)
    assert summary["As of"].is_date and summary["Events not yet applied"].number_format == "#,##0"
    rows = {row[0].value: row for row in workbook["Indicators"].iter_rows(min_row=6)}
    rate, money, hours, people = (rows[name] for name in (
        "Employment rate, 2nd quarter after exit", "Median monthly earnings, 2nd quarter after exit",
        "Mean hours per week", "Exiters whose 2nd quarter after exit has ended"))
    assert rate[3].number_format == rate[5].number_format == "0.0%" and rate[4].value == "[c]"
    assert money[3].number_format == '#,##0.00 "TRY"' and money[5].value == 31000.5
    assert hours[3].number_format == "0.00" and people[5].number_format == "#,##0"
    stages = read_xlsx(to_xlsx([Table("stages", ("stage", "female", "share_of_enrolled.female"),
                                      (("enrolled", 12, 0.5),))], "en"))["Funnel"]
    assert stages["B2"].number_format == "#,##0" and stages["C2"].number_format == "0.0%"
    gaps = {row[0].value: row for row in workbook["Gender gaps"].iter_rows(min_row=6)}
    assert gaps["Employment rate, 2nd quarter after exit"][2].number_format == "0.0%"
    assert gaps["Employment rate, 2nd quarter after exit"][3].number_format == "0.00"
    assert gaps["Median monthly earnings, 2nd quarter after exit"][2].number_format == '#,##0.00 "TRY"'


@pytest.mark.parametrize("locale, separator, number", [
    ("en", ",", "0.25"), ("tr", ";", "0,25"), ("sv", ";", "0,25"), ("es-CO", ";", "0,25")])
def test_local_csv_follows_the_readers_convention_and_keeps_the_header(locale, separator, number):
    data = to_csv([PACK], locale, HEADER, local=True)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=separator))
    assert rows[0] == ["Organisation", "'=Acme"] and rows[1] == ["Period start", "2026-01-01"]
    assert rows[2] == ["Minimum cell size", "5"] and rows[3] == []
    figures = rows[6]
    assert figures[3] == number and figures[4] == ("[g]" if locale == "tr" else "[c]")
    assert rows[7][5] == ("31000.50" if separator == "," else "31000,50")


def test_the_apis_csv_keeps_its_form_without_the_options():
    assert to_csv([PACK], "tr") == to_csv([PACK], "tr", None, local=False)
    assert b";" not in to_csv([PACK], "tr").split(b"\r\n")[2]


def test_the_summary_labels_the_framework_and_bases_and_a_local_csv_writes_the_moment_the_readers_way():
    summary = Table("summary", ("metric", "value"),
                    (("framework", "esf_plus"), ("period_basis.outputs", "entry"), ("period_basis", "exit"),
                     ("as_of", "2026-12-05T18:04:52.003324+00:00")), categorical=frozenset({"metric"}))
    header = (("As of", datetime(2026, 12, 5, 18, 4, 52, tzinfo=timezone.utc)),)
    rows = list(csv.reader(io.StringIO(to_csv([summary], "sv", header, local=True).decode("utf-8-sig"),
                                       newline=""), delimiter=";"))
    assert rows[0] == ["As of", "5 dec. 2026 18:04 UTC"]
    values = [row[1] for row in rows[4:8]]
    assert values == ["ESF+ gemensamma indikatorer", "Startdatum", "Slutdatum", "5 dec. 2026 18:04 UTC"]
    sheet = read_xlsx(to_xlsx([summary], "tr")).active
    assert [sheet.cell(row=n, column=2).value for n in (2, 3, 4)] == [
        "ESF+ ortak göstergeleri", "Giriş tarihi", "Çıkış tarihi"]
    assert sheet.cell(row=5, column=2).is_date
