"""The order in which a parallel build hands documents to its workers: one long protocol at a time.

A build's peak memory is set by what its workers lay out at the same moment. WeasyPrint holds
every page of a document until it writes the PDF, so a worker laying out an operating protocol
(30 and more pages) uses about twice what one laying out an ISA or a signature annex does, and two
protocols at once were a 16-Marac build's peak. A protocol takes about as long as its Marac's ISA
and annex together, so with two workers one can take the protocols while the other takes the
rest, and the build takes no longer. Documents are started as workers come free, not queued up
front, so the choice is made with what is running in view.

A parallel build hands its workers one file at a time (``build_plan.one_file_each``), so the
heavy unit is an operating protocol's PDF; its DOCX lays out no pages and is light.

Only while nothing else is waiting do two heavy documents run at once (``--doc mop`` over many
Maracs): holding a worker idle then would make the build slower for every Marac, to save memory
only at its end.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Generic, TypeVar

# The operating protocol is every Marac's longest document; the ISA and the annex are shorter.
HEAVY_KINDS = frozenset({"mop"})

Unit = TypeVar("Unit")


class Schedule(Generic[Unit]):
    """The documents not yet started, taken one at a time by ``take``."""

    def __init__(self, units: Iterable[Unit], kind_of):
        """``kind_of(unit)`` returns the kind of document whose pages the unit lays out ("mop",
        "isa", "annex"), or None for one that lays out no pages (a DOCX)."""
        self._kind_of = kind_of
        self._heavy: deque[Unit] = deque()
        self._light: deque[Unit] = deque()
        for unit in units:
            (self._heavy if self.is_heavy(unit) else self._light).append(unit)

    def __len__(self) -> int:
        return len(self._heavy) + len(self._light)

    def is_heavy(self, unit: Unit) -> bool:
        """Return whether ``unit`` is a document whose layout is a worker's peak memory."""
        return self._kind_of(unit) in HEAVY_KINDS

    def take(self, heavy_running: int) -> Unit:
        """Return the next unit to start, given how many heavy units are running now.

        A heavy unit when none is running (the long ones start early, so the build does not end
        waiting on one); else a light one while any waits; else a heavy one. Each group keeps the
        order the units were given in. Refuses (IndexError) when nothing is left.
        """
        if self._heavy and (heavy_running == 0 or not self._light):
            return self._heavy.popleft()
        if self._light:
            return self._light.popleft()
        raise IndexError("no unit left to start")
