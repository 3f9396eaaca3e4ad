"""Currency amounts in config files: `"104443 USD"`, with exchange rates of a stated date.

A money value is written as text, `<number> <currency>`, the currency one of CURRENCIES. Cost
models (configs/costs) carry an `exchange_rates` block (units of each currency per US dollar, the
date and source of the rates) so that a figure cited in one currency can be reported in another.
An unknown currency is a validation error, which `evcorridor.yamlio` reports as
`file:line:column: field: unknown currency 'EUR' (known: CAD, MXN, USD)`.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

CURRENCIES: Final = ("CAD", "MXN", "USD")


class Amount(BaseModel):
    """An amount of money in one currency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float = Field(ge=0)
    currency: str

    def __str__(self) -> str:
        return f"{self.value:,.0f} {self.currency}"


def check_currency(code: str) -> str:
    """`code` if it is a known currency; ValueError naming the known ones otherwise."""
    if code not in CURRENCIES:
        raise ValueError(f"unknown currency {code!r} (known: {', '.join(CURRENCIES)})")
    return code


def parse_amount(raw: object) -> object:
    """`"104443 USD"` -> Amount; an Amount or a mapping passes through to normal validation."""
    if isinstance(raw, Amount | dict):
        return raw
    if not isinstance(raw, str):
        raise ValueError("expected an amount like '104443 USD'")
    parts = raw.replace(",", "").split()
    if len(parts) != 2:
        raise ValueError(f"expected an amount like '104443 USD', got {raw!r}")
    try:
        value = float(parts[0])
    except ValueError as exc:
        raise ValueError(f"not a number: {parts[0]!r}") from exc
    if value < 0:
        raise ValueError(f"an amount cannot be negative: {raw!r}")
    return Amount(value=value, currency=check_currency(parts[1]))


#: a config field holding money: validated from "<number> <currency>", written back the same way
Money = Annotated[Amount, BeforeValidator(parse_amount),
                  PlainSerializer(lambda a: f"{a.value:.15g} {a.currency}", return_type=str)]
Currency = Annotated[str, BeforeValidator(lambda v: check_currency(str(v)))]


class ExchangeRates(BaseModel):
    """Units of each currency per US dollar on a stated date, with the source of the rates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: str = Field(min_length=4)
    per_usd: dict[Currency, Annotated[float, Field(gt=0)]]
    source: str = Field(min_length=1)

    def rate(self, currency: str) -> float:
        if currency == "USD":
            return 1.0
        if currency not in self.per_usd:
            raise ValueError(f"no exchange rate for {currency} (have: USD, "
                             f"{', '.join(sorted(self.per_usd))})")
        return float(self.per_usd[currency])

    def convert(self, value: float, from_currency: str, to_currency: str) -> float:
        """`value` in `from_currency` expressed in `to_currency` (through the US dollar)."""
        return value / self.rate(from_currency) * self.rate(to_currency)

    def amount(self, a: Amount, to_currency: str) -> float:
        return self.convert(a.value, a.currency, to_currency)
