"""Mirrors kernel/sched/fair.c: the fair class's run queue, a timeline ordered by virtual runtime.

__enqueue_entity() inserts into an rbtree (tasks_timeline) with __entity_less(), where an entity
equal to one already queued goes to its right: the leftmost of equal keys is the one queued first.
The tree is an rb_root_cached: its leftmost entity is cached, so __pick_first_entity() costs nothing.
Here the keys (vruntime, enqueue sequence) give the same order. The timeline is a sorted run of tasks (a
deque) and a binary heap: a task goes into the run at its tail or a few places before it (the common case:
a task that ran goes back behind those that waited, or among the last ones queued) or at its head (a sleeper
placed before every waiting task), any other into the heap; the leftmost task is the smaller of the two heads,
cached as the kernel's is. Enqueue costs O(1) or O(log n), dequeuing the leftmost O(1) from the run or
O(log n) from the heap. Another entity's entry is dropped lazily when it reaches a head, and both are rebuilt
once stale entries outnumber live ones, so their size stays within twice the queue's.

The run holds the tasks themselves and compares the keys they carry (``p.vruntime``, ``p.cfs_seq``), so a
context switch at the common case reads no object but the tasks that ran last and the one that runs next:
no key object per entry, and no comparison with keys queued long ago (a performance trick: with thousands of
tasks those are out of the CPU's caches).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from irqlab.kernel.sched.core import Task

#: Stale entries tolerated before a rebuild, whatever the queue's length (a performance trick).
_STALE_SLACK: Final = 64
#: How many places before the run's tail an enqueued task may go into the run rather than the heap.
_NEAR_TAIL: Final = 4


def _order(p: Task) -> tuple[int, int]:
    """A queued task's key, (vruntime, enqueue sequence)."""
    return p.vruntime, p.cfs_seq


class cfs_rq:
    """struct cfs_rq's tasks_timeline, an rb_root_cached. Each queued task's key is (``p.vruntime``,
    ``p.cfs_seq``), its enqueue sequence breaking ties (so equal vruntimes keep queue order); ``run`` (tasks in
    increasing key order) and the heap ``timeline`` ((vruntime, sequence, task) entries) hold them. The queued
    tasks are also linked in enqueue order (``first``, ``last``, ``p.cfs_prev`` and ``p.cfs_next``, a list_head:
    unlinking reads only the neighbours), ``queued`` counting them. ``leftmost`` is the task with the smallest
    key (rb_leftmost), None when the queue is empty; stale entries never stay at a head. ``stale_tasks`` counts
    the stale entries of each task dequeued from elsewhere than the leftmost: such a task has no live entry
    here until they are gone (enqueueing it here again first rebuilds both without them). Falsy when no fair
    task waits.

    Context rule: a queued task's vruntime does not change while it is queued (update_curr() charges
    only the running task, which is not in the timeline; placement happens before enqueue)."""

    __slots__ = ("run", "timeline", "queued", "first", "last", "seq", "stale", "stale_tasks", "leftmost")

    def __init__(self) -> None:
        self.run: deque[Task] = deque()
        self.timeline: list[tuple[int, int, Task]] = []
        self.queued = 0
        self.first: Task | None = None
        self.last: Task | None = None
        self.seq = 0
        self.stale = 0
        self.stale_tasks: dict[Task, int] = {}
        self.leftmost: Task | None = None

    def __len__(self) -> int:
        return self.queued

    def enqueue(self, p: Task) -> None:
        """__enqueue_entity(): insert at its vruntime, right of the entities with an equal one
        (rb_add_cached() updates the cached leftmost)."""
        if self.stale and p in self.stale_tasks:
            self._rebuild()  # p's old entries must not stand for it
        self.seq += 1
        seq = self.seq
        p.cfs_seq = seq
        last = self.last
        p.cfs_prev = last
        p.cfs_next = None
        if last is None:
            self.first = p
        else:
            last.cfs_next = p
        self.last = p
        self.queued += 1
        v = p.vruntime
        # Its sequence is the largest queued, so it goes right of every entry whose vruntime is <= v. A stale
        # entry's task carries a key that no longer orders it here: such an entry never decides a place.
        run = self.run
        stale_tasks = self.stale_tasks
        if not run:
            run.append(p)
        elif v >= run[-1].vruntime and not (stale_tasks and run[-1] in stale_tasks):
            run.append(p)
        elif stale_tasks:
            if v < run[0].vruntime and run[0] not in stale_tasks:
                run.appendleft(p)
            else:
                heappush(self.timeline, (v, seq, p))
        else:
            # A few places before the run's tail (tasks that ran back to back with nearly equal vruntimes): the
            # tasks compared with ran last and are still in the caches, where the heap would compare keys
            # queued long ago (a performance trick).
            n = len(run)
            i = -2
            while -i <= n and v < run[i].vruntime:
                if -i == _NEAR_TAIL:
                    break
                i -= 1
            else:
                if i == -2:
                    tail = run.pop()  # just before the tail (no argument parsing, unlike insert())
                    run.append(p)
                    run.append(tail)
                elif -i <= n:
                    run.insert(i + 1, p)  # run[i] <= v < run[i + 1]
                else:
                    run.appendleft(p)  # below every key of a short run
                i = 0
            if i:
                if v < run[0].vruntime:
                    run.appendleft(p)  # a sleeper placed before every waiting task
                else:
                    heappush(self.timeline, (v, seq, p))
        leftmost = self.leftmost
        if leftmost is None or v < leftmost.vruntime:
            self.leftmost = p

    def dequeue(self, p: Task) -> None:
        """__dequeue_entity() (rb_erase_cached(): the next entity becomes the leftmost)."""
        prv = p.cfs_prev
        nxt = p.cfs_next
        if prv is None:
            self.first = nxt
        else:
            prv.cfs_next = nxt
        if nxt is None:
            self.last = prv
        else:
            nxt.cfs_prev = prv
        p.cfs_prev = p.cfs_next = None
        self.queued -= 1
        if p is not self.leftmost:
            stale_tasks = self.stale_tasks
            stale_tasks[p] = stale_tasks.get(p, 0) + 1
            self.stale += 1
            if self.stale > _STALE_SLACK and self.stale > self.queued:
                self._rebuild()
            return
        run = self.run
        timeline = self.timeline
        if self.stale:
            self._drop_stale_heads()
        if run and run[0] is p:
            run.popleft()
        else:
            heappop(timeline)
        if self.stale:
            self._drop_stale_heads()
        first: Task | None = run[0] if run else None
        if timeline:
            v, seq, other = timeline[0]
            if first is None or v < first.vruntime or (v == first.vruntime and seq < first.cfs_seq):
                first = other
        self.leftmost = first

    def _drop_stale_heads(self) -> None:
        """Drop the stale entries at the heads of the run and the heap."""
        stale_tasks = self.stale_tasks
        run = self.run
        while run and run[0] in stale_tasks:
            self._dropped(run.popleft())
        timeline = self.timeline
        while timeline and timeline[0][2] in stale_tasks:
            self._dropped(heappop(timeline)[2])

    def _dropped(self, p: Task) -> None:
        """One stale entry of ``p`` left the timeline."""
        stale_tasks = self.stale_tasks
        left = stale_tasks[p] - 1
        if left:
            stale_tasks[p] = left
        else:
            del stale_tasks[p]
        self.stale -= 1

    def _rebuild(self) -> None:
        """The run rebuilt from the queued tasks alone, the heap emptied, no stale entry left."""
        self.run = deque(sorted(self, key=_order))
        self.timeline = []
        self.stale_tasks = {}
        self.stale = 0

    def pick_first_entity(self) -> Task | None:
        """__pick_first_entity(): the leftmost task (smallest vruntime, the first queued among equals)."""
        return self.leftmost

    def __iter__(self) -> Iterator[Task]:
        """The waiting tasks in the order they were queued."""
        p = self.first
        while p is not None:
            yield p
            p = p.cfs_next
