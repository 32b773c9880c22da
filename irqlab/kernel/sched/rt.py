"""Mirrors kernel/sched/rt.c: the RT class's run queue, a per-priority array of FIFO lists with a bitmap.

init_rt_rq(), __enqueue_rt_entity(), __delist_rt_entity() and pick_next_rt_entity(): enqueue,
dequeue and pick cost O(1) whatever the number of queued RT tasks (sched_find_first_bit() on
the bitmap; the kernel's list_del() is O(1) too, here a task taken from the middle of a
same-priority queue costs that queue's length).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from irqlab.kernel.sched.core import Task

#: include/linux/sched/prio.h
MAX_RT_PRIO: Final = 100


class rt_rq:
    """struct rt_rq with its rt_prio_array ``active``: queue[idx] holds the waiting tasks of kernel
    priority idx (99 - rt_priority, lower is more important) in FIFO order; bit idx of ``bitmap`` is
    set while queue[idx] is non-empty. Falsy when no RT task waits."""

    __slots__ = ("bitmap", "queue", "rt_nr_running")

    def __init__(self) -> None:
        # init_rt_rq(): every list empty, every bit clear. The kernel also sets the delimiter bit
        # MAX_RT_PRIO for its bit search; an int bitmap needs none (0 means no RT task).
        self.bitmap = 0
        self.queue: list[deque[Task] | None] = [None] * MAX_RT_PRIO
        self.rt_nr_running = 0

    def __len__(self) -> int:
        return self.rt_nr_running

    def enqueue(self, p: Task, head: bool = False) -> None:
        """__enqueue_rt_entity(): list_add() with ENQUEUE_HEAD, else list_add_tail(); __set_bit(prio)."""
        idx = MAX_RT_PRIO - 1 - p.rt_priority
        q = self.queue[idx]
        if q is None:
            q = self.queue[idx] = deque()
        if head:
            q.appendleft(p)
        else:
            q.append(p)
        self.bitmap |= 1 << idx
        self.rt_nr_running += 1

    def dequeue(self, p: Task) -> None:
        """__delist_rt_entity(): list_del_init(), and __clear_bit(prio) once that list is empty."""
        idx = MAX_RT_PRIO - 1 - p.rt_priority
        q = self.queue[idx]
        assert q is not None, "dequeue of an RT task that is not queued"
        if q[0] is p:
            q.popleft()
        elif q[-1] is p:
            q.pop()
        else:
            q.remove(p)
        if not q:
            self.bitmap &= ~(1 << idx)
        self.rt_nr_running -= 1

    def pick_next_rt_entity(self) -> Task | None:
        """The head of the most important non-empty list: sched_find_first_bit(array->bitmap)."""
        bm = self.bitmap
        if not bm:
            return None
        q = self.queue[(bm & -bm).bit_length() - 1]
        assert q is not None
        return q[0]

    def has_prio(self, rt_priority: int) -> bool:
        """Whether a task of ``rt_priority`` waits (the RR tick's "run_list.prev != run_list.next")."""
        return bool(self.bitmap >> (MAX_RT_PRIO - 1 - rt_priority) & 1)

    def __iter__(self) -> Iterator[Task]:
        """The waiting tasks, most important first, FIFO within a priority."""
        bm = self.bitmap
        queue = self.queue
        while bm:
            low = bm & -bm
            q = queue[low.bit_length() - 1]
            assert q is not None
            yield from q
            bm ^= low
