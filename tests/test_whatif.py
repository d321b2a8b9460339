"""The what-if view's grid (analysis.whatif, the data-wall chapter's controls) against analysis recomputed directly."""

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


def test_grid_holds_the_value_in_force_of_a_rerun():
    """A chapter rerun with a value off the default grid opens its view at that value."""
    a = A.replace(mfu=0.45, usd_per_gpu_hour=3.0)
    g = whatif.grid(a)
    assert 0.45 in g["mfu"] and A.mfu in g["mfu"] and g["mfu"] == sorted(g["mfu"])
    assert 3.0 in g["usd_per_gpu_hour"] and len(g["usd_per_gpu_hour"]) == len(G["usd_per_gpu_hour"]) + 1
    p = {**{k: v[0] for k, v in g.items()}, "mfu": 0.45, "usd_per_gpu_hour": 3.0}
    flops = hardware.usd_to_flops(essays.value("B33"), usd_per_gpu_hour=3.0, mfu=0.45, gpu=a.gpu,
                                  precision=a.precision, flop_basis=p["flop_basis"])
    assert whatif.lookup(whatif.tables(a, g)["flops_1b"], g, p) == fmt.sci(flops)


def test_tables_follow_the_gpu_and_precision_in_force():
    a = A.replace(gpu="HGX B200", precision="bf16")
    p = {k: v[-1] for k, v in G.items()}
    flops = hardware.usd_to_flops(essays.value("B33"), usd_per_gpu_hour=p["usd_per_gpu_hour"], mfu=p["mfu"],
                                  gpu="HGX B200", precision="bf16", flop_basis=p["flop_basis"])
    assert whatif.lookup(whatif.tables(a, G)["flops_1b"], G, p) == fmt.sci(flops)


def test_text_tables_store_each_string_once(tables):
    t = tables["wall_usd"]
    assert len(t["text"]) == len(set(t["text"])) < len(t["values"])
    assert all(isinstance(i, int) and 0 <= i < len(t["text"]) for i in t["values"])


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


def test_reads_records_every_way_a_function_reads_the_assumptions():
    """The tracer behind moving_claims sees reads by key, by attribute, through copies and mappings,
    and is never taken for the plain assumptions by a cache."""
    read: set[str] = set()
    traced = whatif._Reads(A, read)
    assert traced.mfu == A.mfu and traced["pue"] == A.pue
    assert traced.replace(run_days=A.run_days).gpu == A.gpu
    assert {"mfu", "pue", "gpu"} <= read
    assert traced != A and hash(traced) != hash(A)
    read.clear()
    dict(traced)
    assert read == set(A)


def test_moving_claims_finds_what_moving_each_knob_alone_finds():
    """Brute force without the tracer: every checkable row recomputed with each knob at each end of
    its grid; a row that changes must be listed with that knob (the tracer must not miss it)."""
    moving = whatif.moving_claims(A, G)
    rows = ledger.ledger(A)
    rows = rows[rows["checkable"].astype(bool) & rows["recompute"].notna() & (rows["recompute"] != "")
                & rows["essay_value"].notna() & ~rows["recompute"].astype(str).str.startswith("forecast:")]
    for knob in (k for k in whatif.KNOBS if k != "fit"):
        for v in {G[knob][0], G[knob][-1]}:
            moved = A.replace(**{knob: v})
            for cid, ref, base in zip(rows["id"], rows["recompute"], rows["recomputed"], strict=True):
                if not math.isclose(ledger.recompute(ref, moved), base, rel_tol=1e-12):
                    assert knob in moving.get(cid, []), (cid, knob, v)
