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
import ipaddress
import re
import types
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from netauto.errors import InputError, Problem
from netauto.sot import checks, models
from netauto.sot.source import (
    LEDGER_FILE,
    MAX_FILES,
    LoadedSoT,
    Location,
    PathKey,
    locate,
    sot_files,
)
from netauto.sot.yamlsource import YamlDocument, format_path, read_yaml

SINGLE_SECTIONS = ("province", "addressing", "management", "imported")
MAP_SECTIONS = ("services", "groups")
LIST_SECTIONS = ("policy", "sites", "devices", "links", "vms")
SECTIONS = SINGLE_SECTIONS + MAP_SECTIONS + LIST_SECTIONS
__all__ = ["LEDGER_FILE", "MAX_FILES", "LoadedSoT", "load_sot", "locate", "problem_at", "sot_files"]


def problem_at(
    locations: dict[PathKey, Location], path: PathKey, message: str, hint: str = ""
) -> Problem:
    """A :class:`Problem` for the value at ``path``."""
    loc = locate(locations, path)
    return Problem(
        loc.file if loc else None, loc.line if loc else None, format_path(path), message, hint
    )


def _merge(docs: list[YamlDocument]) -> tuple[dict[str, Any], dict[PathKey, Location]]:
    merged: dict[str, Any] = {}
    locations: dict[PathKey, Location] = {}
    problems: list[Problem] = []

    def relocate(doc: YamlDocument, old: PathKey, new: PathKey) -> None:
        size = len(old)
        for path, loc in under.get(old, ()):
            locations[new + path[size:]] = loc

    for doc in docs:
        # Locations by section and by entry: relocating is linear, not entries x values.
        under: dict[PathKey, list[tuple[PathKey, Location]]] = {}
        for path, loc in doc.locations.items():
            for size in (1, 2):
                if len(path) >= size:
                    under.setdefault(path[:size], []).append((path, loc))
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
                    f"add the `{required}:` section to one file",
                )
            )
    if problems:
        raise InputError(problems)
    return merged, locations


def _step(annotation: Any, part: str | int) -> Any:
    """The type found one step below ``annotation`` along ``part``, or None."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _step(get_args(annotation)[0], part)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _step(arg, part)
            if found is not None:
                return found
        return None
    if origin is list and isinstance(part, int):
        return get_args(annotation)[0]
    if origin is dict:
        return get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
    return None


def _fields_of(annotation: Any) -> list[str]:
    """Field names (aliases where set) of the model(s) in ``annotation``.

    Examples:
        >>> _fields_of(models.LinkEnd)
        ['device', 'interface', 'ipv4']
    """
    origin = get_origin(annotation)
    if origin is Annotated or origin in (Union, types.UnionType):
        return [name for arg in get_args(annotation) for name in _fields_of(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [field.alias or name for name, field in annotation.model_fields.items()]
    return []


def _type_at(path: PathKey) -> Any:
    annotation: Any = models.SoT
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    return annotation


def suggest_name(text: str) -> str:
    """A valid netauto name (hostname, slug) close to ``text``.

    Examples:
        >>> suggest_name("CM_AnXuyen R1")
        'cm-anxuyen-r1'
        >>> suggest_name("Phường Đức Long")
        'phuong-duc-long'
    """
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = plain.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:63]


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    shown = repr(value)
    return shown if len(shown) < 60 else shown[:57] + "..."


def _mentions(message: str, text: str) -> bool:
    """Whether ``message`` already shows ``text`` as a whole word.

    Examples:
        >>> _mentions("allocation 2001:db8::/52 is too small", "2001:db8::/52")
        True
        >>> _mentions("Input should be 'cisco_ios' or 'eos'", "cisco")
        False
    """
    edge = r"[\w:/.-]"
    return re.search(rf"(?<!{edge}){re.escape(text)}(?!{edge})", message) is not None


def _explain(err: Any, path: PathKey) -> tuple[str, str]:
    """Message and hint for one pydantic error at ``path``."""
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required field missing", ""
    if kind == "extra_forbidden":
        known = _fields_of(_type_at(path[:-1])) or _all_field_names()
        close = difflib.get_close_matches(str(path[-1]), known, n=1) if path else []
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(known)}"
        return "unknown field", hint
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == models.NAME_PATTERN:
        hint = f"e.g. {suggest_name(value)!r}" if isinstance(value, str) else ""
        return (
            f"{_describe(value)} is not a valid name: use lowercase letters, digits and '-' "
            "(at most 63, not starting with '-')",
            hint if hint != "e.g. ''" else "",
        )
    message = str(err["msg"]).removeprefix("Value error, ")
    hint = ""
    if kind == "string_pattern_mismatch" and path and path[-1] == "commune_code":
        message = "a commune code is the 5-digit official code"
        hint = "write all five digits, leading zeros included, e.g. '00004'"
    elif kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        hint = f"quote it: '{value}' (unquoted digits are read as a number)"
    elif kind == "literal_error" and isinstance(value, str):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else ""
    elif kind.startswith("ip_") and kind.endswith("network") and isinstance(value, str):
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            pass
        else:
            hint = f"host bits are set; the network is {network}"
    if value is not None and not _mentions(message, str(value)):
        message += f"; got {_describe(value)}"
    return message, hint


def _pydantic_problems(
    exc: ValidationError, data: dict[str, Any], locations: dict[PathKey, Location]
) -> list[Problem]:
    found: dict[PathKey, list[tuple[str, str]]] = {}
    for err in exc.errors(include_url=False):
        loc: list[str | int] = []
        node: Any = data
        parts = list(err["loc"])
        for index, part in enumerate(parts):
            in_dict = isinstance(node, dict) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
            if in_dict or in_list:
                node = node[part]
                loc.append(part)
                continue
            if err["type"] == "extra_forbidden" and index == len(parts) - 1:
                loc.append(part)
                break
            # Past the written data (a missing field, a "host:iface" shorthand): keep the
            # schema's field names, drop pydantic's internal union labels.
            if _type_at((*loc, part)) is None:
                break
            loc.append(part)
        path = tuple(loc)
        explained = _explain(err, path)
        if explained not in found.setdefault(path, []):
            found[path].append(explained)
    problems: list[Problem] = []
    for path, answers in found.items():
        message, hint = answers[0]
        for other, other_hint in answers[1:]:
            # A union (IPv4 or IPv6 address): one problem listing each alternative.
            message = message.split("; got ")[0] + " or " + other.removeprefix("Input is not ")
            hint = hint or other_hint
        problems.append(problem_at(locations, path, message, hint))
    return problems


def _all_field_names() -> list[str]:
    names: set[str] = set()
    for obj in vars(models).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(_fields_of(obj))
    return sorted(names)


def _check_problems(sot: models.SoT, locations: dict[PathKey, Location]) -> list[Problem]:
    problems: list[Problem] = []
    for finding in checks.check(sot):
        message = finding.message
        if finding.also is not None:
            other = locate(locations, finding.also)
            where = f"{other.file}:{other.line}" if other else "?"
            message += f" (also at {format_path(finding.also)}, {where})"
        problems.append(problem_at(locations, finding.path, message, finding.hint))
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
    problems = _check_problems(sot, locations)
    if problems:
        raise InputError(problems)
    return LoadedSoT(sot=sot, directory=directory, files=files, locations=locations)
