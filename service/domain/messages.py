"""`Msg`: a message that reads as English and carries its msgid and values for translation."""

from __future__ import annotations

from typing import Any


class Msg(str):
    """An English message (`str(msg)` is the English text, so every comparison, log line and
    JSON dump that worked with the f-string still works) that remembers its msgid, the English
    template with `{placeholders}`, and the values to put in it. The domain cannot import Babel:
    `service.translations.localise` translates the msgid and formats the values when a
    response or a page is written. A value that is itself a `Msg` is translated too.

    >>> Msg("The cohort is full ({capacity} places).", capacity=12)
    'The cohort is full (12 places).'
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Msg:
        text = msgid.format(**params) if params else msgid
        message = super().__new__(cls, text)
        message.msgid = msgid
        message.params = params
        return message

    def __reduce__(self):
        # Pickled (an error crossing a process) as a plain call, with its msgid and values.
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: dict[str, Any]) -> Msg:
    return Msg(msgid, **params)


class Term(Msg):
    """A code that reads as itself in English, where API clients may match on it ("tr_tckn"), and as
    its label in a translation ("T.C. kimlik numarası (TCKN)"): `localise` translates a value that
    is a `Msg` by its msgid, here the label."""

    def __new__(cls, code: str, label: str) -> Term:
        term = str.__new__(cls, code)
        term.msgid = label
        term.params = {}
        return term

    def __reduce__(self):
        return (Term, (str(self), self.msgid))


def message_of(error: Exception) -> str:
    """The message an exception was raised with, still a `Msg` when it was one (`str(error)`
    makes a plain copy of it, which could no longer be translated)."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, str) else str(error)
