"""The one number formatter of the report: prose glue and tables render numbers only through it.

Every function takes a finite real number and returns a string that never contains ``e+`` or
``e-``. Numbers are first rounded to ``sig`` significant digits; trailing zeros are kept up to
``sig`` digits, so "2.0" and "2.00" say how precise the figure is.

- :func:`num`: plain digits with thousands separators for ``1e-3 <= |x| < 1e6``, otherwise
  ``m × 10ⁿ`` with a superscript exponent ("1.4 × 10²⁷");
- :func:`sci`: always ``m × 10ⁿ``;
- :func:`year`: a whole calendar year ("2028");
- :func:`pct`: a fraction as a percentage (0.42 -> "42%");
- :func:`ratio`: a multiple ("3.1×");
- :func:`usd`: dollars in words ("$1.2 billion", "$350 million");
- :func:`tokens`: token counts with a suffix ("80T", "750B").

:func:`glue` stores a value for the page's prose, as ``myst_nb.glue`` does.

Examples
--------
>>> num(1.4e27, sig=2)
'1.4 × 10²⁷'
>>> num(12345.6)
'12,300'
>>> usd(4e10)
'$40 billion'
>>> tokens(7.5e11)
'750B'
"""

from __future__ import annotations

import math
import numbers
import re

__all__ = ["num", "sci", "year", "pct", "ratio", "usd", "tokens", "table", "interactive_table", "glue"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: Plain digits inside this range of magnitudes (after rounding), ×10ⁿ outside.
PLAIN_MIN, PLAIN_MAX = 1e-3, 1e6


def _check(name: str, x) -> float:
    """``x`` as a float; raise ValueError unless it is a finite real number (bools refused)."""
    if isinstance(x, bool) or type(x).__name__ == "bool_" or not isinstance(x, numbers.Real):
        raise ValueError(f"{name}={x!r} is not a real number; give a finite int or float")
    out = float(x)
    if not math.isfinite(out):
        raise ValueError(f"{name}={x!r} is not finite; give a finite number")
    return out


def _check_sig(sig) -> int:
    if isinstance(sig, bool) or not isinstance(sig, numbers.Integral) or not 1 <= int(sig) <= 15:
        raise ValueError(f"sig={sig!r} is outside 1..15; give a whole number of significant digits")
    return int(sig)


def _round(x: float, sig: int) -> tuple[float, int]:
    """``x`` rounded to ``sig`` significant digits, and the decimal exponent of the result."""
    if x == 0:
        return 0.0, 0
    mantissa, exponent = f"{x:.{sig - 1}e}".split("e")
    return float(f"{mantissa}e{exponent}"), int(exponent)


def _plain(value: float, exponent: int, sig: int) -> str:
    decimals = max(0, sig - 1 - exponent)
    return f"{value:,.{decimals}f}"


def _times_ten(value: float, sig: int) -> str:
    mantissa, exponent = f"{value:.{sig - 1}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def num(x, sig: int = 3) -> str:
    """``x`` to ``sig`` significant digits: plain digits, or ``m × 10ⁿ`` when very large or small.

    Parameters
    ----------
    x : int or float
        A finite real number (not a bool).
    sig : int
        Significant digits, 1 to 15.

    Returns
    -------
    str
        Plain digits with thousands separators when ``1e-3 <= |x| < 1e6`` after rounding
        ("12,300", "0.0420"), else ``m × 10ⁿ`` with a superscript exponent ("1.40 × 10²⁷").

    Raises
    ------
    ValueError
        If ``x`` is NaN, infinite, a bool or not a number, or ``sig`` is not in 1..15.
    """
    x = _check("x", x)
    sig = _check_sig(sig)
    value, exponent = _round(x, sig)
    if value == 0:
        return "0"
    if PLAIN_MIN <= abs(value) < PLAIN_MAX:
        return _plain(value, exponent, sig)
    return _times_ten(value, sig)


def sci(x, sig: int = 2) -> str:
    """``x`` as ``m × 10ⁿ`` with ``sig`` significant digits ("2.0 × 10²⁶"); zero is "0".

    Raises
    ------
    ValueError
        As :func:`num`.
    """
    x = _check("x", x)
    sig = _check_sig(sig)
    value, _ = _round(x, sig)
    if value == 0:
        return "0"
    return _times_ten(value, sig)


def year(x) -> str:
    """The calendar year containing the (possibly fractional) date ``x``: 2028.7 -> "2028".

    A value within 1e-6 of a whole year counts as that year, so 2027.9999999 -> "2028".

    Raises
    ------
    ValueError
        If ``x`` is not a finite number, or is outside 1 to 9999.
    """
    x = _check("x", x)
    if not 1 <= x < 10_000:
        raise ValueError(f"x={x!r} is outside [1, 10000); give a calendar year")
    nearest = round(x)
    return str(nearest if abs(x - nearest) < 1e-6 else math.floor(x))


def pct(x, sig: int = 2) -> str:
    """A fraction as a percentage with ``sig`` significant digits: 0.42 -> "42%", 0.05 -> "5.0%".

    Raises
    ------
    ValueError
        As :func:`num`.
    """
    return num(_check("x", x) * 100, sig) + "%"


def ratio(x, sig: int = 2) -> str:
    """A multiple with ``sig`` significant digits: 3.14 -> "3.1×".

    Raises
    ------
    ValueError
        As :func:`num`.
    """
    return num(_check("x", x), sig) + "×"


def _scaled(x: float, sig: int, scales: tuple[tuple[float, str], ...]) -> tuple[str, str]:
    """Split ``x`` (rounded to ``sig`` digits) into a number string and the name of its scale."""
    value, _ = _round(x, sig)
    for factor, name in scales:
        if abs(value) >= factor:
            return num(value / factor, sig), name
    return num(value, sig), ""


def usd(x, sig: int = 2) -> str:
    """US dollars in words: 1.2e9 -> "$1.2 billion", 4e10 -> "$40 billion", 3.5e8 -> "$350 million".

    Below a million the amount is written in digits ("$12,000"); above a thousand trillion it
    switches to ``× 10ⁿ`` trillion. Negative amounts read "-$1.2 billion".

    Raises
    ------
    ValueError
        As :func:`num`.
    """
    x = _check("x", x)
    sig = _check_sig(sig)
    text, scale = _scaled(abs(x), sig, ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")))
    sign = "-" if x < 0 and text != "0" else ""
    return f"{sign}${text}" + (f" {scale}" if scale else "")


def tokens(x, sig: int = 2) -> str:
    """A token count with a suffix: 8e13 -> "80T", 7.5e11 -> "750B", 4.2e6 -> "4.2M".

    Raises
    ------
    ValueError
        As :func:`num`.
    """
    x = _check("x", x)
    sig = _check_sig(sig)
    text, scale = _scaled(x, sig, ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")))
    return text + scale


def table(df, *, caption: str, name: str, formats: dict | None = None, sig: int = 3, align: str = "left"):
    """A result table as a numbered, captioned MyST table (cite it with ``{numref}`name```).

    Parameters
    ----------
    df : pandas.DataFrame
        The rows to show; its column names are the headers (write them for people, with units).
        The index is not shown.
    caption : str
        The table's caption (a sentence).
    name : str
        Its label, lowercase words joined by hyphens (``tbl-<chapter>-<what>``).
    formats : dict, optional
        Column -> function turning a cell into text (e.g. ``{"Compute (FLOP)": fmt.sci}``). Other
        numeric cells go through :func:`num` with ``sig`` digits; bools read "yes"/"no"; missing
        cells "–".
    sig : int
        Significant digits of the default number format.
    align : str
        ``left``, ``center`` or ``right``.

    Returns
    -------
    IPython.display.Markdown
        Displayed as the cell's output; myst-nb parses it, so Sphinx numbers the table.
    """
    import re

    import pandas as pd
    from IPython.display import Markdown

    if not isinstance(df, pd.DataFrame) or df.empty:
        raise ValueError(f"df={type(df).__name__} must be a non-empty pandas DataFrame")
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError(f"caption={caption!r} must be a non-empty sentence")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise ValueError(f"name={name!r} must be lowercase words joined by hyphens, e.g. 'tbl-data-wall-runs'")
    if not isinstance(align, str) or align not in ("left", "center", "right"):
        raise ValueError(f"align={align!r} must be one of 'left', 'center', 'right'")
    if formats is not None and not isinstance(formats, dict):
        raise ValueError(f"formats={formats!r} must be None or a dict of column -> function")
    sig = _check_sig(sig)
    formats = dict(formats or {})
    bad = [c for c, f in formats.items() if not callable(f)]
    if bad:
        raise ValueError(f"formats={formats!r}: the value of {bad!r} must be a function turning a cell into text")
    unknown = set(formats) - set(df.columns)
    if unknown:
        raise ValueError(f"formats={sorted(unknown)!r} are not columns of df; columns: {list(df.columns)}")

    def cell(column, value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return "–"
        if column in formats:
            text = formats[column](value)
        elif isinstance(value, bool) or type(value).__name__ == "bool_":
            text = "yes" if value else "no"
        elif isinstance(value, numbers.Real):
            text = num(value, sig)
        else:
            text = str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(str(c).replace("|", "\\|") for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    rows = ["| " + " | ".join(cell(c, v) for c, v in zip(df.columns, row, strict=True)) + " |"
            for row in df.itertuples(index=False)]
    body = "\n".join([header, rule, *rows])
    return Markdown(f":::{{table}} {caption}\n:name: {name}\n:align: {align}\n\n{body}\n:::\n")


def interactive_table(html: str, *, caption: str, name: str) -> None:
    """Display an interactive table (HTML, e.g. from itables) as a numbered, captioned table.

    Displays two outputs: a ``numbered-table`` directive (``tools/sphinx_tables.py``) with the
    caption and label, which the book numbers in the sequence of tables ("Table N") and
    ``{numref}`name``` cites like a table from :func:`table`; then the HTML itself, which the
    book moves into that numbered table. The HTML stays an output of its own, so the stored
    notebook keeps the small directive and drops the large HTML (``tools/outputs.py``).

    Parameters
    ----------
    html : str
        The table's HTML (with its scripts).
    caption : str
        The table's caption (a sentence on one line).
    name : str
        Its label, lowercase words joined by hyphens (``tbl-<chapter>-<what>``).

    Returns
    -------
    None
        Nothing, so the cell shows the table once.
    """
    import re

    from IPython.display import HTML, Markdown, display

    if not isinstance(html, str) or "<table" not in html:
        raise ValueError(f"html={str(html)[:60]!r} must be a string of HTML holding a <table>")
    if not isinstance(caption, str) or not caption.strip() or "\n" in caption:
        raise ValueError(f"caption={caption!r} must be a non-empty sentence on one line")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise ValueError(f"name={name!r} must be lowercase words joined by hyphens, e.g. 'tbl-ledger-claims'")
    display(Markdown(f":::{{numbered-table}} {caption}\n:name: {name}\n:::\n"))
    display(HTML(html))


#: The mime-type prefix under which myst-nb finds a value glued without display.
GLUE_PREFIX = "application/papermill.record/"
_GLUE_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")  # myst-nb's eval_name_regex


def glue(name: str, variable, display: bool = True) -> None:
    """Store ``variable``'s displayed form for the page's prose (``{glue}`name```).

    Sends the message ``myst_nb.glue`` sends (the display formats of ``variable``, under
    :data:`GLUE_PREFIX` unless ``display``, with ``name`` in the ``scrapbook`` metadata), without
    importing myst-nb's glue module: that module imports nbformat and with it jsonschema, about
    1.3 s of every chapter kernel's start (``tests/test_fmt.py`` checks the two messages agree).

    Raises
    ------
    ValueError
        If ``name`` is not an identifier-like string, ``display`` is not a bool, or ``variable`` is
        a real number that is not finite (it would print ``nan`` or ``inf`` on the page).
    """
    if not isinstance(name, str) or not _GLUE_NAME.match(name):
        raise ValueError(f"name={name!r} is not a glue name: letters, digits and underscores, not starting with a digit")
    if not isinstance(display, bool):
        raise ValueError(f"display={display!r} must be True or False")
    if isinstance(variable, numbers.Real) and not math.isfinite(variable):
        raise ValueError(f"variable={variable!r} (glue {name!r}) is not finite; glue a finite number or a text")
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    bundle, metadata = format_display_data(variable)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
