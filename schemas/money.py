"""Wages as exact decimals (written as strings in responses) with an ISO 4217 currency."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import marshmallow as ma
from marshmallow import fields

from service.domain.money import CURRENCIES, amount_errors


class Amount(fields.Decimal):
    """Accepts a JSON number or a decimal string; answers a string such as "25000.00"."""

    def __init__(self, **kwargs):
        super().__init__(places=2, as_string=True, allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.make_error("invalid")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.make_error("invalid") from None
        errors = amount_errors(amount)
        if errors:
            raise ma.ValidationError(errors)
        return amount.quantize(Decimal("0.01"))


class Currency(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in CURRENCIES:
            raise ma.ValidationError("Not an ISO 4217 currency code (e.g. TRY, EUR, SEK).")
        return code
