"""Helpers of the executable report: scaling laws, hardware and cost, data, inference.

Every public function is pure and vectorised, names its units in its arguments, and raises
``ValueError`` naming the parameter when given bad input. Published inputs are read from
``data/`` (:mod:`analysis.datasets`); assumptions from ``data/assumptions.toml``
(:mod:`analysis.assumptions`).
"""

__version__ = "0.1.0"
