"""Wages as exact decimals (written as strings in responses) with an ISO 4217 currency."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import marshmallow as ma
from marshmallow import fields

from service.domain.money import CENT, CURRENCIES, MAX_MONTHLY_WAGE, amount_errors
from service.domain.messages import Msg

#: A decimal string as the API takes and gives it: digits, at most two decimals, more than 0
#: and at most MAX_MONTHLY_WAGE (no sign, no exponent, no superfluous leading zero).
AMOUNT_PATTERN = r"^(?:[1-9][0-9]{0,7}(?:\.[0-9]{1,2})?|100000000(?:\.00?)?|0\.(?:0[1-9]|[1-9][0-9]?))$"
_AMOUNT_TEXT = re.compile(AMOUNT_PATTERN)


class Amount(fields.Decimal):
    """Accepts a JSON number or a decimal string; answers a string such as "25000.00".

    JSON numbers arrive as `Decimal`s parsed from the request's text (`service.api.guards`),
    so 1.00000000000000000001 is seen as written, not as the float 1.0."""

    def __init__(self, **kwargs):
        super().__init__(places=2, as_string=True, allow_nan=False, **kwargs)
        self.metadata.setdefault("pattern", AMOUNT_PATTERN)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise self.make_error("invalid")
        if isinstance(value, str) and not _AMOUNT_TEXT.fullmatch(value):
            raise ma.ValidationError(Msg("Must be a decimal string such as \"25000.00\": more than 0, at most {max}, "
                                         "with at most two decimals and no exponent.", max=MAX_MONTHLY_WAGE))
        try:
            amount = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation:
            raise self.make_error("invalid") from None
        errors = amount_errors(amount)
        if errors:
            raise ma.ValidationError(errors)
        return amount.quantize(CENT)


class Currency(fields.String):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("enum", sorted(CURRENCIES))

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in CURRENCIES:
            raise ma.ValidationError(Msg("Not an ISO 4217 currency code (e.g. TRY, EUR, SEK)."))
        return code
