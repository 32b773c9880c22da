"""Mirrors kernel/sched/fair.c: the fair class's run queue, a timeline ordered by virtual runtime.

__enqueue_entity() inserts into an rbtree (tasks_timeline) with __entity_less(), where an entity
equal to one already queued goes to its right: the leftmost of equal keys is the one queued first.
The tree is an rb_root_cached: its leftmost entity is cached, so __pick_first_entity() costs nothing.
Here a binary heap keyed by (vruntime, enqueue sequence) gives the same order, O(log n) enqueue and
dequeue of the leftmost, and the leftmost task is cached as the kernel's is. Another entity's heap entry
is dropped lazily when it reaches the top, and the heap is rebuilt once stale entries outnumber live
ones, so its size stays within twice the queue's.
"""

from __future__ import annotations

from collections.abc import Iterator
from heapq import heapify, heappop, heappush
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from irqlab.kernel.sched.core import Task

#: Enqueue sequences stay below this, so (vruntime, sequence) packs into one int key ordered as the pair.
_SEQ_SPAN: Final = 1 << 40
#: Stale heap entries tolerated before a rebuild, whatever the queue's length (a performance trick).
_STALE_SLACK: Final = 64


class cfs_rq:
    """struct cfs_rq's tasks_timeline, an rb_root_cached. Each queued task has a key, vruntime * 2**40 + its
    enqueue sequence (so equal vruntimes keep queue order), kept in ``p.cfs_key``; the heap holds the keys
    (plain ints compare fastest, a performance trick) and ``queued`` maps each live key to its task, in
    enqueue order. ``leftmost`` is the task with the smallest key (rb_leftmost), None when the queue is
    empty; the heap's top is always its key (stale entries never stay on top). Falsy when no fair task waits.

    Context rule: a queued task's vruntime does not change while it is queued (update_curr() charges
    only the running task, which is not in the timeline; placement happens before enqueue)."""

    __slots__ = ("timeline", "queued", "seq", "stale", "leftmost", "leftmost_key")

    def __init__(self) -> None:
        self.timeline: list[int] = []
        self.queued: dict[int, Task] = {}
        self.seq = 0
        self.stale = 0
        self.leftmost: Task | None = None
        self.leftmost_key = 0

    def __len__(self) -> int:
        return len(self.queued)

    def enqueue(self, p: Task) -> None:
        """__enqueue_entity(): insert at its vruntime, right of the entities with an equal one
        (rb_add_cached() updates the cached leftmost)."""
        self.seq += 1
        key = p.vruntime * _SEQ_SPAN + self.seq
        p.cfs_key = key
        self.queued[key] = p
        heappush(self.timeline, key)
        if self.leftmost is None or key < self.leftmost_key:
            self.leftmost = p
            self.leftmost_key = key

    def dequeue(self, p: Task) -> None:
        """__dequeue_entity() (rb_erase_cached(): the next entity becomes the leftmost)."""
        queued = self.queued
        del queued[p.cfs_key]
        if p is self.leftmost:
            timeline = self.timeline
            heappop(timeline)
            while timeline:
                nxt = queued.get(timeline[0])
                if nxt is not None:
                    self.leftmost = nxt
                    self.leftmost_key = timeline[0]
                    return
                heappop(timeline)
                self.stale -= 1
            self.leftmost = None
            return
        self.stale += 1
        if self.stale > _STALE_SLACK and self.stale > len(queued):
            self.timeline = list(queued)
            heapify(self.timeline)
            self.stale = 0

    def pick_first_entity(self) -> Task | None:
        """__pick_first_entity(): the leftmost task (smallest vruntime, the first queued among equals)."""
        return self.leftmost

    def __iter__(self) -> Iterator[Task]:
        """The waiting tasks in the order they were queued."""
        return iter(self.queued.values())
