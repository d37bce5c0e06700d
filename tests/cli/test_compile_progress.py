"""Cold-start progress (issue 15): a kernel numba compiles inside ``report_compilation`` is named on
the stream with its compile time, once (not the functions it calls); a cached kernel prints nothing."""

from __future__ import annotations

import io

from numba import njit

from motoropt.cli.compile_progress import report_compilation


@njit
def _inner(x):
    return 2.0 * x


@njit
def _outer(x):
    return _inner(x) + 1.0


def test_compilation_is_reported_once_per_outer_kernel():
    """First call with float64: one line for _outer (its callee _inner compiles inside it) and the
    total; the second call (already compiled) adds nothing; disabled: nothing at all."""
    s = io.StringIO()
    with report_compilation("test", stream=s):
        assert _outer(1.0) == 3.0
    out = s.getvalue()
    assert "compiling the numba kernels" in out
    assert out.count("_outer ...") == 1 and "_inner" not in out
    assert "1 kernels compiled" in out
    s2 = io.StringIO()
    with report_compilation("test", stream=s2):
        assert _outer(2.0) == 5.0
    assert s2.getvalue() == ""
    s3 = io.StringIO()
    with report_compilation("test", stream=s3, enabled=False):
        assert _outer(3) == 7.0  # a new int64 specialisation compiles, unreported
    assert s3.getvalue() == ""
