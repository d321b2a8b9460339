"""analysis.fmt: hand-computed strings, bad input, and round-trip invariants (hypothesis)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import fmt

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def parse(text: str) -> float:
    """Read a string written by ``fmt.num``/``fmt.sci`` back into a float (independent of fmt)."""
    text = text.replace(",", "")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?) × 10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", text)
    if m:
        return float(f"{m.group(1)}e{int(m.group(2).translate(_SUPER))}")
    assert re.fullmatch(r"-?\d+(?:\.\d+)?", text), text
    return float(text)


def digits(text: str) -> str:
    """The significant digits shown in a plain or ×10ⁿ string, for counting them."""
    mantissa = text.split(" × ")[0].replace(",", "").replace("-", "").replace(".", "")
    return mantissa.lstrip("0")


@pytest.mark.parametrize(
    ("x", "sig", "expected"),
    [
        (1.4e27, 2, "1.4 × 10²⁷"),
        (1.4e27, 3, "1.40 × 10²⁷"),
        (6.75e25, 2, "6.8 × 10²⁵"),       # round half to even on the binary value: 6.75 is exact
        (7.23e23, 3, "7.23 × 10²³"),
        (12345.6, 3, "12,300"),
        (999_999.0, 3, "1.00 × 10⁶"),     # rounding carries across the plain/×10ⁿ boundary
        (999.96, 3, "1,000"),
        (0.042, 3, "0.0420"),             # trailing zeros kept to sig
        (0.001, 2, "0.0010"),
        (0.000999, 2, "0.0010"),          # rounds up into the plain range
        (0.000994, 2, "9.9 × 10⁻⁴"),
        (2.5e-7, 2, "2.5 × 10⁻⁷"),
        (-3.14159, 3, "-3.14"),
        (41, 2, "41"),
        (0, 3, "0"),
        (np.float64(2e26), 1, "2 × 10²⁶"),
    ],
)
def test_num_examples(x, sig, expected):
    assert fmt.num(x, sig) == expected


@pytest.mark.parametrize(
    ("func", "x", "expected"),
    [
        (fmt.sci, 2e26, "2.0 × 10²⁶"),
        (fmt.sci, 5, "5.0 × 10⁰"),
        (fmt.sci, 0.0123, "1.2 × 10⁻²"),
        (fmt.year, 2028, "2028"),
        (fmt.year, 2028.7, "2028"),
        (fmt.year, 2027.9999999999, "2028"),
        (fmt.year, np.float64(2016.0), "2016"),
        (fmt.pct, 0.42, "42%"),
        (fmt.pct, 0.05, "5.0%"),
        (fmt.pct, 1.5, "150%"),
        (fmt.ratio, 3.14, "3.1×"),
        (fmt.ratio, 100, "100×"),
        (fmt.usd, 1.2e9, "$1.2 billion"),
        (fmt.usd, 4e10, "$40 billion"),
        (fmt.usd, 3.5e8, "$350 million"),
        (fmt.usd, 1e9, "$1.0 billion"),
        (fmt.usd, 999.7e6, "$1.0 billion"),   # rounds up into the next scale word
        (fmt.usd, 3e12, "$3.0 trillion"),
        (fmt.usd, 12_000, "$12,000"),
        (fmt.usd, -1.2e9, "-$1.2 billion"),
        (fmt.tokens, 8e13, "80T"),
        (fmt.tokens, 7.5e11, "750B"),
        (fmt.tokens, 1.35e14, "140T"),
        (fmt.tokens, 4.2e6, "4.2M"),
        (fmt.tokens, 8e14, "800T"),
        (fmt.tokens, 999.9e9, "1.0T"),
    ],
)
def test_named_formats(func, x, expected):
    assert func(x) == expected


@pytest.mark.parametrize("func", [fmt.num, fmt.sci, fmt.year, fmt.pct, fmt.ratio, fmt.usd, fmt.tokens])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -math.inf, True, np.bool_(False), "3", None, 1j])
def test_bad_input_names_the_parameter(func, bad):
    with pytest.raises(ValueError, match=r"^x="):
        func(bad)


@pytest.mark.parametrize("sig", [0, 16, 2.0, True, None])
def test_bad_sig(sig):
    with pytest.raises(ValueError, match=r"^sig="):
        fmt.num(1.0, sig)


def test_year_range():
    with pytest.raises(ValueError, match="calendar year"):
        fmt.year(-5)


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


@given(finite, st.integers(1, 10))
def test_num_round_trips_to_sig_digits(x, sig):
    text = fmt.num(x, sig)
    assert "e+" not in text and "e-" not in text
    expected = float(f"{x:.{sig - 1}e}")
    assert parse(text) == pytest.approx(expected, rel=1e-12, abs=0)
    if expected != 0 and " × " in text:
        assert len(digits(text)) == sig


@given(finite, st.integers(1, 10))
def test_sci_round_trips_and_shows_sig_digits(x, sig):
    text = fmt.sci(x, sig)
    assert "e+" not in text and "e-" not in text
    assert parse(text) == pytest.approx(float(f"{x:.{sig - 1}e}"), rel=1e-12, abs=0)
    if x != 0:
        assert len(digits(text)) == sig


_SCALE = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


@given(st.floats(1, 1e17), st.integers(1, 5))
def test_tokens_round_trip(x, sig):
    text = fmt.tokens(x, sig)
    m = re.fullmatch(r"([\d,.]+(?: × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)([KMBT]?)", text)
    assert m, text
    assert parse(m.group(1)) * _SCALE[m.group(2)] == pytest.approx(float(f"{x:.{sig - 1}e}"), rel=1e-9)


_WORDS = {"": 1, " million": 1e6, " billion": 1e9, " trillion": 1e12}


@given(st.floats(1, 1e17), st.integers(1, 5))
def test_usd_round_trip(x, sig):
    text = fmt.usd(x, sig)
    m = re.fullmatch(r"\$([\d,.]+(?: × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)( million| billion| trillion)?", text)
    assert m, text
    assert parse(m.group(1)) * _WORDS[m.group(2) or ""] == pytest.approx(float(f"{x:.{sig - 1}e}"), rel=1e-9)


@given(st.floats(1e-6, 1e3), st.integers(1, 5))
def test_pct_and_ratio_round_trip(x, sig):
    assert parse(fmt.pct(x, sig)[:-1]) == pytest.approx(float(f"{x * 100:.{sig - 1}e}"), rel=1e-12)
    assert parse(fmt.ratio(x, sig)[:-1]) == pytest.approx(float(f"{x:.{sig - 1}e}"), rel=1e-12)


def test_table_is_a_numbered_myst_table():
    import pandas as pd

    df = pd.DataFrame({"Model": ["a|b", "c"], "Compute (FLOP)": [2e27, float("nan")], "Open": [True, False]})
    text = fmt.table(df, caption="Two runs.", name="tbl-x-runs").data
    assert text.startswith(":::{table} Two runs.\n:name: tbl-x-runs\n")
    assert "| Model | Compute (FLOP) | Open |" in text
    assert "| a\\|b | 2.00 × 10²⁷ | yes |" in text and "| c | – | no |" in text
    assert "e+" not in text


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"name": "Bad Name"}, "name="), ({"caption": ""}, "caption="),
    ({"formats": {"nope": str}}, "formats="), ({"align": "justify"}, "align="),
])
def test_table_rejects_bad_arguments(kwargs, needle):
    import pandas as pd

    args = {"caption": "C.", "name": "tbl-x", **kwargs}
    with pytest.raises(ValueError, match=needle):
        fmt.table(pd.DataFrame({"a": [1]}), **args)


def test_interactive_table_is_a_numbered_table_then_the_html(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    html = '<table id="t"><tr><td>a</td></tr></table><script>x()</script>'
    assert fmt.interactive_table(html, caption="Every claim.", name="tbl-x-claims") is None
    directive, table = shown
    assert directive.data == ":::{numbered-table} Every claim.\n:name: tbl-x-claims\n:::\n"
    assert isinstance(table, IPython.display.HTML) and table.data == html


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"html": "<p>no table</p>"}, "html="), ({"caption": ""}, "caption="), ({"caption": "a\nb"}, "caption="),
    ({"name": "tbl x"}, "name="),
])
def test_interactive_table_rejects_bad_arguments(kwargs, needle):
    args = {"html": "<table></table>", "caption": "C.", "name": "tbl-x", **kwargs}
    with pytest.raises(ValueError, match=needle):
        fmt.interactive_table(**args)


class _Glued:
    def __repr__(self):
        return "42 tokens"

    def _repr_html_(self):
        return "<b>42</b> tokens"


@pytest.mark.parametrize("display", [True, False])
@pytest.mark.parametrize("value", [3.5, "text", _Glued()], ids=["float", "str", "html"])
def test_glue_sends_what_myst_nb_glue_sends(monkeypatch, value, display):
    import IPython.display
    import myst_nb.ext.glue as theirs

    sent = {"ours": [], "theirs": []}
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: sent["ours"].append((a, k)))
    monkeypatch.setattr(theirs, "ipy_display", lambda *a, **k: sent["theirs"].append((a, k)))
    fmt.glue("dw_x", value, display=display)
    theirs.glue("dw_x", value, display=display)
    assert sent["ours"] == sent["theirs"] and len(sent["ours"]) == 1


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"name": "1x"}, "name='1x'"), ({"name": "a b"}, "name='a b'"), ({"name": None}, "name=None"),
    ({"display": 1}, "display=1"),
])
def test_glue_rejects_bad_arguments(kwargs, needle):
    with pytest.raises(ValueError, match=re.escape(needle)):
        fmt.glue(**({"name": "x", "variable": 1} | kwargs))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), np.float64("-inf")])
def test_glue_refuses_a_non_finite_number(value):
    with pytest.raises(ValueError, match="glue 'dw_x'"):
        fmt.glue("dw_x", value)
