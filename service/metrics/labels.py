"""Labels of metric columns and categories in English and Turkish, for exported files.

The API answers with stable keys (`placement_rate`, `long_term_unemployed`); people who
open a CSV or a workbook read words. Any locale other than Turkish falls back to English,
and only the language part counts (`tr-TR` is Turkish, `en-GB` and `sv` are English).
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "tr")
_FALLBACK = "en"

#: Column keys: the dimensions of a breakdown and the measures of every metric.
_COLUMNS: Mapping[str, tuple[str, str]] = {
    # Dimensions
    "sex": ("Sex", "Cinsiyet"),
    "age_band": ("Age band", "Yaş grubu"),
    "vulnerable_group": ("Vulnerable group", "Dezavantajlı grup"),
    "settlement_type": ("Settlement type", "Yerleşim türü"),
    "labour_status": ("Labour market status", "İşgücü durumu"),
    "education_level": ("Education level", "Eğitim düzeyi"),
    "project": ("Project", "Proje"),
    "district": ("District", "İlçe"),
    # Reach and share targets
    "reached": ("Reached", "Ulaşılan"),
    "target": ("Target", "Hedef"),
    "progress": ("Progress", "İlerleme"),
    "dimension": ("Dimension", "Boyut"),
    "value": ("Value", "Değer"),
    "min_share": ("Minimum share", "Asgari pay"),
    "max_share": ("Maximum share", "Azami pay"),
    "share": ("Share", "Pay"),
    "met": ("Met", "Karşılandı"),
    # Outcomes
    "enrolled": ("Enrolled", "Kayıtlı"),
    "completed": ("Completed", "Tamamlayan"),
    "dropped_out": ("Dropped out", "Yarıda bırakan"),
    "exited": ("Exited", "Programdan ayrılan"),
    "completion_rate": ("Completion rate", "Tamamlama oranı"),
    "placed_within_90d": ("Placed within 90 days", "90 gün içinde işe yerleşen"),
    "placement_rate": ("Placement rate", "İşe yerleşme oranı"),
    "month_6_recorded": ("6-month follow-up recorded", "6. ay izlemesi kaydedilen"),
    "employed_at_6m": ("Employed at 6 months", "6. ayda istihdamda olan"),
    "employment_rate_6m": ("Employment rate at 6 months", "6. ay istihdam oranı"),
    "median_wage": ("Median wage", "Medyan ücret"),
    "wage_currency": ("Wage currency", "Ücret para birimi"),
    "total": ("Total", "Toplam"),
    "currency": ("Currency", "Para birimi"),
    # Gender gaps
    "metric": ("Metric", "Ölçüt"),
    "female": ("Female", "Kadın"),
    "male": ("Male", "Erkek"),
    "other": ("Other", "Diğer"),
    "difference": ("Difference (female − male)", "Fark (kadın − erkek)"),
    "ratio": ("Ratio (female / male)", "Oran (kadın / erkek)"),
    # Indicators, suppression and context
    "indicator": ("Indicator", "Gösterge"),
    "suppressed": ("Suppressed", "Gizlendi"),
    "as_of": ("As of", "Veri tarihi"),
    "organisation": ("Organisation", "Kuruluş"),
    "period_start": ("Period start", "Dönem başlangıcı"),
    "period_end": ("Period end", "Dönem sonu"),
}

#: Categorical values of the dimensions a person is described by.
_PERSON_VALUES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "sex": {
        "female": ("Female", "Kadın"),
        "male": ("Male", "Erkek"),
        "other": ("Other", "Diğer"),
    },
    "age_band": {band: (band, band) for band in ("15-17", "18-24", "25-29", "30-54", "55+")},
    "vulnerable_group": {
        "roma": ("Roma", "Roman"),
        "disability": ("Person with a disability", "Engelli"),
        "refugee": ("Refugee", "Mülteci"),
        "single_parent": ("Single parent", "Tek ebeveyn"),
        "neet": ("NEET (not in employment, education or training)",
                 "NEET (ne eğitimde ne istihdamda)"),
        "migrant": ("Migrant", "Göçmen"),
        "none": ("None of these groups", "Bu grupların hiçbiri"),
    },
    "settlement_type": {
        "urban": ("Urban", "Kentsel"),
        "rural": ("Rural", "Kırsal"),
    },
    "labour_status": {
        "unemployed": ("Unemployed", "İşsiz"),
        "long_term_unemployed": ("Long-term unemployed", "Uzun süreli işsiz"),
        "inactive": ("Inactive", "İşgücüne dahil olmayan"),
        "employed": ("Employed", "Çalışan"),
        "in_education": ("In education", "Eğitimde"),
    },
    "education_level": {
        "primary_or_less": ("Primary or less", "İlkokul veya altı"),
        "lower_secondary": ("Lower secondary", "Ortaokul"),
        "upper_secondary": ("Upper secondary", "Lise"),
        "tertiary": ("Tertiary", "Yükseköğretim"),
    },
}

_VALUES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    **_PERSON_VALUES,
    # EU ESF+ common indicators (Regulation (EU) 2021/1057, Annex I).
    "indicator": {
        "participants": ("Participants", "Katılımcılar"),
        "unemployed": ("Unemployed, incl. long-term", "İşsiz (uzun süreli işsizler dahil)"),
        "long_term_unemployed": ("Long-term unemployed", "Uzun süreli işsiz"),
        "inactive": ("Inactive", "İşgücüne dahil olmayan"),
        "employed": ("Employed, incl. self-employed", "Çalışan (kendi hesabına çalışanlar dahil)"),
        "under_30": ("Below 30 years of age", "30 yaş altı"),
        "aged_55_plus": ("55 years of age and above", "55 yaş ve üzeri"),
        "isced_0_2": ("Primary or lower secondary education (ISCED 0–2)",
                      "İlkokul veya ortaokul eğitimi (ISCED 0–2)"),
        "isced_3_4": ("Upper secondary or post-secondary education (ISCED 3–4)",
                      "Lise veya lise sonrası eğitim (ISCED 3–4)"),
        "isced_5_8": ("Tertiary education (ISCED 5–8)", "Yükseköğretim (ISCED 5–8)"),
        "with_disabilities": ("Participants with disabilities", "Engelli katılımcılar"),
        "foreign_background": ("Foreign background (migrants, refugees)",
                               "Yabancı kökenli (göçmenler, mülteciler)"),
        "minorities_incl_roma": ("Minorities, incl. Roma", "Azınlıklar (Romanlar dahil)"),
        "rural_areas": ("From rural areas", "Kırsal bölgelerden"),
        "in_employment_upon_leaving": ("In employment upon leaving",
                                       "Programdan ayrılırken istihdamda olan"),
        "in_education_upon_leaving": ("In education or training upon leaving",
                                      "Programdan ayrılırken eğitim veya öğretimde olan"),
        "qualification_upon_leaving": ("Gaining a qualification upon leaving",
                                       "Programdan ayrılırken bir yeterlilik kazanan"),
        "in_employment_6m_after_leaving": ("In employment six months after leaving",
                                           "Programdan ayrıldıktan altı ay sonra istihdamda olan"),
    },
    "section": {
        "summary": ("Summary", "Özet"),
        "breakdown": ("Breakdown", "Kırılım"),
        "share_targets": ("Share targets", "Pay hedefleri"),
        "gaps": ("Gender gaps", "Cinsiyet farkları"),
        "indicators": ("Indicators", "Göstergeler"),
    },
}

#: A row that sums a breakdown may sit in any categorical column.
_TOTAL = ("Total", "Toplam")
_BOOLEANS = {True: ("Yes", "Evet"), False: ("No", "Hayır")}
#: Columns whose values are themselves column keys (`dimension: sex`, `metric: placement_rate`).
_KEY_VALUED = frozenset({"dimension", "metric"})


def language(locale: str | None) -> str:
    """The language part of a locale (`tr-TR`, `tr_TR` → `tr`), English when unsupported."""
    lang = (locale or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in LANGUAGES else _FALLBACK


def _pick(pair: tuple[str, str], locale: str | None) -> str:
    return pair[LANGUAGES.index(language(locale))]


def column_label(key: str, locale: str) -> str:
    """The heading of a column; an unknown key is shown as itself."""
    pair = _COLUMNS.get(key)
    return _pick(pair, locale) if pair else key


def value_label(dimension: str, value: object, locale: str) -> str:
    """The label of a categorical value; an unknown one is shown as `str(value)`.

    Booleans read Yes/No in any column; a list (a share target over several age bands)
    reads as its labels joined by commas.
    """
    if isinstance(value, bool):
        return _pick(_BOOLEANS[value], locale)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(value_label(dimension, item, locale) for item in value)
    if not isinstance(value, str):
        return str(value)
    pair = _VALUES.get(dimension, {}).get(value)
    if pair is None and dimension in _KEY_VALUED and value in _COLUMNS:
        return column_label(value, locale)
    if pair is None and dimension == "value":
        # A share target's value belongs to the dimension in its row, which a cell does not
        # know; the person dimensions share no value, so the first match is the only one.
        pair = next((values[value] for values in _PERSON_VALUES.values() if value in values), None)
    if pair is None and value == "total":
        pair = _TOTAL
    return _pick(pair, locale) if pair else value
