"""container_of(): find the structure that embeds a member. Mirrors include/linux/container_of.h.

C computes the container from the member's address. In Python a member learns its
container when it is assigned to an attribute of a :class:`Struct`; for any other
object, :func:`container_of` finds the one object of the requested type that holds
the member under that attribute name.
"""

from __future__ import annotations

import gc
from typing import Any, TypeVar

T = TypeVar("T")


class Embeddable:
    """A kernel structure that can be embedded in a driver's struct (timer_list, work_struct, ...)."""

    _container: tuple[Any, str] | None = None
    #: What %p prints for this structure: (the printing kernel's token, its serial), set by Kernel.ptr().
    _ptr_tag: tuple[object, int] | None = None


class Struct:
    """Base for driver structs: embedded kernel structures remember where they live."""

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if isinstance(value, Embeddable):
            object.__setattr__(value, "_container", (self, name))


def container_of(ptr: Any, type_: type[T] | None, member: str) -> T:
    """The ``type_`` object whose attribute ``member`` is ``ptr``.

    Raises ValueError when no such object exists (the C version would return garbage).
    """
    cont = getattr(ptr, "_container", None)
    if cont is not None and cont[1] == member.split(".")[0] and (type_ is None or isinstance(cont[0], type_)):
        return cont[0]  # type: ignore[no-any-return]
    first = member.split(".")[0]
    for ref in gc.get_referrers(ptr):
        owner = _owner_of_dict(ref, type_)
        if owner is not None and getattr(owner, first, None) is ptr:
            try:
                object.__setattr__(ptr, "_container", (owner, first))
            except (AttributeError, TypeError):
                pass
            return owner  # type: ignore[no-any-return]
    tname = type_.__name__ if type_ is not None else "any type"
    raise ValueError(
        f"container_of(): no {tname} object holds this {type(ptr).__name__} in its "
        f"attribute {member!r}; assign the member to that attribute of its struct "
        "(or derive the struct from irqlab.kernel.Struct)"
    )


def _owner_of_dict(ref: Any, type_: type[Any] | None) -> Any:
    if type_ is not None and isinstance(ref, type_):
        return ref
    if isinstance(ref, dict):
        for owner in gc.get_referrers(ref):
            if getattr(owner, "__dict__", None) is ref and (type_ is None or isinstance(owner, type_)):
                return owner
    return None
