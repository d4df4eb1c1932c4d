"""Load a source-of-truth directory: read every YAML file, merge, validate, cross-check.

Files may be split freely (one per hub, one for services, ...). Each file is a mapping of
*sections*:

* ``province``, ``addressing``, ``management``: once in the whole directory;
* ``services``, ``groups``: mappings, merged key by key (a key defined twice is an error);
* ``policy``, ``sites``, ``devices``, ``links``, ``vms``: lists, concatenated in file order.

The ledger (``allocations.yml``, written by ``netauto plan``) lives beside the SoT and is
not part of it. Every problem found is reported once, with file, line and field.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from netauto.errors import InputError, Problem
from netauto.sot import checks, models
from netauto.sot.yamlsource import Location, PathKey, YamlDocument, format_path, read_yaml

SINGLE_SECTIONS = ("province", "addressing", "management")
MAP_SECTIONS = ("services", "groups")
LIST_SECTIONS = ("policy", "sites", "devices", "links", "vms")
SECTIONS = SINGLE_SECTIONS + MAP_SECTIONS + LIST_SECTIONS
LEDGER_FILE = "allocations.yml"
"""The plan's allocation ledger: kept in the inventory directory, not read as SoT."""
MAX_FILES = 10_000


@dataclass
class LoadedSoT:
    """A validated SoT with the location of every value, for later error messages."""

    sot: models.SoT
    directory: Path
    files: list[Path]
    locations: dict[PathKey, Location]

    def where(self, path: PathKey) -> Location | None:
        """The location of ``path`` or of its nearest written ancestor."""
        return locate(self.locations, path)


def locate(locations: dict[PathKey, Location], path: PathKey) -> Location | None:
    """Find the location of ``path``, falling back to the nearest ancestor that was written."""
    for cut in range(len(path), -1, -1):
        found = locations.get(tuple(path[:cut]))
        if found is not None:
            return found
    return None


def problem_at(
    locations: dict[PathKey, Location], path: PathKey, message: str, hint: str = ""
) -> Problem:
    """A :class:`Problem` for the value at ``path``."""
    loc = locate(locations, path)
    return Problem(
        loc.file if loc else None, loc.line if loc else None, format_path(path), message, hint
    )


def sot_files(directory: Path) -> list[Path]:
    """The YAML files of a SoT directory in a stable order (hidden files, ledger skipped)."""
    if not directory.exists():
        raise InputError(
            Problem(
                directory,
                None,
                "",
                "inventory directory does not exist",
                "pass -i DIR, or run `netauto init` to create one",
            )
        )
    if directory.is_file():
        return [directory]
    files = sorted(
        p
        for p in directory.rglob("*")
        if p.suffix in (".yml", ".yaml")
        and p.is_file()
        and p.name != LEDGER_FILE
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )
    if not files:
        raise InputError(
            Problem(
                directory,
                None,
                "",
                "no YAML files (*.yml, *.yaml) found",
                "run `netauto init --province CODE --out DIR` to generate one",
            )
        )
    if len(files) > MAX_FILES:
        raise InputError(Problem(directory, None, "", f"{len(files)} files; at most {MAX_FILES}"))
    return files


def _merge(docs: list[YamlDocument]) -> tuple[dict[str, Any], dict[PathKey, Location]]:
    merged: dict[str, Any] = {}
    locations: dict[PathKey, Location] = {}
    problems: list[Problem] = []

    def relocate(doc: YamlDocument, old: PathKey, new: PathKey) -> None:
        size = len(old)
        for path, loc in doc.locations.items():
            if path[:size] == old:
                locations[new + path[size:]] = loc

    for doc in docs:
        if doc.data is None:
            problems.append(
                Problem(
                    doc.file,
                    None,
                    "",
                    "file is empty; expected a mapping of sections",
                    "e.g. `sites:` followed by a list of sites",
                )
            )
            continue
        if not isinstance(doc.data, dict):
            problems.append(
                Problem(
                    doc.file,
                    1,
                    "",
                    f"expected a mapping of sections "
                    f"({', '.join(SECTIONS)}), got {type(doc.data).__name__}",
                )
            )
            continue
        for section, value in doc.data.items():
            here = doc.locations.get((section,))
            line = here.line if here else None
            if section not in SECTIONS:
                close = difflib.get_close_matches(str(section), SECTIONS, n=1)
                problems.append(
                    Problem(
                        doc.file,
                        line,
                        str(section),
                        "unknown section",
                        f"did you mean {close[0]!r}?"
                        if close
                        else f"expected one of {', '.join(SECTIONS)}",
                    )
                )
                continue
            if section in SINGLE_SECTIONS:
                if section in merged:
                    first = locations.get((section,))
                    problems.append(
                        Problem(
                            doc.file,
                            line,
                            section,
                            f"defined twice (first in {first.file if first else '?'}"
                            f":{first.line if first else '?'})",
                            "keep one definition",
                        )
                    )
                    continue
                merged[section] = value
                relocate(doc, (section,), (section,))
            elif section in MAP_SECTIONS:
                if value is None:
                    continue
                if not isinstance(value, dict):
                    problems.append(
                        Problem(
                            doc.file,
                            line,
                            section,
                            f"expected a mapping of name: definition, got {type(value).__name__}",
                        )
                    )
                    continue
                target = merged.setdefault(section, {})
                locations.setdefault((section,), here or Location(doc.file))
                for key, item in value.items():
                    if key in target:
                        first = locations.get((section, key))
                        key_line = doc.locations.get((section, key))
                        problems.append(
                            Problem(
                                doc.file,
                                key_line.line if key_line else line,
                                f"{section}.{key}",
                                f"defined twice (first in "
                                f"{first.file if first else '?'}"
                                f":{first.line if first else '?'})",
                            )
                        )
                        continue
                    target[key] = item
                    relocate(doc, (section, key), (section, key))
            else:
                if value is None:
                    continue
                if not isinstance(value, list):
                    problems.append(
                        Problem(
                            doc.file,
                            line,
                            section,
                            f"expected a list, got {type(value).__name__}",
                            f"write each entry as '- ...' under `{section}:`",
                        )
                    )
                    continue
                target_list = merged.setdefault(section, [])
                locations.setdefault((section,), here or Location(doc.file))
                offset = len(target_list)
                target_list.extend(value)
                for index in range(len(value)):
                    relocate(doc, (section, index), (section, offset + index))
    for required in ("province", "addressing"):
        if required not in merged and not problems:
            problems.append(
                Problem(
                    docs[0].file.parent if len(docs) > 1 else docs[0].file,
                    None,
                    required,
                    "required section missing from every file",
                    f"add a `{required}:` section to one file",
                )
            )
    if problems:
        raise InputError(problems)
    return merged, locations


def _field_names() -> list[str]:
    names: set[str] = set()

    def walk(model: type[BaseModel]) -> None:
        for name, field in model.model_fields.items():
            names.add(field.alias or name)

    for obj in vars(models).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            walk(obj)
    return sorted(names)


def _pydantic_problems(
    exc: ValidationError, data: dict[str, Any], locations: dict[PathKey, Location]
) -> list[Problem]:
    problems: list[Problem] = []
    known = _field_names()
    for err in exc.errors(include_url=False):
        loc: list[str | int] = []
        node: Any = data
        for part in err["loc"]:
            in_dict = isinstance(node, dict) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
            if in_dict or in_list:
                node = node[part]
                loc.append(part)
            else:
                if err["type"] in ("missing", "extra_forbidden") and isinstance(part, str):
                    loc.append(part)
                break
        path = tuple(loc)
        hint = ""
        if err["type"] == "missing":
            message = "required field missing"
        elif err["type"] == "extra_forbidden":
            message = "unknown field"
            close = difflib.get_close_matches(str(path[-1]), known, n=1) if path else []
            hint = f"did you mean {close[0]!r}?" if close else ""
        else:
            message = err["msg"].removeprefix("Value error, ")
            value = err.get("input")
            if isinstance(value, str | int | float | bool) and not isinstance(value, dict):
                shown = repr(value) if len(repr(value)) < 60 else repr(value)[:57] + "..."
                message += f"; got {shown}"
        problems.append(problem_at(locations, path, message, hint))
    return problems


def load_sot(directory: Path) -> LoadedSoT:
    """Read, merge, validate and cross-check a SoT directory (or a single file).

    Raises:
        InputError: with every problem found, each naming file, line and field.
    """
    files = sot_files(directory)
    docs: list[YamlDocument] = []
    problems: list[Problem] = []
    for file in files:
        try:
            docs.append(read_yaml(file))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    data, locations = _merge(docs)
    try:
        sot = models.SoT.model_validate(data)
    except ValidationError as exc:
        raise InputError(_pydantic_problems(exc, data, locations)) from None
    problems = [problem_at(locations, path, msg, hint) for path, msg, hint in checks.check(sot)]
    if problems:
        raise InputError(problems)
    return LoadedSoT(sot=sot, directory=directory, files=files, locations=locations)
