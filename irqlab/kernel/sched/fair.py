"""Mirrors kernel/sched/fair.c: the fair class's run queue, a timeline ordered by virtual runtime.

__enqueue_entity() inserts into an rbtree (tasks_timeline) with __entity_less(), where an entity
equal to one already queued goes to its right: the leftmost of equal keys is the one queued first.
Here a binary heap keyed by (vruntime, enqueue sequence) gives the same order, O(log n) enqueue and
pick; a dequeued entity's heap entry is dropped lazily when it reaches the top, and the heap is
rebuilt once stale entries outnumber live ones, so its size stays within twice the queue's.
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
    """struct cfs_rq's tasks_timeline. Each queued task has a key, vruntime * 2**40 + its enqueue sequence
    (so equal vruntimes keep queue order); the heap holds the keys (plain ints compare fastest, a
    performance trick), ``entity`` maps a live key to its task and ``queued`` each waiting task to its key,
    in enqueue order. Falsy when no fair task waits.

    Context rule: a queued task's vruntime does not change while it is queued (update_curr() charges
    only the running task, which is not in the timeline; placement happens before enqueue)."""

    __slots__ = ("timeline", "entity", "queued", "seq", "stale")

    def __init__(self) -> None:
        self.timeline: list[int] = []
        self.entity: dict[int, Task] = {}
        self.queued: dict[Task, int] = {}
        self.seq = 0
        self.stale = 0

    def __len__(self) -> int:
        return len(self.queued)

    def enqueue(self, p: Task) -> None:
        """__enqueue_entity(): insert at its vruntime, right of the entities with an equal one."""
        self.seq += 1
        key = p.vruntime * _SEQ_SPAN + self.seq
        self.queued[p] = key
        self.entity[key] = p
        heappush(self.timeline, key)

    def dequeue(self, p: Task) -> None:
        """__dequeue_entity()."""
        del self.entity[self.queued.pop(p)]
        self.stale += 1
        if self.stale > _STALE_SLACK and self.stale > len(self.queued):
            self.timeline = list(self.queued.values())
            heapify(self.timeline)
            self.stale = 0

    def pick_first_entity(self) -> Task | None:
        """__pick_first_entity(): the leftmost task (smallest vruntime, the first queued among equals)."""
        timeline = self.timeline
        entity = self.entity
        while timeline:
            p = entity.get(timeline[0])
            if p is not None:
                return p
            heappop(timeline)
            self.stale -= 1
        return None

    def __iter__(self) -> Iterator[Task]:
        """The waiting tasks in the order they were queued."""
        return iter(self.queued)
