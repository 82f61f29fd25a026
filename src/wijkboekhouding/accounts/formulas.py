"""The ledger's arithmetic: pure functions of plain numbers, each checkable by hand.

Amounts are euro per year.  KWB averages in "x 1 000 euro" are passed as published
(``25.2`` for € 25 200) and multiplied by 1 000 here, so callers never convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

THOUSAND = 1000.0


def income_total(people: float, income_per_person_k: float) -> float:
    """Σ income = people × average income per person (KWB, x 1 000 euro)."""
    return people * income_per_person_k * THOUSAND


def benefit_total(recipients: float, amount_per_recipient: float) -> float:
    return recipients * amount_per_recipient


@dataclass(frozen=True)
class EnergyBill:
    """The yearly energy bill of a set of dwellings, split by who receives it."""

    gas_supplier: float  # variable supply + fixed supply charge, excl. VAT
    electricity_supplier: float
    network: float  # network (transport) charges, gas + electricity, excl. VAT
    energy_tax: float  # energy tax + ODE − tax refund, excl. VAT
    vat: float

    @property
    def state(self) -> float:
        return self.energy_tax + self.vat

    @property
    def total(self) -> float:
        return self.gas_supplier + self.electricity_supplier + self.network + self.state


def energy_bill(dwellings: float, gas_m3_per_dwelling: float, kwh_per_dwelling: float,
                prices: Mapping[str, float], gas_connected_share: float = 1.0) -> EnergyBill:
    """Bill = m³ × p_m³ + kWh × p_kWh + connections × fixed charges − dwellings × tax refund, + VAT.

    ``prices`` holds the ``energie.<year>`` keys (excl. VAT).  Fixed gas charges apply to
    the dwellings with a gas connection (``gas_connected_share`` of them); the refund of
    energy tax applies once per dwelling (its electricity connection).
    """
    m3 = dwellings * gas_m3_per_dwelling
    kwh = dwellings * kwh_per_dwelling
    gas_connections = dwellings * gas_connected_share
    gas_supplier = m3 * prices["gas_levering_per_m3"] + gas_connections * prices["gas_vastrecht_per_jaar"]
    electricity_supplier = kwh * prices["stroom_levering_per_kwh"] + dwellings * prices["stroom_vastrecht_per_jaar"]
    network = gas_connections * prices["gas_netbeheer_per_jaar"] + dwellings * prices["stroom_netbeheer_per_jaar"]
    energy_tax = (m3 * (prices["gas_energiebelasting_per_m3"] + prices["gas_ode_per_m3"])
                  + kwh * (prices["stroom_energiebelasting_per_kwh"] + prices["stroom_ode_per_kwh"])
                  + dwellings * prices["vermindering_energiebelasting_per_jaar"])
    vat = (gas_supplier + electricity_supplier + network + energy_tax) * prices["btw_pct"] / 100
    return EnergyBill(gas_supplier, electricity_supplier, network, energy_tax, vat)


def electricity_price_incl_tax(prices: Mapping[str, float]) -> float:
    """What one kWh bought from the grid costs a household: supply + ODE + energy tax, + VAT."""
    per_kwh = prices["stroom_levering_per_kwh"] + prices["stroom_ode_per_kwh"] + prices["stroom_energiebelasting_per_kwh"]
    return per_kwh * (1 + prices["btw_pct"] / 100)


def solar_production_kwh(installed_kw: float, yield_kwh_per_kw: float) -> float:
    return installed_kw * yield_kwh_per_kw


def housing_value(dwellings: float, woz_k: float) -> float:
    """Dwellings × average WOZ value (KWB, x 1 000 euro)."""
    return dwellings * woz_k * THOUSAND


def property_tax(value: float, rate_pct: float) -> float:
    """OZB ≈ WOZ value × the gemeente's rate (percent of the value)."""
    return value * rate_pct / 100


def household_spending(households: float, low_income_pct: float, low_income_spending: float,
                       other_spending: float) -> tuple[float, float]:
    """(low-income households' spending, other households' spending), euro per year."""
    low = households * low_income_pct / 100
    return low * low_income_spending, (households - low) * other_spending


def category_shares(categories: Mapping[str, float], total: float) -> dict[str, float]:
    """Share of each category in total spending, plus ``overig`` for the rest."""
    shares = {name: amount / total for name, amount in categories.items()}
    shares["overig"] = max(0.0, 1 - sum(shares.values()))
    return shares


def apportion(total: float, area_driver: float, gemeente_driver: float) -> float:
    """A gemeente total shared out by the area's part of a driver (inhabitants, households...)."""
    return total * area_driver / gemeente_driver


def weighted_mean(pairs: list[tuple[float, float]]) -> float:
    """Σ value × weight / Σ weight."""
    weight = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / weight
