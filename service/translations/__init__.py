"""Gettext catalogues of what people read in their language: one folder per language, `.po` in git,
`.mo` compiled at install (`make install`, the Dockerfile: `pybabel compile -d service/translations`).

Plain Babel rather than Flask-Babel: the language is the organisation's `locale`, not the
request's, and exports are also built where no request exists. Msgids are the English
source strings, marked with `N_` where they are defined and translated where they are shown.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import Translations

DIRECTORY = Path(__file__).resolve().parent
DOMAIN = "messages"
#: What a locale without a catalogue reads.
FALLBACK = "en"


def N_(message: str) -> str:
    """Mark a msgid for extraction (`pybabel extract` knows `N_`); it is translated when shown."""
    return message


def languages() -> tuple[str, ...]:
    """The folders holding a `.po` file, read from the disk."""
    return tuple(sorted(path.parents[1].name for path in DIRECTORY.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


#: The languages with a catalogue: a new language is a new folder with its `.po` file.
LANGUAGES = languages()


class CatalogueMissing(RuntimeError):
    """A language's `.po` file was never compiled: the installation is incomplete."""


def language(locale: str | None) -> str:
    """The language part of a locale (`tr-TR`, `tr_TR` → `tr`), the fallback when it has no catalogue."""
    lang = (locale or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in LANGUAGES else FALLBACK


@cache
def catalogue(lang: str) -> Translations:
    """The compiled catalogue of a language in LANGUAGES; loud when it was not compiled."""
    path = DIRECTORY / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as file:
            return Translations(file, domain=DOMAIN)
    except FileNotFoundError:
        raise CatalogueMissing(f"{path} is missing: compile the catalogues with `make install` "
                               f"(or `pybabel compile -d {DIRECTORY}`)") from None


def translate(locale: str | None, msgid: str) -> str:
    """`msgid` in the language of `locale`."""
    return catalogue(language(locale)).gettext(msgid)
