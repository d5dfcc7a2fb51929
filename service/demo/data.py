"""Reference data of the demo programme: organisation, users, projects, cohorts, names.

Shaped like the reference case of the SPEC (a metropolitan municipality's vocational
training centre in İzmir running four projects). The people are invented. Records are
written as API request bodies, so the loader validates them with the API's schemas.
"""

from __future__ import annotations

SLUG = "demo"

ORGANISATION = {
    "slug": SLUG,
    "name": "İzmir Büyükşehir Belediyesi Mesleki Eğitim Merkezi",
    "country": "TR",
    "locale": "tr",
    "reach_target": 1400,
}

#: How many people the demo registers unless told.
TRAINEES = 300

#: A PATCH /organisation body: the programme-wide share targets reported to the funder.
ORGANISATION_SETTINGS = {
    "share_targets": [
        {"dimension": "sex", "value": "female", "min_share": 0.5},
        {"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.3},
        {"dimension": "settlement_type", "value": "rural", "min_share": 0.2},
    ],
}

#: One user per role, found again by email when the demo is reloaded. The employer user
#: belongs to one of EMPLOYERS: the one the first load made the most referrals to.
USERS = {
    "admin": "admin@demo.example.org",
    "caseworker": "caseworker@demo.example.org",
    "manager": "manager@demo.example.org",
    "employer": "employer@demo.example.org",
}

YOUTH = ["15-17", "18-24", "25-29"]

#: POST /projects bodies; their reach targets add up to the organisation's 1,400.
PROJECTS = [
    {
        "code": "YWBF",
        "name": "Young Women Building Their Future",
        "description": "Vocational courses, job-search coaching and childcare support for young "
                       "women who are neither in employment nor in education.",
        "starts_on": "2025-01-06", "ends_on": "2027-06-30", "reach_target": 400,
        "share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.95},
                          {"dimension": "age_band", "value": YOUTH, "min_share": 0.8}],
        "priority_groups": ["women", "youth", "neet", "single_parent"],
    },
    {
        "code": "VOT",
        "name": "Villages of Tomorrow",
        "description": "Agricultural and rural trades in the villages of the metropolitan area, "
                       "taught close to home.",
        "starts_on": "2025-03-03", "ends_on": "2027-03-31", "reach_target": 350,
        "share_targets": [{"dimension": "settlement_type", "value": "rural", "min_share": 0.7},
                          {"dimension": "sex", "value": "female", "min_share": 0.5}],
        "priority_groups": ["rural", "women"],
    },
    {
        "code": "TYTP",
        "name": "Today's Youth, Tomorrow's Professions",
        "description": "Technical and digital trades for young people, with internships at "
                       "employers of the organised industrial zones.",
        "starts_on": "2024-09-02", "ends_on": "2027-06-30", "reach_target": 500,
        "share_targets": [{"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.6},
                          {"dimension": "sex", "value": "female", "min_share": 0.4}],
        "priority_groups": ["youth", "neet"],
    },
    {
        "code": "ROMA",
        "name": "A Local Model for Roma Youth Employment",
        "description": "Courses and mentoring with Roma community mediators in the neighbourhoods "
                       "where Roma families live.",
        "starts_on": "2025-05-05", "ends_on": "2027-04-30", "reach_target": 150,
        "share_targets": [{"dimension": "vulnerable_group", "value": "roma", "min_share": 0.7},
                          {"dimension": "age_band", "value": YOUTH, "min_share": 0.7},
                          {"dimension": "sex", "value": "female", "min_share": 0.4}],
        "priority_groups": ["roma", "youth", "women"],
    },
]

#: POST /projects/{id}/cohorts bodies by project code; occupations are ISCO-08 unit groups.
#: Some cohorts have ended and some still run, so the demo shows every enrolment state.
COHORTS = {
    "YWBF": [
        {"name": "Hairdressers, winter 2025", "occupation": "5141", "starts_on": "2025-01-20",
         "ends_on": "2025-05-30", "capacity": 20, "district": "Karşıyaka"},
        {"name": "Tailors and dressmakers, spring 2025", "occupation": "7531", "starts_on": "2025-03-10",
         "ends_on": "2025-07-18", "capacity": 18, "district": "Buca"},
        {"name": "Administrative assistants, autumn 2025", "occupation": "3343", "starts_on": "2025-09-22",
         "ends_on": "2026-01-23", "capacity": 22, "district": "Konak"},
        {"name": "Health care assistants, spring 2026", "occupation": "5321", "starts_on": "2026-02-09",
         "ends_on": "2026-07-03", "capacity": 20, "district": "Bornova"},
        {"name": "Software developers, autumn 2026", "occupation": "2512", "starts_on": "2026-09-21",
         "ends_on": "2027-03-05", "capacity": 20, "district": "Bayraklı"},
        {"name": "Cooks, autumn 2026", "occupation": "5120", "starts_on": "2026-10-12",
         "ends_on": "2027-02-19", "capacity": 18, "district": "Karşıyaka"},
    ],
    "VOT": [
        {"name": "Field crop growers, spring 2025", "occupation": "6111", "starts_on": "2025-03-17",
         "ends_on": "2025-06-27", "capacity": 25, "district": "Ödemiş"},
        {"name": "Agricultural machinery mechanics, spring 2025", "occupation": "7233",
         "starts_on": "2025-04-07", "ends_on": "2025-08-29", "capacity": 16, "district": "Torbalı"},
        {"name": "Dairy products makers, autumn 2025", "occupation": "7513", "starts_on": "2025-10-06",
         "ends_on": "2026-01-30", "capacity": 18, "district": "Bergama"},
        {"name": "Gardeners and nursery growers, spring 2026", "occupation": "6113",
         "starts_on": "2026-03-02", "ends_on": "2026-06-26", "capacity": 22, "district": "Kemalpaşa"},
        {"name": "Field crop growers, autumn 2026", "occupation": "6111", "starts_on": "2026-09-28",
         "ends_on": "2027-01-29", "capacity": 25, "district": "Menemen"},
        {"name": "Bakers and pastry cooks, autumn 2026", "occupation": "7512", "starts_on": "2026-10-19",
         "ends_on": "2027-02-26", "capacity": 16, "district": "Ödemiş"},
    ],
    "TYTP": [
        {"name": "Welders, autumn 2024", "occupation": "7212", "starts_on": "2024-09-16",
         "ends_on": "2025-01-31", "capacity": 18, "district": "Bornova"},
        {"name": "Electricians, autumn 2024", "occupation": "7411", "starts_on": "2024-10-07",
         "ends_on": "2025-03-28", "capacity": 20, "district": "Buca"},
        {"name": "Software developers, spring 2025", "occupation": "2512", "starts_on": "2025-02-17",
         "ends_on": "2025-07-25", "capacity": 24, "district": "Bayraklı"},
        {"name": "Cooks, autumn 2025", "occupation": "5120", "starts_on": "2025-09-15",
         "ends_on": "2026-01-30", "capacity": 20, "district": "Konak"},
        {"name": "Motor vehicle mechanics, spring 2026", "occupation": "7231", "starts_on": "2026-02-16",
         "ends_on": "2026-06-26", "capacity": 18, "district": "Karşıyaka"},
        {"name": "Software developers, autumn 2026", "occupation": "2512", "starts_on": "2026-09-14",
         "ends_on": "2027-02-26", "capacity": 24, "district": "Bayraklı"},
        {"name": "Welders, autumn 2026", "occupation": "7212", "starts_on": "2026-10-05",
         "ends_on": "2027-02-12", "capacity": 16, "district": "Menemen"},
    ],
    "ROMA": [
        {"name": "Hairdressers, summer 2025", "occupation": "5141", "starts_on": "2025-06-02",
         "ends_on": "2025-09-26", "capacity": 16, "district": "Konak"},
        {"name": "Cooks, autumn 2025", "occupation": "5120", "starts_on": "2025-10-13",
         "ends_on": "2026-02-27", "capacity": 16, "district": "Buca"},
        {"name": "Shop sales assistants, spring 2026", "occupation": "5223", "starts_on": "2026-03-16",
         "ends_on": "2026-06-19", "capacity": 18, "district": "Bayraklı"},
        {"name": "Electricians, autumn 2026", "occupation": "7411", "starts_on": "2026-09-07",
         "ends_on": "2027-02-05", "capacity": 16, "district": "Torbalı"},
    ],
}

#: Occupations whose courses ask for at least this schooling.
ENTRY_EDUCATION = {"2512": "upper_secondary", "3343": "upper_secondary", "5321": "lower_secondary"}

#: Who each project reaches: its share of new trainees, the share of women, age ranges
#: with weights, the shares living in rural areas and of the minority (MINORITY: the Roma),
#: and how many complete.
#: `admits` is what a trainee of another project must be to take a second course here.
PROFILES = {
    "YWBF": {"weight": 0.28, "female": 1.0, "ages": {(15, 17): 5, (18, 24): 55, (25, 29): 40},
             "rural": 0.12, "minority": 0.02, "completion": 0.75,
             "admits": {"sex": "female", "max_age": 29}},
    "VOT": {"weight": 0.26, "female": 0.55, "ages": {(18, 24): 15, (25, 29): 15, (30, 54): 60, (55, 60): 10},
            "rural": 0.85, "minority": 0.01, "completion": 0.78,
            "admits": {"settlement_type": "rural"}},
    "TYTP": {"weight": 0.30, "female": 0.45, "ages": {(15, 17): 20, (18, 24): 60, (25, 29): 20},
             "rural": 0.12, "minority": 0.02, "completion": 0.7,
             "admits": {"max_age": 29}},
    "ROMA": {"weight": 0.16, "female": 0.45, "ages": {(15, 17): 15, (18, 24): 55, (25, 29): 30},
             "rural": 0.05, "minority": 0.9, "completion": 0.6,
             "admits": {"vulnerable_group": "roma", "max_age": 29}},
}

#: The minority group whose people the projects reach (schooling is shorter among them), and the shares
#: of the other groups a person belongs to (NEET and single parents are derived from the person).
MINORITY = "roma"
GROUP_SHARES = (("disability", 0.05), ("refugee", 0.03), ("migrant", 0.02))

URBAN_DISTRICTS = ["Bayraklı", "Karşıyaka", "Buca", "Bornova", "Konak", "Çiğli", "Karabağlar", "Gaziemir",
                   "Balçova", "Narlıdere"]
RURAL_DISTRICTS = ["Menemen", "Torbalı", "Ödemiş", "Kemalpaşa", "Bergama", "Tire", "Bayındır", "Kınık",
                   "Kiraz", "Aliağa"]

FEMALE_NAMES = [
    "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Merve", "Büşra", "Gülşen", "Özge", "Şeyma",
    "Esra", "Kübra", "Tuğba", "Derya", "Gözde", "Sevgi", "Dilek", "Songül", "Çiğdem", "Ümran", "Hülya",
    "Şükran", "İpek", "Damla", "Ebru", "Yağmur", "Sümeyye", "Rabia", "Melike", "Ecrin", "Nazlı", "Öznur",
    "Zehra", "Aslı", "Berfin", "Dilan", "Şebnem", "İrem", "Duygu", "Gülizar", "Nurcan", "Gökçe", "Müge",
]
MALE_NAMES = [
    "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Osman", "Yusuf",
    "Murat", "Ömer", "Emre", "Burak", "Çağrı", "Şükrü", "Oğuz", "Gökhan", "Uğur", "Barış", "Tolga",
    "Onur", "Serkan", "Doğukan", "Furkan", "Eren", "Kağan", "Berkay", "Yiğit", "Çağlar", "Özgür", "Ümit",
    "Tuncay", "Halil", "Kadir", "Cem", "Selçuk", "Güven", "Efe", "Şahin",
]
FAMILY_NAMES = [
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
    "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat",
    "Korkmaz", "Çakır", "Erdem", "Güneş", "Aktaş", "Bulut", "Keskin", "Ünal", "Gündoğdu", "Tekin", "Ateş",
    "Karataş", "Sarı", "Işık", "Güler", "Uçar", "Bozkurt", "Akgül", "Türkoğlu", "Erdoğdu", "Çiftçi",
]

#: Why people leave a course early, with weights (the reasons of service.domain.enrolments).
DROP_OUT_REASONS = {"found_job": 25, "family_care": 20, "lost_contact": 20, "moved_away": 10, "health": 10,
                    "other": 15}

# --- The employer side -------------------------------------------------------------------

#: Invented employers of İzmir: POST /employers bodies without the tax number (the planner
#: derives a checksum-valid VKN from the name), with the occupations (ISCO-08) each hires
#: and how often. Sectors are NACE Rev. 2 classes.
EMPLOYERS = [
    {"name": "Kordon Balıkçısı Restoran", "sector": "I56.10", "district": "Konak",
     "hires": {"5120": 3}},
    {"name": "Körfez Termal Otel", "sector": "I55.10", "district": "Balçova",
     "hires": {"5120": 3, "5141": 1, "3343": 1}},
    {"name": "Karşıyaka Ev Yemekleri Lokantası", "sector": "I56.10", "district": "Karşıyaka",
     "hires": {"5120": 2}},
    {"name": "Buca Moda Tekstil Konfeksiyon Ltd. Şti.", "sector": "C14.13", "district": "Buca",
     "hires": {"7531": 3}},
    {"name": "Karabağlar Dikiş Atölyesi", "sector": "C14.19", "district": "Karabağlar",
     "hires": {"7531": 2}},
    {"name": "Çiğli Çelik Konstrüksiyon San. ve Tic. A.Ş.", "sector": "C25.11", "district": "Çiğli",
     "hires": {"7212": 3}},
    {"name": "Kemalpaşa Kardeşler Metal İşleme", "sector": "C25.62", "district": "Kemalpaşa",
     "hires": {"7212": 2, "7233": 1}},
    {"name": "Yıldız Elektrik Taahhüt", "sector": "F43.21", "district": "Bornova",
     "hires": {"7411": 3}},
    {"name": "Ödemiş Süt Üreticileri Kooperatifi", "sector": "C10.51", "district": "Ödemiş",
     "hires": {"7513": 3, "6111": 1}},
    {"name": "Bergama Tarımsal Kalkınma Kooperatifi", "sector": "A01.11", "district": "Bergama",
     "hires": {"6111": 3, "6113": 1, "7513": 1}},
    {"name": "Menemen Seracılık ve Fidancılık", "sector": "A01.30", "district": "Menemen",
     "hires": {"6113": 3, "6111": 2}},
    {"name": "Torbalı Traktör ve Tarım Makineleri Servisi", "sector": "C33.12", "district": "Torbalı",
     "hires": {"7233": 3}},
    {"name": "Gaziemir Oto Bakım Servisi", "sector": "G45.20", "district": "Gaziemir",
     "hires": {"7231": 3}},
    {"name": "Ege Kod Yazılım Teknolojileri A.Ş.", "sector": "J62.01", "district": "Bayraklı",
     "hires": {"2512": 3, "3343": 1}},
    {"name": "Narlıdere Huzur Bakımevi", "sector": "Q87.30", "district": "Narlıdere",
     "hires": {"5321": 3}},
    {"name": "Bornova Şefkat Yaşlı Bakım Merkezi", "sector": "Q87.10", "district": "Bornova",
     "hires": {"5321": 2, "3343": 1}},
    {"name": "Alsancak Saç Tasarım Kuaförü", "sector": "S96.02", "district": "Konak",
     "hires": {"5141": 3}},
    {"name": "Karşıyaka Gülümse Kuaför ve Güzellik Salonu", "sector": "S96.02", "district": "Karşıyaka",
     "hires": {"5141": 2}},
    {"name": "Konak Çarşı Mağazacılık", "sector": "G47.71", "district": "Konak",
     "hires": {"5223": 3, "3343": 1}},
    {"name": "Ödemiş Ekmek ve Pastane Fırını", "sector": "C10.71", "district": "Ödemiş",
     "hires": {"7512": 3, "5120": 1}},
]

#: What a vacancy in each occupation of the cohorts looks like: Turkish job titles, the
#: monthly wage range in TRY (net, 2026; the minimum wage is 28,075.50), the weekly hours
#: and the contract types with weights.
CURRENCY = "TRY"
#: What an apprenticeship's job title says: İŞKUR's on-the-job training programme.
APPRENTICESHIP_TITLE = " (işbaşı eğitim)"
APPRENTICE_WAGE = (22_000, 26_000)
INFORMAL_WAGE = (22_000, 28_000)
_TRADE = {"permanent": 60, "fixed_term": 20, "apprenticeship": 20}
_OFFICE = {"permanent": 70, "fixed_term": 30}
_FIELD = {"seasonal": 70, "fixed_term": 20, "permanent": 10}
OCCUPATIONS = {
    "5120": {"titles": ["Aşçı", "Aşçı yardımcısı", "Soğuk mutfak elemanı"], "wage": (30_000, 42_000),
             "hours": 45, "contracts": {"permanent": 60, "seasonal": 25, "fixed_term": 15}},
    "5141": {"titles": ["Kuaför kalfası", "Bayan kuaförü"], "wage": (28_500, 38_000), "hours": 45,
             "contracts": _TRADE},
    "7531": {"titles": ["Düz makinacı", "Overlokçu", "Konfeksiyon dikiş operatörü"], "wage": (28_500, 34_000),
             "hours": 45, "contracts": _OFFICE},
    "3343": {"titles": ["İdari asistan", "Ön büro elemanı", "Sekreter"], "wage": (30_000, 40_000), "hours": 40,
             "contracts": _OFFICE},
    "5321": {"titles": ["Hasta ve yaşlı bakım elemanı", "Bakım personeli (gece vardiyası)"],
             "wage": (29_000, 36_000), "hours": 45, "contracts": _OFFICE},
    "2512": {"titles": ["Junior yazılım geliştirici", "Web yazılım geliştirici", "Stajyer yazılım geliştirici"],
             "wage": (42_000, 60_000), "hours": 40,
             "contracts": {"permanent": 70, "apprenticeship": 20, "fixed_term": 10}},
    "6111": {"titles": ["Mevsimlik tarım işçisi", "Tarla işçisi"], "wage": (28_100, 32_000), "hours": 50,
             "contracts": _FIELD},
    "6113": {"titles": ["Sera işçisi", "Fidanlık elemanı"], "wage": (28_100, 32_000), "hours": 50,
             "contracts": _FIELD},
    "7233": {"titles": ["Tarım makineleri teknisyeni", "Traktör bakım ustası yardımcısı"],
             "wage": (32_000, 42_000), "hours": 45, "contracts": _TRADE},
    "7513": {"titles": ["Peynir üretim elemanı", "Süt işleme operatörü"], "wage": (28_500, 34_000),
             "hours": 45, "contracts": {"permanent": 50, "seasonal": 30, "fixed_term": 20}},
    "7512": {"titles": ["Fırıncı", "Pasta ustası yardımcısı"], "wage": (29_000, 36_000), "hours": 45,
             "contracts": _TRADE},
    "7212": {"titles": ["Gazaltı kaynakçısı (MIG/MAG)", "Argon kaynakçısı", "Kaynakçı yardımcısı"],
             "wage": (36_000, 48_000), "hours": 45, "contracts": _TRADE},
    "7411": {"titles": ["Elektrik tesisatçısı", "Elektrikçi yardımcısı"], "wage": (34_000, 46_000),
             "hours": 45, "contracts": _TRADE},
    "7231": {"titles": ["Oto mekanik ustası yardımcısı", "Oto servis teknisyeni"], "wage": (32_000, 44_000),
             "hours": 45, "contracts": _TRADE},
    "5223": {"titles": ["Satış danışmanı", "Mağaza satış personeli"], "wage": (28_100, 33_000), "hours": 45,
             "contracts": _OFFICE},
}

#: What caseworkers write when they refer someone (empty for most).
REFERRAL_NOTES = {
    "": 10,
    "Kursu başarıyla tamamladı, hemen başlayabilir.": 3,
    "Vardiyalı çalışabilir.": 2,
    "Çocuk bakımı desteği alıyor; gündüz vardiyasını tercih ediyor.": 1,
    "Ehliyeti var (B sınıfı).": 1,
    "Uygulama derslerinde çok başarılıydı; usta öğreticisi öneriyor.": 2,
    "İşyerine ulaşım için servis gerekiyor.": 1,
}

#: Why jobs end (service.domain.placements.END_REASONS), by contract type, with weights.
END_REASONS = {
    "permanent": {"resigned": 40, "dismissed": 15, "moved_away": 10, "health": 10, "business_closed": 5,
                  "other": 20},
    "fixed_term": {"contract_ended": 80, "resigned": 15, "other": 5},
    "seasonal": {"contract_ended": 85, "resigned": 10, "other": 5},
    "apprenticeship": {"contract_ended": 60, "resigned": 30, "other": 10},
}
