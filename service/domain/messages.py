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


def message_of(error: Exception) -> str:
    """The message an exception was raised with, still a `Msg` when it was one (`str(error)`
    makes a plain copy of it, which could no longer be translated)."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, str) else str(error)
