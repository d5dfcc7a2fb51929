"""ISCO-08 and NACE Rev. 2 groups, and the non-traditional rule over a sex-share table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.domain import occupation_shares, occupations, sectors
from service.domain.errors import ValidationFailed
from service.domain.occupation_shares import ShareRow, ShareTable, parse_csv, validate_rows
from service.translations import LANGUAGES, translate

HEADER = "isco_code,female_share,male_share,source,year\n"


@pytest.mark.parametrize("code, major, sub_major", [
    ("5", "5", None), ("51", "5", "51"), ("512", "5", "51"), ("5120", "5", "51"), ("0110", "0", "01"),
    ("9629", "9", "96"), ("0", "0", None),
    ("1999", "1", None),  # accepted by the old pattern, in no sub-major group: placed in its major group only
])
def test_a_code_of_one_to_four_digits_has_its_groups(code, major, sub_major):
    assert occupations.major(code) == major
    assert occupations.sub_major(code) == sub_major


@pytest.mark.parametrize("code", ["", "12345", "5a", " 51", "51\n", "٥١", "-1", None, 51])
def test_a_malformed_code_is_refused(code):
    with pytest.raises(ValueError):
        occupations.major(code)
    with pytest.raises(ValueError):
        occupations.sub_major(code)
    with pytest.raises(ValueError):
        occupations.check(code)


@pytest.mark.parametrize("code", ["10", "1999", "04", "97", "6400"])
def test_check_refuses_a_code_in_no_sub_major_group(code):
    with pytest.raises(ValueError, match="no ISCO-08 sub-major group"):
        occupations.check(code)


@pytest.mark.parametrize("code", ["2", "22", "221", "2221", "0310"])
def test_check_accepts_codes_in_known_groups(code):
    assert occupations.check(code) == code


def test_the_classification_has_ten_major_and_forty_three_sub_major_groups():
    assert sorted(occupations.MAJOR_GROUPS) == [str(digit) for digit in range(10)]
    assert len(occupations.SUB_MAJOR_GROUPS) == 43
    assert all(code[0] in occupations.MAJOR_GROUPS for code in occupations.SUB_MAJOR_GROUPS)
    assert occupations.title("53") == "Personal care workers"
    assert occupations.level("5") == occupations.MAJOR and occupations.level("53") == occupations.SUB_MAJOR
    with pytest.raises(ValueError):
        occupations.level("531")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_group_and_section_title_is_translated(lang):
    titles = (*occupations.MAJOR_GROUPS.values(), *occupations.SUB_MAJOR_GROUPS.values(), *sectors.SECTIONS.values())
    shown = {title: translate(lang, title) for title in titles}
    if lang == "en":
        assert all(text == title for title, text in shown.items())
    else:
        assert [title for title, text in shown.items() if not text or text == title] == []


@pytest.mark.parametrize("code, section", [("C", "C"), ("C10", "C"), ("C10.7", "C"), ("I56", "I"),
                                           ("Q88.91", "Q"), ("U99", "U")])
def test_a_nace_code_has_its_section(code, section):
    assert sectors.section(code) == section
    assert sectors.check(code) == code


@pytest.mark.parametrize("code", ["", "c10", "V", "C1", "C10.", "C10.123", "10", "C10\n", None])
def test_a_malformed_nace_code_is_refused(code):
    with pytest.raises(ValueError):
        sectors.section(code)


def test_a_division_of_another_section_keeps_its_letter_but_fails_check():
    assert sectors.section("A56") == "A"
    with pytest.raises(ValueError, match="Division 56 is not in section A"):
        sectors.check("A56")


def test_nace_has_twenty_one_sections_whose_divisions_do_not_overlap():
    assert "".join(sectors.SECTIONS) == "ABCDEFGHIJKLMNOPQRSTU"
    divisions = [number for letter in sectors.SECTIONS for number in sectors.DIVISIONS[letter]]
    assert len(divisions) == len(set(divisions)) and divisions == sorted(divisions)


def _row(code: str, female: str, male: str) -> ShareRow:
    return ShareRow(code, Decimal(female), Decimal(male), "test", 2023)


def test_an_occupation_is_non_traditional_for_a_sex_below_a_quarter_of_its_workers():
    table = ShareTable([_row("53", "0.8731", "0.1269"), _row("7", "0.0912", "0.9088"), _row("72", "0.25", "0.75"),
                        _row("2", "0.5", "0.5")])
    assert table.non_traditional_sexes("5322") == {"male"}        # care work: few men
    assert table.non_traditional_sexes("7111") == {"female"}      # building trades: the major group speaks
    assert table.non_traditional_sexes("7212") == frozenset()     # 25 % exactly is not below 25 %
    assert table.non_traditional_sexes("2") == frozenset()
    assert table.non_traditional_sexes("51") == frozenset()       # the table says nothing of group 5
    assert table.non_traditional_sexes("bad") == frozenset()


def test_the_sub_major_group_speaks_before_its_major_group():
    table = ShareTable([_row("9", "0.4", "0.6"), _row("91", "0.8", "0.2")])
    assert table.non_traditional_sexes("9112") == {"male"}
    assert table.non_traditional_sexes("9333") == frozenset()
    assert table.row_for("9") == _row("9", "0.4", "0.6")
    assert ShareTable([_row("9", "0.4", "0.6"), ShareRow("91", Decimal("0.8"), Decimal("0.2"), "TÜİK", 2023)
                       ]).sources == [("TÜİK", 2023), ("test", 2023)]


def test_a_csv_table_is_read_with_its_extra_columns_ignored():
    rows = parse_csv("\ufeffisco_code,female_share,male_share,source,year,female_thousands\n"
                     "53,0.8731,0.1269,\"TurkStat, HLFS\",2023,517\n\n1, 0.2 ,0.8,x,2023,1\n")
    assert rows == [ShareRow("53", Decimal("0.8731"), Decimal("0.1269"), "TurkStat, HLFS", 2023),
                    ShareRow("1", Decimal("0.2"), Decimal("0.8"), "x", 2023)]


@pytest.mark.parametrize("text, field", [
    ("isco_code,female_share,male_share,year\n5,0.5,0.5,2023\n", "csv"),               # no source column
    (HEADER + "5,0.5,0.5,x,2023,extra\n", "csv"),
    (HEADER + "5,0.5,0.5,x\n", "csv"),
    (HEADER, "rows"),
    (HEADER + "5,50,50,x,2023\n", "rows.0.female_share"),                               # percentages
    (HEADER + "5,-0.1,0.5,x,2023\n", "rows.0.female_share"),
    (HEADER + "5,0.5,1.2,x,2023\n", "rows.0.male_share"),
    (HEADER + "5,0.7,0.7,x,2023\n", "rows.0.male_share"),                               # more than all
    (HEADER + "5,NaN,0.5,x,2023\n", "rows.0.female_share"),
    (HEADER + "5,half,0.5,x,2023\n", "rows.0.female_share"),
    (HEADER + "5,0.12345,0.5,x,2023\n", "rows.0.female_share"),
    (HEADER + "512,0.5,0.5,x,2023\n", "rows.0.isco_code"),                              # a minor group
    (HEADER + "19,0.5,0.5,x,2023\n", "rows.0.isco_code"),
    (HEADER + "5,0.5,0.5,,2023\n", "rows.0.source"),
    (HEADER + "5,0.5,0.5,x,23\n", "rows.0.year"),
    (HEADER + "5,0.5,0.5,x,2023\n5,0.4,0.6,x,2023\n", "rows.1.isco_code"),               # twice
])
def test_a_faulty_table_is_refused_whole_with_the_fault_named(text, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_csv(text)
    assert field in caught.value.errors


def test_rows_as_objects_take_numbers_and_refuse_booleans():
    assert validate_rows([{"isco_code": "5", "female_share": Decimal("0.6"), "male_share": 0.4, "source": "x",
                           "year": 2023}])[0].male_share == Decimal("0.4")
    with pytest.raises(ValidationFailed) as caught:
        validate_rows([{"isco_code": 5, "female_share": True, "male_share": None, "source": 1, "year": "x"}])
    assert set(caught.value.errors) == {f"rows.0.{name}" for name in occupation_shares.CSV_COLUMNS}
