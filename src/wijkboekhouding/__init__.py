"""wijkboekhouding: a neighbourhood ledger from CBS open data and local figures.

Pipeline stages, one package each: ``sources`` (readers) -> ``warehouse``
(the gegevenspakhuis) -> ``accounts`` (derived figures, money-flow ledger) -> ``site``.
"""

__version__ = "0.1.0"
