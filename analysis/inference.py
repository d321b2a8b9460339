"""Inference arithmetic: FLOPs and bytes per generated token, decode speed limits, lifetime
compute, and the inference-aware optimal model size.

* **Per token.** A forward pass costs ``2 N`` FLOPs plus an attention term ``2 n_layer n_ctx
  d_attn`` (Kaplan et al. 2020, Table 1); decoding one token reads every weight once
  (``N * bits / 8`` bytes) and the KV cache of the context (``2 n_layer n_kv_heads d_head``
  elements per context token).
* **Speed limits.** At batch 1 a chip generates at most ``bandwidth / bytes per token`` tokens
  per second. Batching shares the weight read among many sequences until the arithmetic
  (``2 N`` FLOPs per token) saturates the chip: :func:`decode_throughput` is that roofline.
* **Lifetime compute.** Training costs ``6 N D``; serving ``T`` tokens costs ``2 N T``; serving
  overtakes training once ``T > 3 D`` (:func:`break_even_tokens_served`).
* **Inference-aware optimum** (Sardana et al. 2024): for a target loss under a parametric fit
  ``L(N, D)`` from :mod:`analysis.scaling`, minimise ``6 N D_train + 2 N D_inf`` subject to
  ``L(N, D_train) = loss`` (:func:`inference_aware_optimum`).

Repeated sampling and verifiers live in :mod:`analysis.sampling`.

References
----------
kaplan2020scaling, sardana2024beyond, llama3herd2024, gerganov2023applesilicon, arcprize2024o3

Examples
--------
>>> kv = kv_cache_bytes_per_token(n_layers=32, n_kv_heads=8, head_dim=128, bytes_per_element=2)
>>> int(kv) // 1024  # KiB per token for Llama 3 8B in BF16
128
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from analysis import _validate
from analysis.scaling import FLOPS_PER_PARAM_TOKEN, ParametricLoss, training_flops  # noqa: F401 (re-exported)

__all__ = [
    "FORWARD_FLOPS_PER_PARAM",
    "TRAINING_FLOPS_PER_PARAM",
    "flops_per_token",
    "kv_cache_bytes_per_token",
    "weight_bytes",
    "params_from_architecture",
    "architecture",
    "decode_tokens_per_second",
    "decode_throughput",
    "ridge_batch",
    "training_flops",
    "inference_flops",
    "lifetime_flops",
    "break_even_tokens_served",
    "chinchilla_tokens_for_params",
    "inference_aware_optimum",
    "equal_quality_comparison",
    "arc_high_compute_cost_estimate",
    "points_per_decade",
    "claim_inference_shift_8b_params_billion",
    "claim_inference_shift_405b_params_billion",
    "claim_inference_shift_m1_8b_tokens_per_second",
    "claim_inference_shift_m1pro_8b_tokens_per_second",
    "claim_inference_shift_o3_compute_orders_of_magnitude",
    "claim_inference_shift_o3_high_cost_per_task_usd",
    "claim_inference_shift_o3_vs_one_shot_tokens_per_task",
    "claim_inference_shift_o3_release_delay_days",
    "claim_inference_shift_o1_age_months",
    "claim_inference_shift_o1_preview_messages_per_day",
]

#: Forward-pass FLOPs per parameter per token (Kaplan et al. 2020, §2.1).
FORWARD_FLOPS_PER_PARAM = 2.0
#: Training FLOPs per parameter per token, forward and backward (``C = 6 N D``).
TRAINING_FLOPS_PER_PARAM = FLOPS_PER_PARAM_TOKEN


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ------------------------------------------------------------------------------------------
# Per-token FLOPs and bytes
# ------------------------------------------------------------------------------------------


@_validate.finite_returns
def flops_per_token(params, n_layers=0, context_tokens=0, d_attn=0):
    """Forward-pass FLOPs to generate one token: ``2 N + 2 n_layers n_ctx d_attn``.

    Parameters
    ----------
    params : float or array_like
        Parameters ``N`` used per token (active parameters for a mixture of experts), > 0.
    n_layers : int or array_like, optional
        Transformer layers, >= 0 (0 drops the attention term).
    context_tokens : float or array_like, optional
        Tokens in the context attended to, >= 0.
    d_attn : float or array_like, optional
        Attention width (query heads times head dimension; ``d_model`` for Llama), >= 0.

    Returns
    -------
    float or ndarray
        FLOPs per generated token.

    Raises
    ------
    ValueError
        If ``params`` is not positive or another input is negative.

    References
    ----------
    kaplan2020scaling (Table 1: C_forward = 2N + 2 n_layer n_ctx d_attn)

    Examples
    --------
    >>> f"{flops_per_token(8.03e9):.3g}"
    '1.61e+10'
    >>> f"{flops_per_token(8.03e9, 32, 8192, 4096):.3g}"
    '1.82e+10'
    """
    n = _validate.positive("params", params)
    layers = _validate.nonnegative("n_layers", n_layers)
    ctx = _validate.nonnegative("context_tokens", context_tokens)
    width = _validate.nonnegative("d_attn", d_attn)
    return _out(FORWARD_FLOPS_PER_PARAM * n + 2.0 * layers * ctx * width)


@_validate.finite_returns
def kv_cache_bytes_per_token(n_layers, n_kv_heads, head_dim, bytes_per_element=2.0):
    """Bytes of key-value cache stored for each token of context.

    ``2 (K and V) x n_layers x n_kv_heads x head_dim x bytes_per_element``.

    Parameters
    ----------
    n_layers, n_kv_heads, head_dim : int or array_like
        Layers, key/value heads (fewer than query heads under grouped-query attention) and head
        dimension, each > 0.
    bytes_per_element : float or array_like
        Bytes per cached number (2 for BF16/FP16, 1 for FP8/INT8), > 0.

    Returns
    -------
    float or ndarray
        Bytes per context token.

    Raises
    ------
    ValueError
        If an input is not positive.

    Examples
    --------
    >>> kv_cache_bytes_per_token(80, 8, 128)  # Llama 3 70B, BF16
    327680.0
    """
    layers = _validate.positive("n_layers", n_layers)
    heads = _validate.positive("n_kv_heads", n_kv_heads)
    dim = _validate.positive("head_dim", head_dim)
    b = _validate.positive("bytes_per_element", bytes_per_element)
    return _out(2.0 * layers * heads * dim * b)


@_validate.finite_returns
def weight_bytes(params, bits_per_param):
    """Bytes needed to hold ``params`` weights at ``bits_per_param`` bits each.

    Parameters
    ----------
    params : float or array_like
        Parameters, > 0.
    bits_per_param : float or array_like
        Average bits per stored parameter, in (0, 64] (16 for BF16, 8.5 for llama.cpp Q8_0,
        about 4.5 for 4-bit formats with their scales).

    Returns
    -------
    float or ndarray
        Bytes.

    Raises
    ------
    ValueError
        If an input is out of range.

    Examples
    --------
    >>> f"{weight_bytes(8.03e9, 4.5) / 1e9:.2f}"
    '4.52'
    """
    n = _validate.positive("params", params)
    bits = _validate.in_range("bits_per_param", bits_per_param, 0.0, 64.0, low_open=True)
    return _out(n * bits / 8.0)


@_validate.finite_returns
def params_from_architecture(n_layers, d_model, d_ffn, n_heads, n_kv_heads, vocab_size,
                             head_dim=None, tied_embeddings=False, gated_ffn=True):
    """Parameter count of a Llama-style decoder-only Transformer.

    Per layer: query and output projections ``2 d_model n_heads d_head``, key and value
    projections ``2 d_model n_kv_heads d_head``, a feed-forward block of ``3 d_model d_ffn``
    (gated, SwiGLU) or ``2 d_model d_ffn``, and two norm vectors; plus input and output
    embeddings (``vocab_size d_model`` each unless tied) and a final norm.

    Parameters
    ----------
    n_layers, d_model, d_ffn, n_heads, n_kv_heads, vocab_size : int
        Architecture, each > 0.
    head_dim : int, optional
        Defaults to ``d_model / n_heads``.
    tied_embeddings : bool
        Whether input and output embeddings share one matrix.
    gated_ffn : bool
        Three feed-forward matrices (SwiGLU) instead of two.

    Returns
    -------
    float
        Parameters.

    Raises
    ------
    ValueError
        If an input is not positive.

    Examples
    --------
    >>> f"{params_from_architecture(32, 4096, 14336, 32, 8, 128256):,.0f}"  # Llama 3 8B
    '8,030,261,248'
    """
    layers = _validate.positive("n_layers", n_layers, scalar=True)
    d = _validate.positive("d_model", d_model, scalar=True)
    ffn = _validate.positive("d_ffn", d_ffn, scalar=True)
    heads = _validate.positive("n_heads", n_heads, scalar=True)
    kv = _validate.positive("n_kv_heads", n_kv_heads, scalar=True)
    vocab = _validate.positive("vocab_size", vocab_size, scalar=True)
    hd = d / heads if head_dim is None else _validate.positive("head_dim", head_dim, scalar=True)
    tied_embeddings = _validate.flag("tied_embeddings", tied_embeddings)
    gated_ffn = _validate.flag("gated_ffn", gated_ffn)
    attn = 2.0 * d * heads * hd + 2.0 * d * kv * hd
    mlp = (3.0 if gated_ffn else 2.0) * d * ffn
    per_layer = attn + mlp + 2.0 * d
    embeddings = vocab * d * (1.0 if tied_embeddings else 2.0)
    return layers * per_layer + embeddings + d


def architecture(model, data=None):
    """One row of ``data/model_architectures.csv`` with derived quantities.

    Parameters
    ----------
    model : str
        A model name in that file, e.g. ``"Llama 3 8B"``.
    data : pandas.DataFrame, optional
        The loaded table (defaults to loading it).

    Returns
    -------
    dict
        The row's columns plus ``params`` (from :func:`params_from_architecture`),
        ``non_embedding_params`` and ``kv_bytes_per_token_bf16``.

    Raises
    ------
    ValueError
        If ``model`` is not in the table.
    """
    import pandas as pd

    from analysis import datasets

    df = datasets.load("model_architectures") if data is None else _validate.instance(
        "data", data, pd.DataFrame, "None or the DataFrame of data/model_architectures.csv")
    _validate.one_of("model", model, list(df["model"]))
    row = df.loc[df["model"] == model].iloc[0].to_dict()
    row["params"] = params_from_architecture(
        row["n_layers"], row["d_model"], row["d_ffn"], row["n_heads"], row["n_kv_heads"],
        row["vocab_size"], head_dim=row["head_dim"], tied_embeddings=bool(row["tied_embeddings"]))
    row["non_embedding_params"] = row["params"] - row["vocab_size"] * row["d_model"] * (
        1 if row["tied_embeddings"] else 2)
    row["kv_bytes_per_token_bf16"] = kv_cache_bytes_per_token(
        row["n_layers"], row["n_kv_heads"], row["head_dim"], 2.0)
    return row


# ------------------------------------------------------------------------------------------
# Speed limits
# ------------------------------------------------------------------------------------------


@_validate.finite_returns
def decode_tokens_per_second(bandwidth_bytes_per_second, bytes_per_token):
    """Upper bound on batch-1 decoding speed: ``bandwidth / bytes read per token``.

    Parameters
    ----------
    bandwidth_bytes_per_second : float or array_like
        Memory bandwidth in bytes per second, > 0.
    bytes_per_token : float or array_like
        Bytes read to generate one token (the weights, plus the KV cache of the context), > 0.

    Returns
    -------
    float or ndarray
        Tokens per second.

    Raises
    ------
    ValueError
        If an input is not positive.

    Examples
    --------
    >>> f"{decode_tokens_per_second(68.25e9, weight_bytes(8.03e9, 4.5)):.1f}"  # M1, 8B, 4.5 bits
    '15.1'
    """
    bw = _validate.positive("bandwidth_bytes_per_second", bandwidth_bytes_per_second)
    b = _validate.positive("bytes_per_token", bytes_per_token)
    return _out(bw / b)


@_validate.finite_returns
def decode_throughput(params, bits_per_param, bandwidth_bytes_per_second, peak_flops_per_second,
                      batch=1, context_tokens=0, kv_bytes_per_token=0.0):
    """Roofline for decoding: aggregate tokens per second of ``batch`` sequences in lockstep.

    Each step generates one token per sequence. It must read the weights once
    (``N bits / 8`` bytes) plus every sequence's KV cache (``batch x context x kv bytes``), and
    compute ``2 N`` FLOPs per token; the step takes the longer of the memory time and the compute
    time. Small batches are memory-bound (throughput grows with the batch); past
    :func:`ridge_batch` they are compute-bound (throughput flat at ``peak / 2N``).

    Parameters
    ----------
    params : float or array_like
        Parameters per token, > 0.
    bits_per_param : float or array_like
        Bits per stored weight, in (0, 64].
    bandwidth_bytes_per_second : float or array_like
        Memory bandwidth, > 0.
    peak_flops_per_second : float or array_like
        Achievable arithmetic throughput (FLOP/s), > 0.
    batch : float or array_like
        Sequences decoded together, >= 1.
    context_tokens : float or array_like
        Context length per sequence whose KV cache is read each step, >= 0.
    kv_bytes_per_token : float or array_like
        KV-cache bytes per context token (:func:`kv_cache_bytes_per_token`), >= 0.

    Returns
    -------
    float or ndarray
        Aggregate generated tokens per second (divide by ``batch`` for one stream's speed).

    Raises
    ------
    ValueError
        If an input is out of range.

    Examples
    --------
    >>> f"{decode_throughput(8.03e9, 16, 3.35e12, 989e12, batch=1):.0f}"
    '209'
    >>> f"{decode_throughput(8.03e9, 16, 3.35e12, 989e12, batch=10_000):.0f}"
    '61582'
    """
    n = _validate.positive("params", params)
    w = weight_bytes(n, bits_per_param)
    bw = _validate.positive("bandwidth_bytes_per_second", bandwidth_bytes_per_second)
    peak = _validate.positive("peak_flops_per_second", peak_flops_per_second)
    b = _validate.in_range("batch", batch, 1.0, math.inf)
    ctx = _validate.nonnegative("context_tokens", context_tokens)
    kv = _validate.nonnegative("kv_bytes_per_token", kv_bytes_per_token)
    memory_seconds = (w + b * ctx * kv) / bw
    compute_seconds = b * FORWARD_FLOPS_PER_PARAM * n / peak
    return _out(b / np.maximum(memory_seconds, compute_seconds))


@_validate.finite_returns
def ridge_batch(params, bits_per_param, bandwidth_bytes_per_second, peak_flops_per_second):
    """Batch size at which decoding turns from memory-bound to compute-bound (no KV reads).

    ``batch* = (peak / bandwidth) x (weight bytes / 2N) = (peak / bandwidth) x bits / 16``.

    Parameters
    ----------
    params, bits_per_param, bandwidth_bytes_per_second, peak_flops_per_second
        As in :func:`decode_throughput`.

    Returns
    -------
    float or ndarray
        The batch size (sequences).

    Examples
    --------
    >>> f"{ridge_batch(8.03e9, 16, 3.35e12, 989e12):.0f}"
    '295'
    """
    n = _validate.positive("params", params)
    w = weight_bytes(n, bits_per_param)
    bw = _validate.positive("bandwidth_bytes_per_second", bandwidth_bytes_per_second)
    peak = _validate.positive("peak_flops_per_second", peak_flops_per_second)
    return _out((peak / bw) * (w / (FORWARD_FLOPS_PER_PARAM * n)))  # in this order no product overflows


# ------------------------------------------------------------------------------------------
# Lifetime compute
# ------------------------------------------------------------------------------------------


@_validate.finite_returns
def inference_flops(params, tokens_served):
    """Serving compute ``2 N T`` (FLOP) for ``tokens_served`` tokens (>= 0) of input and output.

    Examples
    --------
    >>> f"{inference_flops(8.03e9, 1e13):.3g}"
    '1.61e+23'
    """
    n = _validate.positive("params", params)
    t = _validate.nonnegative("tokens_served", tokens_served)
    return _out(FORWARD_FLOPS_PER_PARAM * n * t)


@_validate.finite_returns
def lifetime_flops(params, train_tokens, tokens_served):
    """Training plus serving compute over a model's life: ``6 N D + 2 N T`` (FLOP).

    Examples
    --------
    >>> f"{lifetime_flops(8.03e9, 15e12, 4.5e13) / training_flops(8.03e9, 15e12):.1f}"
    '2.0'
    """
    _validate.positive("train_tokens", train_tokens)  # name the caller's argument in errors
    return _out(np.asarray(training_flops(params, train_tokens))
                + np.asarray(inference_flops(params, tokens_served)))


@_validate.finite_returns
def break_even_tokens_served(train_tokens, tokens_per_answer_multiplier=1.0):
    """Tokens of *baseline* demand at which serving compute equals training compute.

    ``2 N m T = 6 N D`` gives ``T = 3 D / m``, independent of model size, where ``m`` is how many
    more tokens each answer takes (a reasoning model's long chains and many samples).

    Parameters
    ----------
    train_tokens : float or array_like
        Training tokens ``D``, > 0.
    tokens_per_answer_multiplier : float or array_like
        ``m`` >= 1 (1 for a one-shot model).

    Returns
    -------
    float or ndarray
        Tokens ``T`` of one-shot-equivalent demand.

    Examples
    --------
    >>> f"{break_even_tokens_served(15e12):.3g}"
    '4.5e+13'
    """
    d = _validate.positive("train_tokens", train_tokens)
    m = _validate.in_range("tokens_per_answer_multiplier", tokens_per_answer_multiplier, 1.0,
                           math.inf)
    return _out(TRAINING_FLOPS_PER_PARAM / FORWARD_FLOPS_PER_PARAM * d / m)


# ------------------------------------------------------------------------------------------
# Inference-aware optimum (Sardana et al. 2024)
# ------------------------------------------------------------------------------------------


def _check_fit(fit):
    return _validate.law("fit", fit, parametric=True)


@_validate.finite_returns
def chinchilla_tokens_for_params(fit, params):
    """Training tokens that make a model of ``params`` parameters compute-optimal under ``fit``.

    Inverts ``N_opt = G (C/6)**a``: ``C/6 = (N/G)**(1/a)`` and ``D = (C/6) / N``.

    Parameters
    ----------
    fit : analysis.scaling.ParametricLoss
    params : float or array_like
        Parameters, > 0.

    Returns
    -------
    float or ndarray
        Tokens.

    Examples
    --------
    >>> from analysis.scaling import HOFFMANN_2022
    >>> f"{chinchilla_tokens_for_params(HOFFMANN_2022, 13e9):.3g}"
    '9.92e+11'
    """
    fit = _check_fit(fit)
    n = _validate.positive("params", params)
    c6 = (n / fit.G) ** (1.0 / fit.a)
    return _out(c6 / n)


def _optimum_one(fit, loss, demand):
    """Minimise 6 N D(N) + 2 N T over N for one (loss, demand) pair; returns (N, D, total).

    The loss becomes unreachable at the floor ``N_min = (A / (loss - E))**(1/alpha)``, where the
    slope of the total compute tends to -inf. Every search loop is bounded.
    """
    def bad(why):
        return ValueError(f"loss={loss!r} with inference_tokens={demand!r}: {why}")

    try:
        floor_n = (fit.A / (loss - fit.E)) ** (1.0 / fit.alpha)
    except OverflowError:
        floor_n = math.inf
    if not (0.0 < floor_n < math.inf):
        raise bad("the smallest model that reaches the loss is outside the float64 range; "
                  "give a loss closer to the fit's range")

    def d_of(n):
        return (fit.B / (loss - fit.E - fit.A * n ** (-fit.alpha))) ** (1.0 / fit.beta)

    def slope(log_n):  # d total / d N, divided by nothing: sign is what matters
        n = math.exp(log_n)
        g = loss - fit.E - fit.A * n ** (-fit.alpha)
        if g <= 0:  # at or below the floor (rounding): the slope's limit there is -inf
            return -1e300
        try:
            d = (fit.B / g) ** (1.0 / fit.beta)
        except OverflowError:
            return -1e300
        return TRAINING_FLOPS_PER_PARAM * d * (1.0 - fit.alpha * fit.A * n ** (-fit.alpha)
                                              / (fit.beta * g)) + FORWARD_FLOPS_PER_PARAM * demand

    lo = math.log(floor_n) + 1e-9
    hi = math.log(floor_n) + math.log(2.0)
    for _ in range(100):
        if slope(hi) >= 0:
            break
        hi += math.log(10.0)
    else:
        raise bad("no minimum found within 100 decades above the smallest model that reaches the loss")
    for _ in range(60):  # the slope tends to -inf at the floor; guard against rounding
        if slope(lo) <= 0:
            break
        lo = math.log(floor_n) + (lo - math.log(floor_n)) / 10.0
    else:
        raise bad("the optimum is closer to the smallest model that reaches the loss than float64 can "
                  "resolve; the inference demand must be smaller or the loss larger")
    log_n = optimize.brentq(slope, lo, hi, xtol=1e-13, rtol=1e-13)
    n = math.exp(log_n)
    try:
        if loss - fit.E - fit.A * n ** (-fit.alpha) <= 0:
            raise OverflowError  # the root sits on the floor to rounding: D is unbounded
        d = d_of(n)
        total = TRAINING_FLOPS_PER_PARAM * n * d + FORWARD_FLOPS_PER_PARAM * n * demand
    except (OverflowError, ZeroDivisionError):
        total = math.inf
    if not (math.isfinite(total) and n > 0 and total > 0):
        raise bad("the optimum's tokens or lifetime compute are outside the float64 range; "
                  "give a smaller inference demand or a loss closer to the fit's range")
    return n, d, total


@_validate.finite_returns
def inference_aware_optimum(fit, loss, inference_tokens):
    """Model size and training tokens that minimise lifetime compute at a target loss.

    Minimises ``6 N D_train + 2 N D_inf`` subject to ``fit.loss(N, D_train) = loss`` (Sardana
    et al. 2024). With no inference demand this is the Chinchilla compute-optimal model for that
    loss; more demand moves the optimum to smaller models trained on more tokens.

    Parameters
    ----------
    fit : analysis.scaling.ParametricLoss
        The parametric loss law, e.g. ``analysis.scaling.PARAMETRIC_FITS["hoffmann"]``.
    loss : float or array_like
        Target loss (nats per token), above the fit's irreducible ``E``.
    inference_tokens : float or array_like
        Lifetime inference demand ``D_inf`` in tokens, >= 0. Broadcast against ``loss``.

    Returns
    -------
    (params, train_tokens, total_flops) : tuple of float or ndarray

    Raises
    ------
    ValueError
        If ``fit`` is not a ParametricLoss, ``loss`` does not exceed ``E``, or
        ``inference_tokens`` is negative.

    Notes
    -----
    The first-order condition ``6 D (alpha A N**-alpha / (beta g) - 1) = 2 D_inf`` with
    ``g = loss - E - A N**-alpha`` has one root above the size at which the loss becomes
    unreachable; it is found by Brent's method in ``log N``.

    References
    ----------
    sardana2024beyond

    Examples
    --------
    >>> from analysis.scaling import HOFFMANN_2022 as h
    >>> n0, d0 = h.compute_optimal(1e23)
    >>> n, d, c = inference_aware_optimum(h, h.loss(n0, d0), 0.0)
    >>> f"{n / n0:.6f}"
    '1.000000'
    """
    fit = _check_fit(fit)
    target = _validate.finite("loss", loss)
    demand = _validate.nonnegative("inference_tokens", inference_tokens)
    if np.any(target <= fit.E):
        bad = target[target <= fit.E].flat[0] if target.ndim else float(target)
        raise ValueError(f"loss={bad!r} is outside ({fit.E:g}, inf): not above the irreducible "
                         f"loss E of {fit.name or 'this fit'}")
    t, dem = np.broadcast_arrays(target, demand)
    out = np.empty((3,) + t.shape)
    for idx in np.ndindex(t.shape):
        out[(slice(None),) + idx] = _optimum_one(fit, float(t[idx]), float(dem[idx]))
    return _out(out[0]), _out(out[1]), _out(out[2])


@_validate.finite_returns
def equal_quality_comparison(fit, reference_params, inference_tokens, alternative_params=None):
    """Lifetime compute of a Chinchilla-optimal model against smaller models of equal quality.

    The reference model has ``reference_params`` parameters trained compute-optimally under
    ``fit``; its loss is the quality target. Returned are the reference's lifetime compute, the
    inference-aware optimum's, and (if given) that of a model of ``alternative_params``
    parameters trained to the same loss, with the savings.

    Parameters
    ----------
    fit : analysis.scaling.ParametricLoss
    reference_params : float
        Parameters of the Chinchilla-optimal reference, > 0.
    inference_tokens : float
        Lifetime inference demand in tokens, >= 0.
    alternative_params : float, optional
        A smaller model to compare (Sardana et al.'s Figure 1 uses 7B against 13B).

    Returns
    -------
    dict
        ``loss``, ``reference`` / ``optimum`` / ``alternative`` (each a dict of ``params``,
        ``train_tokens``, ``total_flops``), ``optimum_saving_flops``,
        ``optimum_saving_fraction``, and for the alternative ``alternative_saving_flops`` and
        ``alternative_saving_fraction``.

    Raises
    ------
    ValueError
        If an input is out of range or the alternative cannot reach the loss at any data size.
    """
    fit = _check_fit(fit)
    n_ref = _validate.positive("reference_params", reference_params, scalar=True)
    demand = _validate.nonnegative("inference_tokens", inference_tokens, scalar=True)
    d_ref = chinchilla_tokens_for_params(fit, n_ref)
    loss = fit.loss(n_ref, d_ref)
    ref_total = lifetime_flops(n_ref, d_ref, demand)
    n_opt, d_opt, total_opt = inference_aware_optimum(fit, loss, demand)
    out = {
        "loss": loss,
        "reference": {"params": n_ref, "train_tokens": d_ref, "total_flops": ref_total},
        "optimum": {"params": n_opt, "train_tokens": d_opt, "total_flops": total_opt},
        "optimum_saving_flops": ref_total - total_opt,
        "optimum_saving_fraction": (ref_total - total_opt) / ref_total,
    }
    if alternative_params is not None:
        n_alt = _validate.positive("alternative_params", alternative_params, scalar=True)
        d_alt = fit.tokens_for_loss(n_alt, loss)
        alt_total = lifetime_flops(n_alt, d_alt, demand)
        out["alternative"] = {"params": n_alt, "train_tokens": d_alt, "total_flops": alt_total}
        out["alternative_saving_flops"] = ref_total - alt_total
        out["alternative_saving_fraction"] = (ref_total - alt_total) / ref_total
    return out


# ------------------------------------------------------------------------------------------
# ARC-AGI arithmetic
# ------------------------------------------------------------------------------------------


@_validate.finite_returns
def arc_high_compute_cost_estimate(low_cost_per_task_usd, compute_ratio):
    """Estimated cost per task of a setting using ``compute_ratio`` times the compute.

    An *estimate*: it assumes cost scales with compute at the low setting's price per token.
    ARC Prize did not publish the high-compute cost.

    Examples
    --------
    >>> arc_high_compute_cost_estimate(20.0, 172.0)
    3440.0
    """
    c = _validate.positive("low_cost_per_task_usd", low_cost_per_task_usd)
    r = _validate.in_range("compute_ratio", compute_ratio, 1.0, math.inf)
    return _out(c * r)


@_validate.finite_returns
def points_per_decade(score_low, score_high, compute_ratio):
    """Score gained per tenfold increase of compute between two settings (points / decade).

    Examples
    --------
    >>> f"{points_per_decade(75.7, 87.5, 172):.2f}"
    '5.28'
    """
    lo = _validate.in_range("score_low", score_low, 0.0, 100.0)
    hi = _validate.in_range("score_high", score_high, 0.0, 100.0)
    r = _validate.in_range("compute_ratio", compute_ratio, 1.0, math.inf, low_open=True)
    return _out((hi - lo) / np.log10(r))


# ------------------------------------------------------------------------------------------
# Claims of essay A, recomputed from data/ and the assumptions ``a`` each claim function takes
# ------------------------------------------------------------------------------------------


def _chip_bandwidth(chip):
    from analysis import datasets

    chips = datasets.load("gpus")
    _validate.one_of("chip", chip, list(chips["gpu"]))
    return float(chips.loc[chips["gpu"] == chip, "memory_bandwidth_gb_per_s"].iloc[0]) * 1e9


def _q4_bound(chip, bits, model="Llama 3 8B"):
    return decode_tokens_per_second(_chip_bandwidth(chip),
                                    weight_bytes(architecture(model)["params"], bits))


def claim_inference_shift_8b_params_billion(a):
    """Essay A: the local models have about 7-8B parameters. Llama 3 8B from its architecture (B)."""
    return architecture("Llama 3 8B")["params"] / 1e9


def claim_inference_shift_405b_params_billion(a):
    """Essay A: Meta's state-of-the-art model has 405B parameters. Computed from Table 3 (B)."""
    return architecture("Llama 3 405B")["params"] / 1e9


def claim_inference_shift_m1_8b_tokens_per_second(a):
    """Essay A: an 8B model runs on a base M1 'not ultra-quick but not slow'. Batch-1 decode
    bound for Llama 3 8B at ``inf_q4_bits_per_param`` bits on an M1 (tokens/s)."""
    return _q4_bound("Apple M1", a.inf_q4_bits_per_param)


def claim_inference_shift_m1pro_8b_tokens_per_second(a):
    """The same bound on an M1 Pro, the chip of every 14-inch M1 MacBook Pro (tokens/s)."""
    return _q4_bound("Apple M1 Pro", a.inf_q4_bits_per_param)


def _arc():
    from analysis import datasets

    arc = datasets.load("arc_o3")
    semi = arc[arc["eval_set"] == "semi-private"].set_index("compute_setting")
    return semi


def claim_inference_shift_o3_compute_orders_of_magnitude(a):
    """Essay A: o-series inference needs 'orders of magnitude more compute'. log10 of o3's
    high/low ARC-AGI token ratio on the semi-private set (orders of magnitude)."""
    semi = _arc()
    return float(np.log10(semi.loc["high", "tokens"] / semi.loc["low", "tokens"]))


def claim_inference_shift_o3_high_cost_per_task_usd(a):
    """Essay A's log-scale ARC chart: estimated cost per task of o3's high-compute setting
    (USD, an estimate: low-compute cost per task x ARC's stated compute ratio)."""
    semi = _arc()
    return float(arc_high_compute_cost_estimate(semi.loc["low", "cost_per_task_usd"],
                                                semi.loc["high", "stated_compute_ratio"]))


def claim_inference_shift_o3_vs_one_shot_tokens_per_task(a):
    """Essay A: an o-series answer needs 'orders of magnitude more compute' for inference than a
    one-shot answer. Tokens per ARC-AGI-1 semi-private task of o3's low-compute setting (ARC's
    published count) over those of a one-shot GPT-4o answer on the same set, estimated from ARC's
    cost per task at GPT-4o's list price blended with ``blend_input_share`` (x; an estimate)."""
    from analysis import datasets

    semi = _arc()
    o3_tokens = float(semi.loc["low", "tokens"]) / float(semi.loc["low", "tasks"])
    base = datasets.load("inf_arc_baseline")
    base = base[base["eval_set"] == "semi-private"].iloc[0]
    api = datasets.load("api_prices").set_index("model")
    if base["price_model"] not in api.index:
        raise ValueError(f"inf_arc_baseline.csv: price_model {base['price_model']!r} is not a model of api_prices.csv")
    price = api.loc[base["price_model"]]
    share = _validate.in_range("blend_input_share", a.blend_input_share, 0.0, 1.0)
    # the blended list price (as analysis.prices.blended_price; not imported: prices imports this module)
    usd_per_mtok = share * float(price["usd_per_mtok_input"]) + (1 - share) * float(price["usd_per_mtok_output"])
    one_shot_tokens = float(base["cost_per_task_usd"]) / float(usd_per_mtok) * 1e6
    return o3_tokens / one_shot_tokens


def _events():
    from analysis import datasets

    ev = datasets.load("inf_o_series_events")
    return {row.event: row.date.date() for row in ev.itertuples()}


def claim_inference_shift_o3_release_delay_days(a):
    """Essay A: 'on Friday, o3 got released'. Days from o3's announcement (Friday 20 Dec 2024)
    to its release (days; 0 would mean the essay is right)."""
    ev = _events()
    announced = ev["o3 announced with its ARC-AGI results (not released)"]
    if announced.weekday() != 4:  # the essay says 'on Friday'
        raise ValueError(f"o3 announcement date {announced} is not a Friday; check the data")
    return float((ev["o3 released"] - announced).days)


def claim_inference_shift_o1_age_months(a):
    """Essay A: 'o1 came a month or two ago'. Months from o1-preview's release to o3's
    announcement (months of 30.44 days)."""
    ev = _events()
    days = (ev["o3 announced with its ARC-AGI results (not released)"]
            - ev["o1-preview released in ChatGPT and the API"]).days
    return days / (365.25 / 12)


def claim_inference_shift_o1_preview_messages_per_day(a):
    """Essay A: OpenAI limits o1 calls per day even for paying users. o1-preview's Plus limit at
    launch, as messages per day (it was set per week)."""
    from analysis import datasets

    lim = datasets.load("inf_o1_usage_limits")
    row = lim[(lim["plan"] == "Plus (at launch)") & (lim["model"] == "o1-preview")].iloc[0]
    return float(row["messages"]) / float(row["period_days"])

