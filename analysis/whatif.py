"""The what-if view's grid: the data wall and the ledger rows that move, over a grid of assumptions.

The last section of the data-wall chapter (``book/data_wall.ipynb``) lets a reader without Python
pick values of seven knobs and read the recomputed numbers. Nothing is computed in the browser:
this module evaluates the same functions the chapters use (:mod:`analysis.hardware`,
:mod:`analysis.datawall`, the claims ledger) at every grid point when the book is built, and the
page's controls only look the results up.

The knobs (:data:`KNOBS`) are six assumptions of ``data/assumptions.toml`` and the scaling-law fit
(a key of :func:`analysis.datawall.fits`). Each numeric knob takes a few values spread over its
declared range, always including the book's default and the value in force (:func:`grid`).
Outputs depend on few knobs each, so each output is stored over the product of the knobs it depends
on (a *table*: ``{"keys": [...], "values": [...]}`` flattened in C order; a table of text stores
each distinct string once, in ``"text"``, and ``values`` indexes it); the full grid is their product.

Which ledger rows move is not hand-picked: :func:`moving_claims` recomputes every checkable row
with each knob moved alone over its grid and keeps the rows whose value changes, with the knobs
each depends on. To stay cheap it first records which assumptions each row's function reads and
moves a knob only under the rows that read it (a row that never reads a knob cannot move with it).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from analysis import _validate, assumptions, datawall, essays, fmt, hardware, ledger

__all__ = ["KNOBS", "grid", "grid_size", "usable_tokens", "reads", "moving_claims", "ledger_rows", "tables",
           "DEFAULT_FIT", "CURVE_FLOPS", "lookup"]

#: Knob name -> (number of grid values across the declared range, spacing). ``fit`` and
#: ``flop_basis`` take every allowed choice.
KNOBS = {
    "usd_per_gpu_hour": (4, "log"),
    "mfu": (6, "linear"),
    "flop_basis": (None, "choices"),
    "text_stock_tokens": (2, "log"),
    "fit": (None, "choices"),
    "max_epochs": (4, "log"),
    "distillation_multiplier": (3, "linear"),
}
#: The fit shown first: the rule of thumb the essay uses (20 tokens per parameter).
DEFAULT_FIT = "twenty"
#: Compute axis of the tokens figure (FLOP): the range of the data-wall chapter's figure.
CURVE_FLOPS = np.logspace(25, 30, 41)
_ASSUMPTION_KNOBS = [k for k in KNOBS if k != "fit"]


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def grid(a: assumptions.Assumptions | None = None) -> dict[str, list]:
    """Grid values of every knob: evenly spread over the declared range, with the file's default
    and the value in force in ``a`` (a rerun's override) added.

    Returns
    -------
    dict
        ``{knob: [values, sorted]}``; ``fit`` lists the keys of :func:`analysis.datawall.fits`.
    """
    a = assumptions.load() if a is None else a
    out = {}
    for name, (n, spacing) in KNOBS.items():
        if name == "fit":
            out[name] = list(datawall.fits())
            continue
        spec = a.spec(name)
        if spacing == "choices":
            out[name] = list(spec.allowed)
            continue
        points = np.geomspace(spec.low, spec.high, n) if spacing == "log" else np.linspace(spec.low, spec.high, n)
        out[name] = sorted({_round(x) for x in points} | {float(spec.value), float(a[name])})
    return out


def grid_size(g: dict) -> int:
    """Number of scenarios in the full grid (the product of the knobs' grid sizes)."""
    return math.prod(len(v) for v in g.values())


def usable_tokens(text_stock_tokens, max_epochs, distillation_multiplier):
    """Fresh-token equivalent of the unique stock repeated ``max_epochs`` times, times distillation.

    The unique stock is :func:`analysis.datawall.unique_stock_tokens`; repetition is
    :func:`analysis.datawall.usable_tokens`; distillation multiplies the result, as the walls
    chapter's data ceiling does (:func:`analysis.forecast.data_ceiling`). With a multiplier of 1 this
    is the data-wall chapter's "unique, repeated" reading.
    """
    stock = _validate.positive("text_stock_tokens", text_stock_tokens)
    epochs = _validate.in_range("max_epochs", max_epochs, 1.0, np.inf, high_open=True)
    mult = _validate.positive("distillation_multiplier", distillation_multiplier)
    unique = datawall.unique_stock_tokens(stock)
    return datawall.usable_tokens(unique, epochs) * mult


def _mesh(g: dict, keys: list[str]) -> dict[str, np.ndarray]:
    """Flattened C-order product of the grid values of ``keys``."""
    combos = list(itertools.product(*(g[k] for k in keys)))
    return {k: np.array([c[i] for c in combos], dtype=object if isinstance(g[k][0], str) else float)
            for i, k in enumerate(keys)}


def _table(keys, values) -> dict:
    """A table over ``keys``; text is stored once per distinct string (``text``, indexed by ``values``)."""
    values = list(values)
    if values and isinstance(values[0], str):
        text = list(dict.fromkeys(values))
        where = {t: i for i, t in enumerate(text)}
        return {"keys": list(keys), "values": [where[v] for v in values], "text": text}
    return {"keys": list(keys), "values": values}


class _Reads(assumptions.Assumptions):
    """The assumptions ``a``, noting in ``read`` every name read from them or from a copy made with
    :meth:`replace`. Never equal to another object, so no cache keyed on the assumptions answers
    in place of the function being traced."""

    __slots__ = ("_read",)

    def __init__(self, a: assumptions.Assumptions, read: set):
        super().__init__(a.specs(), dict(a), a.path)
        object.__setattr__(self, "_read", read)

    def __getitem__(self, name):
        self._read.add(name)
        return super().__getitem__(name)

    def __getattr__(self, name):
        if not name.startswith("_"):
            self._read.add(name)
        return super().__getattr__(name)

    def replace(self, **overrides):
        return _Reads(super().replace(**overrides), self._read)

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


def reads(reference: str, a: assumptions.Assumptions | None = None) -> set[str]:
    """The assumptions the ledger function ``reference`` reads when it recomputes under ``a``."""
    a = assumptions.load() if a is None else a
    read: set[str] = set()
    ledger.recompute(reference, _Reads(a, read))
    return read


def moving_claims(a: assumptions.Assumptions | None = None, g: dict | None = None) -> dict[str, list[str]]:
    """Checkable ledger rows whose recomputed value changes when one knob moves over its grid.

    Rows without an essay number (judged by a written override) and the calendar-time forecast's
    rows (each a Monte Carlo run; shown on the walls page) are left out.

    Returns
    -------
    dict
        ``{claim id: [knobs it depends on, in KNOBS order]}``, ids sorted.
    """
    a = assumptions.load() if a is None else a
    g = grid(a) if g is None else g
    rows = ledger.ledger(a)
    rows = rows[rows["checkable"].astype(bool) & rows["recompute"].notna() & (rows["recompute"] != "")
                & rows["essay_value"].notna()
                # the calendar-time forecast's rows (a Monte Carlo per setting) live on the walls page
                & ~rows["recompute"].astype(str).str.startswith("forecast:")]
    base = dict(zip(rows["id"], rows["recomputed"], strict=True))
    refs = dict(zip(rows["id"], rows["recompute"], strict=True))
    read = {cid: reads(ref, a) for cid, ref in refs.items()}
    found: dict[str, list[str]] = {}
    for knob in _ASSUMPTION_KNOBS:
        for v in g[knob]:
            moved = a.replace(**{knob: v})
            for cid, ref in refs.items():
                if knob in read[cid] and knob not in found.setdefault(cid, []) \
                        and not math.isclose(ledger.recompute(ref, moved), base[cid], rel_tol=1e-12):
                    found[cid].append(knob)
    return {cid: knobs for cid, knobs in sorted(found.items()) if knobs}


def ledger_rows(a: assumptions.Assumptions | None = None, g: dict | None = None,
                moving: dict[str, list[str]] | None = None) -> list[dict]:
    """Every moving ledger row over the product of its knobs: ours, the ratio and the verdict.

    The value is the row's ``recompute`` function under ``a.replace(**values)``, shown as the
    ledger's table shows it (:func:`analysis.ledger.table`); the verdict is the row's override where
    it has one, else :func:`analysis.ledger.verdict` (the ledger's rule). ``moving`` is
    :func:`moving_claims` (computed when not given).
    """
    a = assumptions.load() if a is None else a
    g = grid(a) if g is None else g
    moving = moving_claims(a, g) if moving is None else moving
    rows = ledger.ledger(a).set_index("id")
    out = []
    for cid, knobs in moving.items():
        r = rows.loc[cid]
        mesh = _mesh(g, knobs)
        n = len(next(iter(mesh.values())))
        e = float(r["essay_value"])
        override = r["override_verdict"]
        blank = override is None or (isinstance(override, float) and math.isnan(override)) or override == ""
        shown, ratio, verdicts = [], [], []
        for i in range(n):
            value = ledger.recompute(r["recompute"], a.replace(**{k: mesh[k][i] for k in knobs}))
            shown.append(ledger._show(value, r["unit"], 3))
            ratio.append(e / value)
            verdicts.append(ledger.verdict(e, value) if blank else str(override))
        out.append({"id": cid, "claim": ledger._words(r["claim"]), "essay": ledger._show(e, r["unit"]),
                    "knobs": knobs, "ours": _table(knobs, shown), "verdict": _table(knobs, verdicts),
                    "ratio": _table(knobs, [float(x) for x in ratio]),
                    "ratio_text": _table(knobs, [fmt.num(x, 2) for x in ratio])})
    return out


def tables(a: assumptions.Assumptions | None = None, g: dict | None = None) -> dict:
    """The page's numbers over the grid, each over the knobs it depends on (vectorised).

    Returns
    -------
    dict
        ``{output: {"keys": [...], "values": [...]}}`` with outputs ``flops_1b`` (FLOP the essay's
        large budget, claim B33, buys at the chosen price, MFU and basis on the GPU and precision
        in force, ``a.gpu`` and ``a.precision``),
        ``tokens_1b`` (the compute-optimal tokens of that run under the fit), ``usable`` (usable
        tokens), ``year`` (when the largest training set reaches them on Villalobos et al.'s trend),
        ``wall_flops`` (compute at which the fit needs them), ``wall_usd`` (its cost),
        ``share_1b`` (the run's tokens over the usable tokens); each as text (``fmt``) and, where
        a figure needs it, as a number (``*_num``). Also ``curves``: each fit's tokens at
        :data:`CURVE_FLOPS`.
    """
    a = assumptions.load() if a is None else a
    g = grid(a) if g is None else g
    laws = datawall.fits()
    budget = essays.value("B33")
    out: dict[str, dict] = {}

    cost_keys = ["usd_per_gpu_hour", "mfu", "flop_basis"]
    m = _mesh(g, cost_keys)
    flops = np.empty(len(m["mfu"]))
    for basis in g["flop_basis"]:
        sel = m["flop_basis"] == basis
        flops[sel] = hardware.usd_to_flops(budget, usd_per_gpu_hour=m["usd_per_gpu_hour"][sel], mfu=m["mfu"][sel],
                                           gpu=a.gpu, precision=a.precision, flop_basis=basis)
    out["flops_1b"] = _table(cost_keys, [fmt.sci(x) for x in flops])
    out["flops_1b_num"] = _table(cost_keys, flops.tolist())
    usd_per_flop = budget / flops  # dollars per FLOP at each cost point (cost is proportional to compute)

    data_keys = ["text_stock_tokens", "max_epochs", "distillation_multiplier"]
    d = _mesh(g, data_keys)
    usable = np.asarray(usable_tokens(d["text_stock_tokens"], d["max_epochs"], d["distillation_multiplier"]))
    out["usable"] = _table(data_keys, [fmt.tokens(x) for x in usable])
    out["usable_num"] = _table(data_keys, usable.tolist())
    out["year"] = _table(data_keys, [fmt.year(x) for x in datawall.dataset_year(usable)])

    fits = g["fit"]
    tokens = np.array([[datawall.optimal_tokens(c, laws[f]) for c in flops] for f in fits])  # (fit, cost)
    walls = np.array([datawall.wall_flops(usable, laws[f]) for f in fits])  # (fit, data)
    # tokens_1b over (cost knobs..., fit): move the fit axis last
    out["tokens_1b"] = _table(cost_keys + ["fit"], [fmt.tokens(x) for x in tokens.T.ravel()])
    out["wall_flops"] = _table(data_keys + ["fit"], [fmt.sci(x) for x in walls.T.ravel()])
    out["wall_flops_num"] = _table(data_keys + ["fit"], walls.T.ravel().tolist())
    all_keys = cost_keys + data_keys + ["fit"]
    # (cost, data, fit): cost of the wall at each cost point; share of usable tokens the run needs
    wall_usd = usd_per_flop[:, None, None] * walls.T[None, :, :]
    share = tokens.T[:, None, :] / usable[None, :, None]
    out["wall_usd"] = _table(all_keys, [fmt.usd(x) for x in wall_usd.ravel()])
    out["share_1b"] = _table(all_keys, [fmt.pct(x) for x in share.ravel()])
    out["curves"] = {f: np.asarray(datawall.optimal_tokens(CURVE_FLOPS, laws[f])).tolist() for f in fits}
    return out


def lookup(table: dict, g: dict, values: dict):
    """The entry of ``table`` at the grid values ``values`` (``{knob: value}``): the page's lookup.

    Raises
    ------
    ValueError
        If a knob the table depends on is missing from ``values`` or its value is not on the grid.
    """
    i = 0
    for k in table["keys"]:
        if k not in values or values[k] not in g[k]:
            raise ValueError(f"{k}={values.get(k)!r} is not a grid value; the grid has {g[k]!r} "
                             "(use make rerun for other values)")
        i = i * len(g[k]) + g[k].index(values[k])
    return table["text"][table["values"][i]] if "text" in table else table["values"][i]
