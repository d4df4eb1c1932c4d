"""Read YAML safely and remember where every value came from.

The loader returns plain Python data plus a map from each value's path
(``("sites", 3, "devices", 0, "hostname")``) to its file and line, so that every
later error can name the file, the line and the field.

Hostile or broken input never gets a traceback: oversized files, binary files,
non-UTF-8 text, YAML syntax errors, duplicate keys, nesting bombs and alias
("billion laughs") bombs all become :class:`~netauto.errors.InputError`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netauto.errors import InputError, Problem
from netauto.sot.source import Location, PathKey

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Largest YAML file netauto reads (a whole-country SoT is a few MB)."""
MAX_DEPTH = 64
"""Deepest nesting accepted; a real SoT needs fewer than ten levels."""
DEPTH_HINT = "a source of truth needs fewer than ten levels; is this the right file?"
MAX_NODES = 1_000_000
"""Most values one file may expand to once aliases are followed (a whole-country SoT
file holds about 100,000)."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def format_path(path: PathKey) -> str:
    """Render a data path the way a user reads it.

    Examples:
        >>> format_path(("sites", 3, "devices", 0, "hostname"))
        'sites[3].devices[0].hostname'
        >>> format_path(())
        ''
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class YamlDocument:
    """The data of one YAML file and the location of each value in it."""

    file: Path
    data: Any
    locations: dict[PathKey, Location]


def _fail(file: Path, message: str, line: int | None = None, hint: str = "") -> InputError:
    return InputError(Problem(file, line, "", message, hint))


def _too_big(file: Path, size: int) -> InputError:
    return _fail(
        file,
        f"file is {size / (1024 * 1024):.1f} MiB; files larger than "
        f"{MAX_FILE_BYTES // (1024 * 1024)} MiB are refused",
        hint="split the source of truth into several files (e.g. one per hub)",
    )


def _decode(file: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise _fail(file, "binary file (contains a NUL byte), expected UTF-8 YAML text", line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _fail(
            file,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            line,
            "save the file as UTF-8; Vietnamese names must stay in UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _unclosed_quote(lines: list[str]) -> int | None:
    """The 1-based line of the first double quote that is not closed on its own line.

    A runaway quoted string is reported by the parser lines later, where it finally ends.

    Examples:
        >>> _unclosed_quote(['a: "ok"', 'name: "Trung tâm', 'b: 1'])
        2
        >>> _unclosed_quote(['a: "x"  # "', "b: 'it''s'"]) is None
        True
    """
    for number, text in enumerate(lines, start=1):
        body = text.replace('\\"', "").split(" #")[0]
        if body.lstrip().startswith("#"):
            continue
        if body.count('"') % 2:
            return number
    return None


def _syntax_error(file: Path, text: str, exc: yaml.MarkedYAMLError) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    what = " ".join(x for x in (exc.context, exc.problem) if x)
    hint = "check the indentation and the quotes on this line and the one before"
    lines = text.splitlines()
    opened = _unclosed_quote(lines[: line or 0])
    if "nesting depth" in what:  # PyYAML 6.0.4+ refuses deep nesting before MAX_DEPTH does
        hint = DEPTH_HINT
    elif line is not None and 0 < line <= len(lines) and "\t" in lines[line - 1]:
        hint = "YAML forbids tabs for indentation: indent with spaces"
    elif opened is not None and opened < (line or 0):
        hint = f"the quote opened on line {opened} is never closed"
    return _fail(file, f"YAML syntax error: {what}", line, hint)


class _Frame:
    """An open mapping or sequence while the event stream is read."""

    __slots__ = ("anchor", "key", "line", "locs", "path", "size", "value")

    def __init__(self, value: Any, path: PathKey, anchor: str | None, line: int) -> None:
        self.value = value
        self.line = line
        self.path = path
        self.anchor = anchor
        self.size = 1
        """Values in this collection so far, itself included (aliases expanded)."""
        self.key: Any = _NO_KEY
        self.locs: list[PathKey] | None = [] if anchor is not None else None
        """Paths recorded inside an anchored collection (to copy them for its aliases)."""


_NO_KEY = object()
_STR = "tag:yaml.org,2002:str"


def _events_to_data(file: Path, text: str) -> tuple[Any, dict[PathKey, Location], int]:
    """One pass over libyaml's event stream: data, locations and the number of documents.

    This does what composing the node graph and walking it did, in one pass and without
    the composer's recursion (libyaml's composer crashes on very deep input): depth and
    expanded size (alias bombs) are checked as the events come, with the line at fault;
    tags, merge keys, boolean or structured keys and duplicate keys are refused.
    """
    constructor = yaml.SafeLoader("")
    resolve: Callable[..., str] = constructor.resolve
    resolved: dict[tuple[str, tuple[bool, bool]], str] = {}
    """Tag of each untagged scalar text seen so far: keys and enum-like values repeat (a
    237-router SoT has 9,900 scalars and 1,500 distinct texts)."""
    locations: dict[PathKey, Location] = {}
    anchors: dict[str, tuple[Any, int, list[tuple[PathKey, Location]], int]] = {}
    """Finished anchors: value, expanded size, locations relative to it, line."""
    open_anchors: dict[str, int] = {}
    stack: list[_Frame] = []
    anchored: list[list[PathKey]] = []
    """The ``locs`` of the open collections that have an anchor (usually none)."""
    documents = 0
    second_line: int | None = None
    total = 0
    result: Any = None
    loc_cls = Location

    def fail(message: str, line: int | None, hint: str = "") -> InputError:
        return _fail(file, message, line, hint)

    def record(path: PathKey, where: Location) -> None:
        locations[path] = where
        for locs in anchored:
            locs.append(path)

    def place(value: Any, line: int, column: int, size: int) -> PathKey | None:
        """Attach a finished value to its parent; the path it got (None: it was a key)."""
        nonlocal result
        if not stack:
            if documents == 1:
                result = value
            return ()
        parent = stack[-1]
        parent.size += size
        if isinstance(parent.value, list):
            path = (*parent.path, len(parent.value))
            parent.value.append(value)
            return path
        if parent.key is _NO_KEY:  # ``value`` is a key
            if isinstance(value, bool):
                raise fail(f"key {value!r} reads as the boolean {value}", line, "quote it")
            if not isinstance(value, str | int):
                raise fail(
                    f"mapping keys must be text or numbers, got {type(value).__name__}", line
                )
            if value in parent.value:
                first = locations.get((*parent.path, value))
                raise InputError(
                    Problem(
                        file,
                        line,
                        format_path((*parent.path, value)),
                        f"duplicate key (first defined on line {first.line if first else '?'})",
                    )
                )
            parent.key = value
            return None
        path = (*parent.path, parent.key)
        parent.value[parent.key] = value
        parent.key = _NO_KEY
        return path

    def new_anchor(name: str, line: int) -> None:
        first = anchors[name][3] if name in anchors else open_anchors.get(name)
        if first is not None:
            raise fail(
                f"YAML anchor &{name} is defined twice (first on line {first})",
                line,
                "an anchor name is defined once per document: rename one",
            )

    def count(values: int, line: int) -> None:
        nonlocal total
        total += values
        if total > MAX_NODES:
            raise fail(
                f"YAML expands to more than {MAX_NODES:,} values (an alias bomb?)",
                line,
                "anchors and aliases are fine, but not nested to blow up the document",
            )

    def child_path() -> PathKey:
        if not stack:
            return ()
        parent = stack[-1]
        if isinstance(parent.value, list):
            return (*parent.path, len(parent.value))
        if parent.key is _NO_KEY:
            return (*parent.path, "<key>")
        return (*parent.path, parent.key)

    parser = _Loader(text)
    try:
        # ``yaml.parse`` without its generator: the parser's own calls, one per event.
        events: Iterator[Any] = iter(parser.get_event, None)
        for event in events:
            kind = type(event)
            if documents == 2 and second_line is None and event.start_mark is not None:
                second_line = event.start_mark.line + 1  # where the second document's data is
            if kind is yaml.ScalarEvent:
                mark = event.start_mark
                line = mark.line + 1
                tag = event.tag
                if tag is None or tag == "!":
                    text_key = (event.value, event.implicit)
                    tag = resolved.get(text_key)
                    if tag is None:
                        tag = resolved[text_key] = resolve(yaml.ScalarNode, *text_key)
                if (
                    tag == "tag:yaml.org,2002:merge"
                    and stack
                    and isinstance(stack[-1].value, dict)
                    and stack[-1].key is _NO_KEY
                ):
                    raise fail(
                        "YAML merge keys (<<) are not supported in the source of truth",
                        line,
                        "write the fields out, or use an alias for a whole value",
                    )
                try:
                    if tag == _STR:  # most SoT values: the text is the value
                        value = event.value
                    else:
                        node = yaml.ScalarNode(tag, event.value, mark, event.end_mark, event.style)
                        value = constructor.construct_object(node, deep=True)
                except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                    raise fail(
                        f"bad value: {problem}", line, "quote the value if it is meant as text"
                    ) from None
                except AttributeError:  # PyYAML's reply to an explicit tag it cannot read
                    problem = f"{event.value!r} is not a {tag.rsplit(':', 1)[-1]}"
                    raise fail(
                        f"bad value: {problem}", line, "quote the value if it is meant as text"
                    ) from None
                if (
                    isinstance(value, bool)
                    and stack
                    and stack[-1].key is _NO_KEY
                    and isinstance(stack[-1].value, dict)
                ):
                    raise fail(
                        f"key {event.value!r} reads as the boolean {value}",
                        line,
                        f"quote it: '{event.value}'",
                    )
                count(1, line)
                where = loc_cls(file, line, mark.column + 1)
                path = place(value, line, mark.column + 1, 1)
                if path is not None:
                    record(path, where)
                if event.anchor is not None:
                    new_anchor(event.anchor, line)
                    anchors[event.anchor] = (value, 1, [((), where)], line)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mark = event.start_mark
                line = mark.line + 1
                if len(stack) >= MAX_DEPTH:
                    raise fail(
                        f"YAML nested deeper than {MAX_DEPTH} levels",
                        line,
                        DEPTH_HINT,
                    )
                plain = (
                    "tag:yaml.org,2002:map"
                    if kind is yaml.MappingStartEvent
                    else ("tag:yaml.org,2002:seq")
                )
                if event.tag not in (None, "!", plain):
                    raise fail(
                        f"YAML tag {event.tag!r} is not allowed in the source of truth",
                        line,
                        "remove the `!` tag: the SoT is plain mappings, lists and values",
                    )
                count(1, line)
                path = child_path()
                where = loc_cls(file, line, mark.column + 1)
                record(path, where)
                if event.anchor is not None:
                    new_anchor(event.anchor, line)
                    open_anchors[event.anchor] = line
                value = {} if kind is yaml.MappingStartEvent else []
                frame = _Frame(value, path, event.anchor, line)
                stack.append(frame)
                if frame.locs is not None:
                    anchored.append(frame.locs)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                line = frame.line
                parent_size_before = frame.size
                if frame.anchor is not None:
                    anchored.pop()
                    start = len(frame.path)
                    rel: list[tuple[PathKey, Location]] = [((), locations[frame.path])]
                    rel += [(p[start:], locations[p]) for p in frame.locs or []]
                    anchors[frame.anchor] = (frame.value, frame.size, rel, line)
                    del open_anchors[frame.anchor]
                if stack:
                    stack[-1].size += parent_size_before
                    parent = stack[-1]
                    if isinstance(parent.value, list):
                        parent.value.append(frame.value)
                    elif parent.key is _NO_KEY:  # refused once read (depth is checked first)
                        what = type(frame.value).__name__
                        raise fail(f"mapping keys must be text or numbers, got {what}", line)
                    else:
                        parent.value[parent.key] = frame.value
                        parent.key = _NO_KEY
                elif documents == 1:
                    result = frame.value
            elif kind is yaml.AliasEvent:
                line = event.start_mark.line + 1
                anchor = event.anchor
                if anchor not in anchors:
                    raise fail(
                        f"alias *{anchor} refers to an anchor that is not complete yet "
                        "(recursive) or not defined",
                        line,
                        "define `&name` before using `*name`, outside the value it names",
                    )
                value, size, rel, _ = anchors[anchor]
                count(size, line)
                copied = copy.deepcopy(value)
                path = place(copied, line, event.start_mark.column + 1, size)
                if path is not None:
                    for sub, where in rel:
                        record((*path, *sub), where)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
            elif kind is yaml.DocumentEndEvent:
                anchors.clear()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(file, text, exc) from None
    except yaml.YAMLError as exc:
        raise _fail(file, f"YAML error: {exc}") from None
    finally:
        parser.dispose()
    if documents > 1:
        raise fail(
            f"{documents} YAML documents in one file; expected one",
            second_line,
            "remove the '---' separator or split the file",
        )
    return result, locations, documents


def parse_yaml(file: Path, raw: bytes) -> YamlDocument:
    """Parse one YAML file's bytes into data and locations.

    Examples:
        >>> doc = parse_yaml(Path("x.yml"), b"sites:\\n  - site_id: 7\\n    name: A\\n")
        >>> doc.data
        {'sites': [{'site_id': 7, 'name': 'A'}]}
        >>> doc.locations[("sites", 0, "name")].line
        3
    """
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(file, len(raw))
    text = _decode(file, raw)
    data, locations, documents = _events_to_data(file, text)
    if not documents:
        return YamlDocument(file, None, {})
    return YamlDocument(file, data, locations)


def read_yaml(file: Path) -> YamlDocument:
    """Read and parse one YAML file (see :func:`parse_yaml`)."""
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(file, size)
        raw = file.read_bytes()
    except OSError as exc:
        raise _fail(file, f"cannot read: {exc.strerror}") from None
    return parse_yaml(file, raw)
