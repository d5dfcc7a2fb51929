"""What an identifying number is to the service: a scheme that gives its one spelling, or says why not.

A leaf module: the country profiles (employers' tax numbers) and the document catalogue both build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from stdnum import exceptions as stdnum_errors
from service.domain.messages import Msg


class InvalidNumber(ValueError):
    """A number its scheme refuses; the message says why and never repeats the number."""


@dataclass(frozen=True, slots=True)
class IdScheme:
    """A kind of identifying number (a person's identity document, an employer's tax number).

    `canonical` takes the number without white space and returns its one spelling, or raises
    InvalidNumber. The generic scheme has none: any short printable text is taken as written.
    """

    name: str
    canonical: Callable[[str], str] | None = None


#: For countries whose numbers the service does not know how to check.
GENERIC_SCHEME = IdScheme("generic")


def stdnum_check(module: ModuleType, spell: Callable[[str], str] | None = None) -> Callable[[str], str]:
    """A python-stdnum module's `validate` as a canonical function; `spell` rewrites a valid number when
    the module's compact form still has several spellings of one number."""

    def canonical(compact: str) -> str:
        try:
            valid: str = module.validate(compact)
            return spell(valid) if spell else valid
        except stdnum_errors.ValidationError as error:
            # The class's own message (what the checks said before profiles), not a raise's argument.
            raise InvalidNumber(Msg(str(getattr(error, "message", error)))) from None

    return canonical


def stdnum_scheme(name: str, module: ModuleType, spell: Callable[[str], str] | None = None) -> IdScheme:
    """A scheme checked by a python-stdnum module (see stdnum_check)."""
    return IdScheme(name, stdnum_check(module, spell))
