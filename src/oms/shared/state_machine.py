"""Lifecycles as explicit transition tables.

A table maps ``(state, action)`` to the next state; anything missing is illegal. Walking the
table in one parametrised test proves the lifecycle, and there is no other way to change status.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from oms.shared.errors import IllegalTransition

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


@dataclass(frozen=True)
class StateMachine(Generic[S, A]):
    """A named transition table."""

    name: str
    transitions: Mapping[tuple[S, A], S]

    def next(self, state: S, action: A) -> S:
        """The state after ``action``, or ``IllegalTransition`` naming both."""
        try:
            return self.transitions[(state, action)]
        except KeyError:
            raise IllegalTransition(
                f"cannot {action.value} this {self.name}: it is {state.value}",
                state=state.value,
                action=action.value,
            ) from None

    def allows(self, state: S, action: A) -> bool:
        return (state, action) in self.transitions

    def __iter__(self) -> Iterator[tuple[S, A, S]]:
        for (state, action), target in self.transitions.items():
            yield state, action, target
