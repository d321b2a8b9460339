"""The host's speed now: a fixed CPU workload, so that a timing can be read against it.

    .venv/bin/python benchmarks/reference.py      # prints the seconds, e.g. "3.1"

The workload is the parametric-loss fit's 4,500-start global search on ``bench_scaling.data()``
(245 synthetic runs), single-threaded, best of 2. On the 2-core machine the README's timings come
from it took about 2.3 s when the host was idle; the same machine has measured up to 60% slower
under other load on its host, and every timing (``make test`` included) stretches with it.
``.ci/run`` and ``bench_test.py`` print it next to their timings.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from _timing import best_of  # noqa: E402
from bench_scaling import data  # noqa: E402

from analysis import scaling as sc  # noqa: E402


def seconds() -> float:
    n, d, loss = data()
    return best_of(lambda: sc.fit_parametric_loss(n, d, loss), repeat=2)


if __name__ == "__main__":
    print(f"{seconds():.1f}")
