"""A bounded memo for values an optimisation's designs share (steels, network topologies, case
sections, vehicles, cycle demands): computed once per key, kept until the memo is full, then all
forgotten at once. A run's designs share a handful of keys, so the reset bounds memory without
any bookkeeping. The values are shared: callers must not modify them."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    """``make()``'s value per key, at most ``size`` keys (cleared when full)."""

    def __init__(self, size: int):
        self.size = int(size)
        self._values: dict = {}

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value remembered for ``key``, else ``make()`` (remembered; an exception is not)."""
        hit = self._values.get(key)
        if hit is None:
            hit = make()
            if len(self._values) >= self.size:
                self._values.clear()
            self._values[key] = hit
        return hit
