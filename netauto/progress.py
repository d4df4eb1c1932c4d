"""How long work reports progress without knowing who shows it (the CLI draws it with rich).

A stage that runs for a while (the lab coming up, a rollout) takes a :class:`Progress`;
rich's ``Progress`` fits it as it is, and :class:`NoProgress` shows nothing.
"""

from __future__ import annotations

from typing import Any, Protocol


class Progress(Protocol):
    """Tasks with a total, advanced as items finish."""

    def add_task(self, description: str, *, total: float | None) -> Any:
        """Start a task; returns its id."""
        ...

    def advance(self, task_id: Any, advance: float = 1) -> None:
        """Count ``advance`` more items of a task as done."""
        ...


class NoProgress:
    """A :class:`Progress` that shows nothing.

    Examples:
        >>> p = NoProgress()
        >>> p.advance(p.add_task("links", total=3))
    """

    def add_task(self, description: str, *, total: float | None) -> int:
        return 0

    def advance(self, task_id: Any, advance: float = 1) -> None:
        return None
