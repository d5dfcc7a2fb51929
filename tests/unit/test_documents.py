"""The identity document catalogue: every type with valid and invalid numbers, and the registration rules.

Valid examples: python-stdnum's own documentation examples for the types it checks; numbers computed in
this file by the official rule for the others (TR YKN: the TCKN check digits; SE samordningsnummer: day
+ 60 and the Luhn digit; GT CUI: RENAP's mod-11 digit over the serial); the issue's own examples for the
Colombian cédulas; ICAO Doc 9303's specimen passport (Part 4: Utopia, L898902C3); UNHCR Malaysia's two
number formats. Error messages never repeat the number.
"""

from __future__ import annotations

from datetime import date

import pytest
from stdnum import luhn

from service.domain import countries, national_ids
from service.domain.documents import NO_DOCUMENT_REASONS, checks
from service.domain.documents.catalogue import INTERNATIONAL, TYPES, document_type
from service.domain.documents.rules import Submitted, accepted_types, check
from service.domain.errors import ValidationFailed
from service.translations import translate


def tckn_rule(first_nine: str) -> str:
    """The T.C. kimlik numarası check digits (NVİ): the tenth is (7 x (d1+d3+d5+d7+d9) - (d2+d4+d6+d8)) mod 10,
    the eleventh the sum of the first ten mod 10. The YKN and temporary-protection numbers use it too."""
    d = [int(c) for c in first_nine]
    tenth = (7 * sum(d[0:9:2]) - sum(d[1:8:2])) % 10
    return first_nine + str(tenth) + str((sum(d) + tenth) % 10)


def samordningsnummer(yymmdd_plus_60: str, serial: str) -> str:
    """Skatteverket's rule: the birth date with 60 added to the day, a 3-digit serial, the Luhn digit of the nine."""
    return f"{yymmdd_plus_60}-{serial}{luhn.calc_check_digit(yymmdd_plus_60 + serial)}"


def cui(serial: str, department: str, municipality: str) -> str:
    """RENAP's rule: the serial's digits weighted 2 to 9, their sum mod 11 the check digit."""
    check_digit = sum(int(c) * w for c, w in zip(serial, range(2, 10))) % 11
    assert check_digit < 10, "no CUI is issued on this serial"
    return f"{serial}{check_digit}{department}{municipality}"


YKN = tckn_rule("991234567")
TEMPORARY_PROTECTION = tckn_rule("992000001")
COORDINATION = samordningsnummer("701063", "239")  # born 3 October 1970; the issue's own example
CUI = cui("12345678", "01", "01")  # Guatemala, Guatemala (weighted sum 240: check digit 9)

VALID = [
    ("tr_tckn", "17291716060", "17291716060"),                    # stdnum tr.tckimlik docs
    ("tr_tckn", "172 917 160 60", "17291716060"),
    ("tr_ykn", YKN, YKN),
    ("tr_temporary_protection", TEMPORARY_PROTECTION, TEMPORARY_PROTECTION),
    ("se_personnummer", "880320-0016", "198803200016"),           # stdnum se.personnummer docs
    ("se_personnummer", "811228-9841", "198112289841"),           # ditto (get_birth_date)
    ("se_samordningsnummer", COORDINATION, "19701063" + COORDINATION[-4:]),
    ("se_samordningsnummer", "7010632391", "197010632391"),       # the example, without separator
    ("se_samordningsnummer", "19" + COORDINATION, "19701063" + COORDINATION[-4:]),
    ("gt_cui", CUI, CUI),
    ("gt_cui", f"{CUI[:4]} {CUI[4:9]} {CUI[9:]}", CUI),          # as printed on the DPI: 4-5-4
    ("gt_cui", cui("23456789", "13", "33"), cui("23456789", "13", "33")),  # Petatán, Huehuetenango (2015)
    ("co_cc", "52523478", "52523478"),                            # the examples
    ("co_cc", "1.020.304.050", "1020304050"),
    ("co_ti", "1000000001", "1000000001"),                        # NUIP: 10 digits
    ("co_ti", "05031512345", "05031512345"),                      # before the NUIP: 11, may begin with 0
    ("co_ce", "123456", "123456"),
    ("co_ppt", "4567890", "4567890"),
    ("es_dni", "54362315-K", "54362315K"),                        # stdnum es.dni docs
    ("es_nie", "x-2482300w", "X2482300W"),                        # stdnum es.nie docs
    ("passport", "L898902C3", "L898902C3"),                       # ICAO Doc 9303 Part 4 specimen
    ("passport", "l898902c3", "L898902C3"),
    ("passport", "AB1234<<<", "AB1234"),                          # the MRZ's filler dropped
    ("unhcr", "123-45C67890", "123-45C67890"),                    # UNHCR Malaysia: before Feb 2021
    ("unhcr", "123-45-67890", "123-45-67890"),                    # and after
    ("generic", "ab12-34", "AB12-34"),
]

INVALID = [
    ("tr_tckn", "17291716050"),                  # stdnum docs: check digit
    ("tr_tckn", "07291716092"),                  # stdnum docs: begins with 0
    ("tr_ykn", "17291716060"),                   # a valid TCKN, not 99-prefixed
    ("tr_ykn", YKN[:-1] + str((int(YKN[-1]) + 1) % 10)),
    ("tr_temporary_protection", TEMPORARY_PROTECTION[:-2] + "00"),
    ("se_personnummer", "880320-0018"),          # stdnum docs: Luhn
    ("se_personnummer", COORDINATION),           # day 63: a coordination number, not a personnummer
    ("se_samordningsnummer", "880320-0016"),     # day 20: a personnummer
    ("se_samordningsnummer", COORDINATION[:-1] + str((int(COORDINATION[-1]) + 1) % 10)),  # Luhn
    ("se_samordningsnummer", samordningsnummer("700292", "239")),  # day 92 - 60 = 32
    ("se_samordningsnummer", samordningsnummer("700289", "239")),  # 29 February 1970
    ("gt_cui", CUI[:8] + "0" + CUI[9:]),         # check digit
    ("gt_cui", cui("12345678", "23", "01")),     # department 23
    ("gt_cui", cui("12345678", "01", "18")),     # Guatemala has 17 municipalities
    ("gt_cui", cui("12345678", "01", "00")),
    ("gt_cui", CUI[:-1]),
    ("co_cc", "0123456"),
    ("co_cc", "12"),
    ("co_cc", "12345678901"),
    ("co_cc", "AB123456"),
    ("co_ti", "123456789"),
    ("co_ce", "E123456"),
    ("co_ppt", "12"),
    ("es_dni", "54362315Z"),                     # stdnum docs: check letter
    ("es_nie", "x-2482300a"),                    # stdnum docs: check letter
    ("passport", "L898902C34"),                  # 10 characters: more than the MRZ field holds
    ("passport", "L8989-02C"),
    ("unhcr", "12345"),
    ("unhcr", "ABC-DEFG-HI1"),                   # fewer than 5 digits
    ("generic", "x" * 40),
    ("generic", "ab\x00cd"),
]


def test_every_type_has_a_valid_and_an_invalid_example():
    assert {name for name, _value, _canonical in VALID} == set(TYPES)
    assert {name for name, _value in INVALID} == set(TYPES)


@pytest.mark.parametrize("name, value, canonical", VALID, ids=lambda v: str(v)[:24])
def test_valid_numbers_are_spelled_one_way(name, value, canonical):
    assert national_ids.normalise(name, value) == canonical


@pytest.mark.parametrize("name, value", INVALID, ids=lambda v: str(v)[:24])
def test_invalid_numbers_are_refused_without_echoing_them(name, value):
    with pytest.raises(ValueError) as error:
        national_ids.normalise(name, value)
    assert value not in str(error.value) and value.replace("-", "") not in str(error.value)


def test_a_cui_whose_serial_leaves_ten_is_never_valid():
    serial = next(s for s in (f"{n:08d}" for n in range(10_000_000, 10_001_000))
                  if sum(int(c) * w for c, w in zip(s, range(2, 10))) % 11 == 10)
    for digit in "0123456789":
        with pytest.raises(ValueError):
            national_ids.normalise("gt_cui", f"{serial}{digit}0101")


def test_the_municipality_counts_are_guatemalas_340():
    assert len(checks.GT_MUNICIPALITIES) == 22 and sum(checks.GT_MUNICIPALITIES) == 340


def test_swedish_numbers_hold_birth_date_and_sex():
    personnummer, coordination = TYPES["se_personnummer"], TYPES["se_samordningsnummer"]
    assert personnummer.birth_date("198112289841") == date(1981, 12, 28)
    assert personnummer.sex("198901023286") == "female"   # stdnum docs: get_gender('890102-3286') == 'F'
    assert personnummer.sex("198803200016") == "male"
    assert coordination.birth_date(national_ids.normalise("se_samordningsnummer", COORDINATION)) == date(1970, 10, 3)
    assert coordination.sex(national_ids.normalise("se_samordningsnummer", COORDINATION)) == "male"  # serial 239


@pytest.mark.parametrize("code, names", [
    ("TR", ("tr_tckn", "tr_ykn", "tr_temporary_protection", "passport", "unhcr")),
    ("SE", ("se_personnummer", "se_samordningsnummer", "passport", "unhcr")),
    ("GT", ("gt_cui", "passport", "unhcr")),
    ("CO", ("co_cc", "co_ti", "co_ce", "co_ppt", "passport", "unhcr")),
    ("ES", ("es_dni", "es_nie", "passport", "unhcr")),
    ("DE", ("generic", "passport", "unhcr")),
])
def test_each_country_lists_its_peoples_documents_primary_first(code, names):
    profile = countries.profile(code)
    assert tuple(t.name for t in profile.person_id_schemes) == names
    assert national_ids.default_scheme(code) == names[0]
    # Employers keep their tax schemes; no person is checked as a tax number.
    assert profile.tax_id_scheme.name not in names or profile.tax_id_scheme.name == "generic"


def test_every_type_has_a_label_an_issuer_rule_and_a_source():
    for kind in TYPES.values():
        assert kind.label and kind.rule
        assert kind.issuing_country is None or kind.issuing_country in countries.PROFILES
    assert {t.name for t in TYPES.values() if t.issuing_country is None} == {"passport", "unhcr", "generic"}


def test_passports_and_unhcr_numbers_are_never_an_organisations_primary_type():
    assert INTERNATIONAL == {"passport", "unhcr"} and not INTERNATIONAL & set(national_ids.SCHEMES)


def test_an_organisation_takes_its_countrys_types_and_its_primary_one():
    assert accepted_types("TR", "tr_tckn")[0] == "tr_tckn"
    assert accepted_types("DE", "tr_tckn") == ("tr_tckn", "generic", "passport", "unhcr")


# -- the registration rules --------------------------------------------------------------------------------

def _check(*documents: Submitted, reason=None, born=date(1970, 10, 3), sex="male", confirm=False, country="SE",
           primary="se_personnummer"):
    return check(list(documents), country=country, primary=primary, no_document_reason=reason, birth_date=born,
                 sex=sex, confirm_sex_mismatch=confirm)


def _errors(**kwargs) -> dict:
    with pytest.raises(ValidationFailed) as failed:
        _check(*kwargs.pop("documents", ()), **kwargs)
    return failed.value.errors


def test_a_swedish_number_agrees_with_the_birth_date():
    [checked] = _check(Submitted("documents.0", "se_samordningsnummer", COORDINATION))
    assert (checked.type, checked.issuing_country, checked.number) == (
        "se_samordningsnummer", "SE", "19701063" + COORDINATION[-4:])
    assert _errors(documents=[Submitted("documents.0", "se_samordningsnummer", COORDINATION)],
                   born=date(1970, 10, 4)) == {"documents.0.number": ["The number does not agree with the birth date."]}
    # The shorthand's errors stand on national_id, as before documents existed.
    assert list(_errors(documents=[Submitted("national_id", "se_personnummer", "880320-0016", shorthand=True)],
                        born=date(1988, 3, 21))) == ["national_id"]


def test_a_contradicting_sex_digit_needs_confirmation():
    document = Submitted("documents.0", "se_samordningsnummer", COORDINATION)  # a man's number
    errors = _errors(documents=[document], sex="female")
    assert list(errors) == ["sex"] and "confirm_sex_mismatch" in errors["sex"][0]
    assert COORDINATION not in errors["sex"][0]
    assert len(_check(document, sex="female", confirm=True)) == 1
    for sex in ("non_binary", "undisclosed"):  # never contradicted
        assert len(_check(document, sex=sex)) == 1


def test_without_a_document_a_reason_is_required_and_beside_one_refused():
    assert _check(reason="asylum_pending") == []
    assert list(_errors()) == ["no_document_reason"]
    assert list(_errors(documents=[Submitted("documents.0", "passport", "L898902C3", "VE")],
                        reason="none_held")) == ["no_document_reason"]
    assert set(NO_DOCUMENT_REASONS) == {"none_held", "asylum_pending", "lost_or_stolen", "withheld", "other"}


def test_issuers_types_and_repeats():
    assert _errors(documents=[Submitted("documents.0", "passport", "L898902C3")]) == {
        "documents.0.issuing_country": ["Required for a passport (ISO 3166-1 alpha-2, e.g. VE)."]}
    [passport] = _check(Submitted("documents.0", "passport", "L898902C3", "ve"))
    assert passport.issuing_country == "VE"
    [refugee] = _check(Submitted("documents.0", "unhcr", "123-45-67890"))
    assert refugee.issuing_country == "SE"  # the operation of the organisation's country
    assert list(_errors(documents=[Submitted("documents.0", "se_personnummer", "880320-0016", "NO")],
                        born=date(1988, 3, 20))) == ["documents.0.issuing_country"]
    assert list(_errors(documents=[Submitted("documents.0", "passport", "L898902C3", "XY")])) == [
        "documents.0.issuing_country"]
    assert list(_errors(documents=[Submitted("documents.0", "gt_cui", CUI)])) == ["documents.0.type"]
    twice = _errors(documents=[Submitted("documents.0", "passport", "L898902C3", "VE"),
                               Submitted("documents.1", "passport", "l898902c3", "CO")])
    assert twice == {"documents.1.number": ["The same number as documents.0."]}


def test_labels_read_in_turkish():
    assert translate("tr", TYPES["tr_ykn"].label) == "Yabancı kimlik numarası (YKN)"
    assert translate("tr", NO_DOCUMENT_REASONS["asylum_pending"]) == "Sığınma başvurusu sürüyor, henüz belge verilmedi"
    assert all(translate("tr", kind.label) != kind.label for kind in TYPES.values())
    assert document_type("nope") is None
