"""Gettext catalogues of what people read in their language: one folder per language, `.po` in git,
`.mo` compiled at install (`make install`, the Dockerfile compiles every `.po`).

Each area keeps its own gettext domain (`messages.po` for exports, `labels.po` for the labels of
values, `errors.po`, `web.po`, ...) in `<lang>/LC_MESSAGES/`; a language's catalogue is all of
them merged, `messages` first. Plain Babel here rather than Flask-Babel: exports are built where
no request exists, in the organisation's `locale`. Msgids are the English source strings, marked
with `N_` where they are defined and translated where they are shown.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import Translations

DIRECTORY = Path(__file__).resolve().parent
#: The domain read first (the exports'); the other domains of a folder follow in name order.
DOMAIN = "messages"
#: What a locale without a catalogue reads.
FALLBACK = "en"


def N_(message: str) -> str:
    """Mark a msgid for extraction (`pybabel extract` knows `N_`); it is translated when shown."""
    return message


def languages() -> tuple[str, ...]:
    """The folders holding at least one `.po` file, read from the disk."""
    return tuple(sorted({path.parents[1].name for path in DIRECTORY.glob("*/LC_MESSAGES/*.po")}))


#: The languages with a catalogue (en, tr, sv, es): a new language is a new folder with its `.po` files.
LANGUAGES = languages()


def domains(lang: str) -> tuple[str, ...]:
    """The gettext domains of a language, from its `.po` files: `messages` first, then by name."""
    names = {path.stem for path in (DIRECTORY / lang / "LC_MESSAGES").glob("*.po")}
    return tuple(sorted(names, key=lambda name: (name != DOMAIN, name)))


class CatalogueMissing(RuntimeError):
    """A language's `.po` file was never compiled: the installation is incomplete."""


def language(locale: str | None) -> str:
    """The language part of a locale (`tr-TR`, `tr_TR` → `tr`), the fallback when it has no catalogue."""
    lang = (locale or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in LANGUAGES else FALLBACK


@cache
def catalogue(lang: str) -> Translations:
    """Every compiled domain of a language merged into one catalogue (a msgid found in several domains
    reads the first domain's, `messages` first); loud when a `.po` was not compiled."""
    merged: Translations | None = None
    for domain in domains(lang):
        path = DIRECTORY / lang / "LC_MESSAGES" / f"{domain}.mo"
        try:
            with path.open("rb") as file:
                loaded = Translations(file, domain=domain)
        except FileNotFoundError:
            raise CatalogueMissing(f"{path} is missing: compile the catalogues with `make install` "
                                   f"(or `pybabel compile -i {path.with_suffix('.po')} -o {path}`)") from None
        if merged is None:
            merged = loaded
        else:
            # A fallback is read only for the msgids the catalogues before it lack.
            merged.add_fallback(loaded)
    if merged is None:
        raise CatalogueMissing(f"{DIRECTORY / lang / 'LC_MESSAGES'} holds no .po file")
    return merged


def translate(locale: str | None, msgid: str) -> str:
    """`msgid` in the language of `locale`, whichever domain translates it."""
    return catalogue(language(locale)).gettext(msgid)
