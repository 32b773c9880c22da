"""Mirrors kernel/sched/fair.c: the fair class's run queue, a timeline ordered by virtual runtime.

__enqueue_entity() inserts into an rbtree (tasks_timeline) with __entity_less(), where an entity
equal to one already queued goes to its right: the leftmost of equal keys is the one queued first.
The tree is an rb_root_cached: its leftmost entity is cached, so __pick_first_entity() costs nothing.
Here the keys (vruntime, enqueue sequence) give the same order: a key larger than every key of the sorted
run (a deque, the common case: a task that ran goes back behind those that waited) is appended to it, any
other goes into a binary heap; the leftmost task is the smaller of the two heads, cached as the kernel's is.
Enqueue costs O(1) or O(log n), dequeuing the leftmost O(1) from the run or O(log n) from the heap. Another
entity's entry is dropped lazily when it reaches a head, and both are rebuilt once stale entries outnumber
live ones, so their size stays within twice the queue's.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from irqlab.kernel.sched.core import Task

#: Enqueue sequences stay below this, so (vruntime, sequence) packs into one int key ordered as the pair.
_SEQ_SPAN: Final = 1 << 40
#: Stale heap entries tolerated before a rebuild, whatever the queue's length (a performance trick).
_STALE_SLACK: Final = 64


class cfs_rq:
    """struct cfs_rq's tasks_timeline, an rb_root_cached. Each queued task has a key, vruntime * 2**40 + its
    enqueue sequence (so equal vruntimes keep queue order), kept in ``p.cfs_key``; ``run`` (keys in increasing
    order) and the heap ``timeline`` hold the keys (plain ints compare fastest, a performance trick) and
    ``queued`` maps each live key to its task, in enqueue order. ``leftmost`` is the task with the smallest
    key (rb_leftmost), None when the queue is empty; stale entries never stay at a head. Falsy when no fair
    task waits.

    Context rule: a queued task's vruntime does not change while it is queued (update_curr() charges
    only the running task, which is not in the timeline; placement happens before enqueue)."""

    __slots__ = ("run", "timeline", "queued", "seq", "stale", "leftmost", "leftmost_key")

    def __init__(self) -> None:
        self.run: deque[int] = deque()
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
        run = self.run
        if not run or key > run[-1]:
            run.append(key)
        else:
            heappush(self.timeline, key)
        if self.leftmost is None or key < self.leftmost_key:
            self.leftmost = p
            self.leftmost_key = key

    def dequeue(self, p: Task) -> None:
        """__dequeue_entity() (rb_erase_cached(): the next entity becomes the leftmost)."""
        queued = self.queued
        key = p.cfs_key
        del queued[key]
        if p is not self.leftmost:
            self.stale += 1
            if self.stale > _STALE_SLACK and self.stale > len(queued):
                self.run = deque(sorted(queued))
                self.timeline = []
                self.stale = 0
            return
        run = self.run
        timeline = self.timeline
        if run and run[0] == key:
            run.popleft()
        else:
            heappop(timeline)
        # The new heads: drop the stale entries that reached them.
        first: Task | None = None
        while run:
            first = queued.get(run[0])
            if first is not None:
                break
            run.popleft()
            self.stale -= 1
        other: Task | None = None
        while timeline:
            other = queued.get(timeline[0])
            if other is not None:
                break
            heappop(timeline)
            self.stale -= 1
        if first is None:
            self.leftmost = other
            if other is not None:
                self.leftmost_key = timeline[0]
        elif other is not None and timeline[0] < run[0]:
            self.leftmost = other
            self.leftmost_key = timeline[0]
        else:
            self.leftmost = first
            self.leftmost_key = run[0]

    def pick_first_entity(self) -> Task | None:
        """__pick_first_entity(): the leftmost task (smallest vruntime, the first queued among equals)."""
        return self.leftmost

    def __iter__(self) -> Iterator[Task]:
        """The waiting tasks in the order they were queued."""
        return iter(self.queued.values())
