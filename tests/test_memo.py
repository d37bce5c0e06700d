"""motoropt.memo.Memo: one make() per key, at most ``size`` keys, a failed make() not remembered."""

import pytest

from motoropt.memo import Memo


def test_memo_makes_once_per_key_and_forgets_all_when_full():
    calls = []
    m = Memo(2)

    def make(k):
        calls.append(k)
        return [k]

    a = m.get("a", lambda: make("a"))
    assert m.get("a", lambda: make("a")) is a and calls == ["a"]
    m.get("b", lambda: make("b"))
    m.get("c", lambda: make("c"))  # full: "a" and "b" forgotten
    assert m.get("a", lambda: make("a")) is not a and calls == ["a", "b", "c", "a"]


def test_memo_does_not_remember_a_failure():
    m = Memo(4)

    def fail():
        raise ValueError("bad table")

    for _ in range(2):
        with pytest.raises(ValueError):
            m.get("k", fail)
    assert m.get("k", lambda: 1) == 1
