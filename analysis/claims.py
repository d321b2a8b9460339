"""Recomputations for the claims ledger that no chapter module owns.

Most ``claim_...`` functions live in the module of the chapter that shows the work; the few
here are cross-cutting comparisons (an essay's figure against an outside estimate) or simple
readings of a published table.
"""

from __future__ import annotations

from analysis import datasets, essays, scaling

__all__ = ["claim_llama3_tokens", "claim_third_of_750b_params", "claim_flops_vs_gemini_ultra",
           "claim_flops_over_gpt4"]


def _estimate(model: str) -> float:
    df = datasets.load("compute_estimates")
    row = df[(df["model"] == model) & df["current"].astype(bool)]  # the estimate in force, not an earlier one
    if row.empty:
        raise ValueError(f"model={model!r} is not in data/compute_estimates.csv")
    return float(row["flops"].iloc[0])


def claim_llama3_tokens(a) -> float:
    """Tokens Llama 3 405B was pretrained on, from the Llama 3 report (essay: 15T)."""
    df = datasets.load("llama3_scaling")
    return float(df.loc[df["name"] == "flagship_tokens", "value"].iloc[0])


def claim_third_of_750b_params(a) -> float:
    """A third of the 20-tokens-per-parameter optimum on 15T tokens (essay: about 250B)."""
    return scaling.claim_compute_optimal_params_at_15t(a) / 3


def claim_flops_vs_gemini_ultra(a) -> float:
    """Epoch AI's estimate of Gemini 1.0 Ultra's training compute, FLOP (essay: 7e25)."""
    return _estimate("Gemini 1.0 Ultra")


def claim_flops_over_gpt4(a) -> float:
    """The essay's 7e25 FLOP (claim B08) over Epoch AI's GPT-4 estimate (essay: 4x)."""
    return essays.value("B08") / _estimate("GPT-4")
