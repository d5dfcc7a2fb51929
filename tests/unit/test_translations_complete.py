"""The gate of the four languages: every msgid the code and the templates mark, and every label of a value,
has a translation in tr, sv and es, with the same placeholders, and no catalogue holds a fuzzy entry.

The msgids are extracted as `make messages` extracts them (babel.cfg: Python with the KEYWORDS below, the
Jinja templates through jinja2.ext.babel_extract) plus the labels of service/translations/labels.py with
their context; a language's translations are the union of every `.po` file in its folder, whichever area
(domain) holds them. A failure names the language, the msgid and where the code uses it.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import service.translations as translations
from service.translations.labels import LABELS, context

ROOT = Path(__file__).resolve().parents[2]
#: The functions whose string arguments are msgids: gettext's, Flask-Babel's lazy ones, our N_ and Msg.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2),
            "Msg": None}
#: The languages that must translate everything (English msgids are the English text).
TRANSLATED = ("tr", "sv", "es")
#: Domains whose every entry must still be used (the others may hold third-party messages looked up as
#: they are, as the errors domain holds werkzeug's and marshmallow's).
OWN_ONLY = ("messages", "labels")

Key = tuple[str | None, str]  # (msgctxt, msgid)


def extract(root: Path = ROOT) -> dict[Key, dict]:
    """Every msgid marked in code and templates and every label: {(context, msgid): {"where", "plural"}}."""
    with (root / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file, filename=str(root / "babel.cfg"))
    used: dict[Key, dict] = {}
    for filename, lineno, message, _comments, ctxt in extract_from_dir(
            root, method_map=method_map, options_map=options_map, keywords=KEYWORDS):
        msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        if not msgid:
            continue
        entry = used.setdefault((ctxt, msgid), {"where": f"{filename}:{lineno}", "plural": None})
        entry["plural"] = entry["plural"] or plural
    for kind, values in LABELS.items():
        for value, msgid in values.items():
            used.setdefault((context(kind), msgid), {"where": f"LABELS[{kind!r}][{value!r}]", "plural": None})
    return used


def catalogues(lang: str, directory: Path | None = None) -> dict[Key, list[tuple[str, object]]]:
    """Every entry of every `.po` of a language: {(context, msgid): [(file, message), ...]}."""
    folder = (directory or translations.DIRECTORY) / lang / "LC_MESSAGES"
    found: dict[Key, list[tuple[str, object]]] = defaultdict(list)
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file, locale=lang, domain=path.stem):
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                if msgid:
                    found[(message.context, msgid)].append((path.name, message))
    return found


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


def translated(message) -> bool:
    """A usable translation: every plural form written, not fuzzy."""
    return not message.fuzzy and all(_strings(message))


_PERCENT = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def placeholders(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """`{name}` fields (str.format), and `%(name)s` / `%s` (Flask-Babel, Jinja's trans blocks) of a text."""
    try:
        braces = frozenset(field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field is not None)
    except ValueError:
        braces = frozenset({"<unbalanced braces>"})
    percent = frozenset(f"%({m.group(1)})" if m.group(1) else m.group(0)
                        for m in _PERCENT.finditer(text.replace("%%", "")))
    return braces, percent


def placeholder_problem(message) -> str | None:
    """What a translation's placeholders lack or add, compared with its msgid's; None when they agree."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    expected = [placeholders(msgid) for msgid in ids]
    for form, text in enumerate(_strings(message)):
        if not text:
            continue
        braces, percent = placeholders(text)
        # %-placeholders are compared only where the msgid has some: "50 % de" is text, not a format.
        agrees = [(braces == want_braces and (not want_percent or percent == want_percent))
                  for want_braces, want_percent in expected]
        # A plural form agrees with the plural msgid; the first form may agree with the singular, or say
        # less than it ("one follow-up" for "%(num)d follow-up"), as some languages' singular does.
        singular_says_less = (form == 0 and len(ids) > 1 and braces <= expected[0][0] and percent <= expected[0][1])
        if not (agrees[-1] or (form == 0 and agrees[0]) or singular_says_less):
            want_braces, want_percent = expected[0 if form == 0 else -1]
            return (f"form {form} has {sorted(braces | (percent if want_percent else frozenset()))}, "
                    f"the msgid {sorted(want_braces | want_percent)}")
    return None


def _describe(key: Key) -> str:
    ctxt, msgid = key
    return f"{msgid!r}" + (f" [{ctxt}]" if ctxt else "")


def missing(lang: str, used: Mapping[Key, dict], found: Mapping[Key, list]) -> list[str]:
    return sorted(f"{_describe(key)} ({entry['where']})" for key, entry in used.items()
                  if not any(translated(message) for _file, message in found.get(key, ())))


def bad_placeholders(lang: str, found: Mapping[Key, list]) -> list[str]:
    return sorted(f"{file}: {_describe(key)}: {problem}" for key, entries in found.items()
                  for file, message in entries if (problem := placeholder_problem(message)))


def fuzzy(lang: str, found: Mapping[Key, list]) -> list[str]:
    return sorted(f"{file}: {_describe(key)}" for key, entries in found.items()
                  for file, message in entries if message.fuzzy)


def conflicting(lang: str, found: Mapping[Key, list]) -> list[str]:
    """A msgid two files translate differently: the merged catalogue would show only one of them."""
    problems = []
    for key, entries in found.items():
        strings = {(file, _strings(message)) for file, message in entries if translated(message)}
        if len({text for _file, text in strings}) > 1:
            problems.append(f"{_describe(key)}: " + ", ".join(f"{file} {text!r}" for file, text in sorted(strings)))
    return sorted(problems)


def stale(lang: str, used: Mapping[Key, dict], found: Mapping[Key, list], domains: Iterable[str]) -> list[str]:
    files = {f"{domain}.po" for domain in domains}
    return sorted(f"{file}: {_describe(key)}" for key, entries in found.items() if key not in used
                  for file, _message in entries if file in files)


USED = extract()


def test_the_extraction_finds_code_templates_and_labels():
    assert ("enrolment_status", "Completed") in USED and (None, "Placement rate") in USED
    assert (None, "Holds no identity document") in USED  # a domain label, without context
    templates = list((ROOT / "service" / "web" / "templates").rglob("*.html"))
    if templates:
        assert any(".html:" in entry["where"] for entry in USED.values()), "no msgid found in the templates"


def test_the_four_languages_each_have_a_catalogue_of_every_domain():
    assert set(translations.LANGUAGES) >= {"en", *TRANSLATED}
    domains = {lang: set(translations.domains(lang)) for lang in translations.LANGUAGES}
    for lang in TRANSLATED:
        assert domains[lang] == domains["en"], f"{lang} has the domains {sorted(domains[lang])}, en {domains['en']}"


#: `label("kind", ...)` in templates, `labels.label("kind", ...)` in code (not SQLAlchemy's `.label("name")`).
_KIND_USED = re.compile(r"""(?:(?<![\w.])|\blabels\.)(?:label|choices)\(\s*["']([a-z_]+)["']""")


def test_every_kind_of_label_the_pages_ask_for_exists():
    """`label("enrolment_stauts", ...)` would show every value as its key: a kind must be one of LABELS."""
    asked = {(match.group(1), f"{path.relative_to(ROOT)}")
             for pattern in ("service/**/*.py", "service/web/templates/**/*.html") for path in ROOT.glob(pattern)
             for match in _KIND_USED.finditer(path.read_text(encoding="utf-8"))}
    assert sorted((kind, where) for kind, where in asked if kind not in LABELS) == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_msgid_has_a_translation(lang):
    lacking = missing(lang, USED, catalogues(lang))
    assert not lacking, f"{lang} lacks {len(lacking)} translations (add them to a .po of " \
                        f"service/translations/{lang}/LC_MESSAGES):\n  " + "\n  ".join(lacking)


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_translations_keep_the_placeholders_of_their_msgid(lang):
    problems = bad_placeholders(lang, catalogues(lang))
    assert not problems, f"{lang}: placeholders differ from the msgid's:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_no_catalogue_has_fuzzy_entries(lang):
    problems = fuzzy(lang, catalogues(lang))
    assert not problems, f"{lang}: fuzzy entries (check them, then remove the fuzzy flag):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_a_msgid_in_two_files_reads_the_same_in_both(lang):
    problems = conflicting(lang, catalogues(lang))
    assert not problems, f"{lang}: one msgid, two translations:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_exports_and_labels_hold_only_msgids_in_use(lang):
    problems = stale(lang, USED, catalogues(lang), OWN_ONLY)
    assert not problems, f"{lang}: entries nothing uses any more (remove them):\n  " + "\n  ".join(problems)


# The checks themselves, on a catalogue made for them ---------------------------------------------------------

PO = '''msgid ""
msgstr ""
"Language: sv\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Sign in"
msgstr "Logga in"

msgid "{count} people"
msgstr "{antal} personer"

#, fuzzy
msgid "Search"
msgstr "Sök"

msgid "Hello %(name)s"
msgstr "Hej"

msgid "Save"
msgstr ""

msgid "%(num)d follow-up"
msgid_plural "%(num)d follow-ups"
msgstr[0] "en uppföljning"
msgstr[1] "%(n)d uppföljningar"

msgctxt "sex"
msgid "Male"
msgstr "Man"
'''


def test_the_checks_name_what_is_wrong(tmp_path):
    folder = tmp_path / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "web.po").write_text(PO, encoding="utf-8")
    (folder / "people.po").write_text(PO.replace('"Logga in"', '"Logga på"'), encoding="utf-8")
    found = catalogues("sv", tmp_path)
    used = {(None, msgid): {"where": "x.py:1", "plural": None}
            for msgid in ("Sign in", "Search", "Save", "Missing", "%(num)d follow-up")}
    used[("sex", "Male")] = used[("sex", "Female")] = {"where": "LABELS", "plural": None}
    assert missing("sv", used, found) == ["'Female' [sex] (LABELS)", "'Missing' (x.py:1)", "'Save' (x.py:1)",
                                          "'Search' (x.py:1)"]
    assert fuzzy("sv", found) == ["people.po: 'Search'", "web.po: 'Search'"]
    assert bad_placeholders("sv", found)[3:] == [
        "web.po: '%(num)d follow-up': form 1 has ['%(n)'], the msgid ['%(num)']",
        "web.po: 'Hello %(name)s': form 0 has [], the msgid ['%(name)']",
        "web.po: '{count} people': form 0 has ['antal'], the msgid ['count']"]
    assert conflicting("sv", found) == ["'Sign in': people.po ('Logga på',), web.po ('Logga in',)"]
    assert stale("sv", used, found, ["web"]) == ["web.po: 'Hello %(name)s'", "web.po: '{count} people'"]


@pytest.mark.parametrize("msgid, msgstr, agrees", [
    ("{count} people", "{count} personer", True),
    ("{count} people", "{antal} personer", False),
    ("{a} of {b}", "{b} av {a}", True),
    ("Hello %(name)s", "Hola %(name)s", True),
    ("Hello %(name)s", "Hola", False),
    ("Done", "50 % de", True),  # a percent sign in text is no placeholder when the msgid has none
    ("Done", "{x}", False),
    ("{broken", "{broken", True),
])
def test_placeholders_compare_names_not_order(msgid, msgstr, agrees):
    class Message:
        id, string, fuzzy = msgid, msgstr, False
    assert (placeholder_problem(Message) is None) is agrees
