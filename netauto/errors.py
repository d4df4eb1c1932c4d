"""The exception roots of netauto.

Every layer raises a subclass of :class:`NetautoError`; only the CLI turns them into
messages and exit codes (2 for bad user input, 1 for failed checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem in user input, located as precisely as the input allows.

    Examples:
        >>> str(Problem("inventory/sites.yml", 12, "sites[3].hub", "unknown hub 'hub-9'"))
        "inventory/sites.yml:12: sites[3].hub: unknown hub 'hub-9'"
        >>> str(Problem("inventory/x.yml", None, "", "file is empty", hint="add a mapping"))
        'inventory/x.yml: file is empty (hint: add a mapping)'
        >>> str(Problem(None, None, "", "must run as root"))
        'must run as root'
    """

    file: str | Path | None
    line: int | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = ""
        if self.file is not None:
            text = str(self.file)
            if self.line is not None:
                text += f":{self.line}"
            text += ": "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class NetautoError(Exception):
    """Root of every error netauto raises on purpose."""

    exit_code = 1


class InputError(NetautoError):
    """The user's input is wrong: exit code 2, one line per problem."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, None, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CheckFailed(NetautoError):
    """A check ran and found the network (or the plan) not as expected: exit code 1."""

    exit_code = 1
