"""Money: decimal amounts with an ISO 4217 currency; floats never carry wages."""

from __future__ import annotations

from decimal import Decimal

#: Active ISO 4217 currency codes (funds and precious metals left out).
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF
XPF YER ZAR ZMW ZWG
""".split())

#: A monthly wage above this is a typing error, not a job offer.
MAX_MONTHLY_WAGE = Decimal("100000000")


CENT = Decimal("0.01")


def amount_errors(amount: Decimal) -> list[str]:
    """A wage is more than nothing, at most MAX_MONTHLY_WAGE, and a whole number of cents
    (judged by value: 1.500 is 1.50, 1.00000000000000000001 is not a wage)."""
    if not amount.is_finite():
        return ["Must be a finite amount."]
    if amount <= 0:
        return ["Must be more than 0."]
    if amount > MAX_MONTHLY_WAGE:
        return [f"Must not exceed {MAX_MONTHLY_WAGE}."]
    if amount != amount.quantize(CENT):
        return ["At most two decimal places."]
    return []
