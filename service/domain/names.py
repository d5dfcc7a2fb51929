"""People's names as matching compares them: one normal form, and a trigram similarity.

`normalise` makes the spellings of one name that differ only in orthography equal:

- case, with Turkish dotted and dotless i alike (İ, I, ı, i are all `i`): a Turkish name typed on a
  keyboard without the letters (or upper-cased by the English rule) is the same name;
- accents and other diacritics stripped (Unicode NFKD, combining marks dropped): á é í ó ú ñ ü (Spanish),
  å ä ö (Swedish), ç ğ ö ş ü (Turkish) become their base letters, as people write them where the letter
  is not at hand;
- the letters that do not decompose written as their usual Latin spelling: ß ss, æ ae, œ oe, ø o,
  đ/ð d, ł l, þ th;
- apostrophes dropped (O'Brien, D'Alessandro: written with and without), every other punctuation mark,
  hyphens included, a space (Pérez-García, Pérez García);
- the Spanish `y` between two surnames dropped: it is optional (Ortega y Gasset, Ortega Gasset);
- the words sorted: double surnames in either order, and given and family name swapped, are one name.

No transliteration beyond orthography: Mohammed, Muhammad and Mehmet are different spellings of one
name in some people's papers and different names in others', so equating them would merge people; the
similarity below finds the close ones (Mohammed and Mohamed) for a caseworker to judge. Names in other
scripts (Arabic, Cyrillic) are kept as they are, case-folded: transliterating them has several
standards and no single answer.

`similarity` is PostgreSQL pg_trgm's (the words' trigrams, each word padded with two spaces before and
one after; shared trigrams over all trigrams), so that what the database's trigram index finds and what
Python decides agree.
"""

from __future__ import annotations

import re
import unicodedata

#: Letters NFKD leaves whole, as they are spelt in plain Latin letters.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th",
                          "ı": "i", "ĸ": "k", "ŋ": "n", "ſ": "s"})
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_A_LETTER = re.compile(r"[^\w]|_", re.UNICODE)
#: Words an equal name may have or leave out.
_OPTIONAL_WORDS = frozenset({"y"})
#: Names at least this similar (with the same birth date) are a likely duplicate. Measured on real pairs
#: (tests/unit/test_names.py): spellings of one name score 0.62-0.81 (Mohammed/Mohamed 0.79, Johansson/
#: Johanson 0.81, Hassan/Hasan 0.75, Karlsson/Carlsson 0.67, Öberg/Oeberg 0.62), a surname left out 0.67
#: (María Pérez / María Pérez García); two people who share a surname 0.39-0.59 (Ayşe/Fatma Yılmaz 0.39,
#: José/Juan García 0.50, Mehmet/Ahmet Yılmaz 0.59). pg_trgm's own default, 0.3, would take in the latter.
SIMILAR = 0.6


def words(*parts: str | None) -> list[str]:
    """The words of a name in normal form, in their order."""
    text = " ".join(part for part in parts if part)
    # Turkish capital I is dotless: lower it to ı first, then every i-like letter is i below.
    text = text.replace("İ", "i").replace("I", "ı").lower().translate(_LETTERS)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = _NOT_A_LETTER.sub(" ", _APOSTROPHES.sub("", text))
    return [word for word in text.split() if word not in _OPTIONAL_WORDS]


def normalise(*parts: str | None) -> str:
    """The normal form of a name given in parts (given name, family name): its words sorted, one space apart."""
    return " ".join(sorted(words(*parts)))


def query_words(query: str) -> list[str]:
    """The words of a search, each to be found somewhere in a normal form (in any order)."""
    return words(query)


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams of `text`: per word, padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity` of two normal forms: 1.0 the same trigrams, 0.0 none shared."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)
