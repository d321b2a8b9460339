"""The what-if page's grid (analysis.whatif) against analysis recomputed directly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import assumptions, datawall, essays, fmt, hardware, ledger, whatif

A = assumptions.load()
G = whatif.grid(A)


@pytest.fixture(scope="module")
def tables():
    return whatif.tables(A, G)


def test_grid_spans_each_range_and_includes_the_default():
    for knob, values in G.items():
        if knob == "fit":
            assert values == list(datawall.fits())
            continue
        spec = A.spec(knob)
        if spec.allowed is not None:
            assert values == list(spec.allowed)
            continue
        assert values[0] == spec.low and values[-1] == spec.high, knob
        assert spec.value in values, knob
        assert 3 <= len(values) <= 6, knob
    assert whatif.grid_size(G) == math.prod(len(v) for v in G.values())


def points(n=6, seed=20241220):
    rng = np.random.default_rng(seed)
    return [{k: v[int(rng.integers(len(v)))] for k, v in G.items()} for _ in range(n)]


@pytest.mark.parametrize("p", points())
def test_tables_match_analysis_at_grid_points(tables, p):
    a = A.replace(**{k: v for k, v in p.items() if k != "fit"})
    law = datawall.fits()[p["fit"]]
    cost = dict(usd_per_gpu_hour=a.usd_per_gpu_hour, mfu=a.mfu, gpu="H100 SXM", precision="fp8",
                flop_basis=a.flop_basis)
    flops = hardware.usd_to_flops(essays.value("B33"), **cost)
    usable = datawall.usable_tokens(datawall.unique_stock_tokens(a.text_stock_tokens), a.max_epochs) \
        * a.distillation_multiplier
    wall = datawall.wall_flops(usable, law)
    assert whatif.lookup(tables["flops_1b"], G, p) == fmt.sci(flops)
    assert whatif.lookup(tables["tokens_1b"], G, p) == fmt.tokens(datawall.optimal_tokens(flops, law))
    assert whatif.lookup(tables["wall_flops"], G, p) == fmt.sci(wall)
    assert whatif.lookup(tables["wall_usd"], G, p) == fmt.usd(hardware.flops_to_usd(wall, **cost))
    assert whatif.lookup(tables["year"], G, p) == fmt.year(datawall.dataset_year(usable))
    needed = datawall.optimal_tokens(flops, law)
    assert whatif.lookup(tables["share_1b"], G, p) == fmt.pct(needed / usable)


def test_repeated_reading_is_the_chapters_at_no_distillation(tables):
    """With distillation at 1 the wall is the data-wall chapter's 'unique, repeated' reading."""
    p = {**{k: v[0] for k, v in G.items()}, "distillation_multiplier": 1.0, "fit": "besiroglu"}
    a = A.replace(**{k: v for k, v in p.items() if k != "fit"})
    walls = datawall.wall_table(text_stock_tokens=a.text_stock_tokens, max_epochs=a.max_epochs,
                                overtrain_factor=a.overtrain_factor, usd_per_gpu_hour=a.usd_per_gpu_hour, mfu=a.mfu,
                                gpu=a.gpu, precision=a.precision, flop_basis=a.flop_basis)
    assert whatif.lookup(tables["wall_usd"], G, p) == fmt.usd(walls.loc["besiroglu", "usd_repeated"])


def test_moving_claims_and_their_verdicts_are_the_ledgers():
    claims = whatif.ledger_rows(A, G)
    ids = {c["id"] for c in claims}
    assert {"B36", "B37", "B79"} <= ids  # priced, powered and stock-bound claims of the data-wall chapter
    assert "B12" not in ids  # tokens at a fixed FLOP count: no knob moves it
    for p in points(2, seed=7):
        a = A.replace(**{k: v for k, v in p.items() if k != "fit"})
        for c in claims:
            assert whatif.lookup(c["verdict"], G, p) == ledger.verdict_of(c["id"], a), (c["id"], p)


def test_a_value_off_the_grid_is_refused_by_name(tables):
    p = {**{k: v[0] for k, v in G.items()}, "usd_per_gpu_hour": 3.0}
    with pytest.raises(ValueError, match="usd_per_gpu_hour=3.0 is not a grid value"):
        whatif.lookup(tables["flops_1b"], G, p)
