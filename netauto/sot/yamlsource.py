"""Read YAML safely and remember where every value came from.

The loader returns plain Python data plus a map from each value's path
(``("sites", 3, "devices", 0, "hostname")``) to its file and line, so that every
later error can name the file, the line and the field.

Hostile or broken input never gets a traceback: oversized files, binary files,
non-UTF-8 text, YAML syntax errors, duplicate keys, nesting bombs and alias
("billion laughs") bombs all become :class:`~netauto.errors.InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from netauto.errors import InputError, Problem

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Largest YAML file netauto reads (a whole-country SoT is a few MB)."""
MAX_DEPTH = 64
"""Deepest nesting accepted; a real SoT needs fewer than ten levels."""
MAX_NODES = 1_000_000
"""Most values one file may expand to once aliases are followed (a whole-country SoT
file holds about 100,000)."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
PathKey = tuple[str | int, ...]


class Location(NamedTuple):
    """Where a value was written: file and 1-based line and column.

    A named tuple: a SoT has one per value, and they are made by the ten thousand.
    """

    file: Path
    line: int | None = None
    column: int | None = None


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


def _scan(file: Path, text: str) -> None:
    """Walk the YAML event stream once and refuse hostile structure before composing.

    libyaml's composer recurses once per nesting level and crashes the interpreter on
    very deep input (``[[[[...``, ``- - - - ...``, ``? ? ? ...``), and aliases can expand
    a small file into billions of values. The event parser is a flat state machine, so
    depth and expanded size are measured here, cheaply, with the line of the culprit.
    """
    depth = 0
    total = 0
    """Values seen so far (aliases counted expanded)."""
    sizes: dict[str, int] = {}
    """Expanded size of every finished anchor."""
    frames: list[list[Any]] = [[None, 0]]
    """Open collections: [anchor, values so far]."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _fail(
                        file,
                        f"YAML nested deeper than {MAX_DEPTH} levels",
                        line,
                        "a source of truth needs fewer than ten levels; is this the right file?",
                    )
                frames.append([event.anchor, 1])
                total += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                anchor, size = frames.pop()
                if anchor is not None:
                    sizes[anchor] = size
                frames[-1][1] += size
                continue  # already counted in ``total``
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                frames[-1][1] += 1
                total += 1
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in sizes:
                    raise _fail(
                        file,
                        f"alias *{event.anchor} refers to an anchor that is not complete yet "
                        "(recursive) or not defined",
                        line,
                        "define `&name` before using `*name`, outside the value it names",
                    )
                frames[-1][1] += sizes[event.anchor]
                total += sizes[event.anchor]
            else:
                continue
            if total > MAX_NODES:
                raise _fail(
                    file,
                    f"YAML expands to more than {MAX_NODES:,} values (an alias bomb?)",
                    line,
                    "anchors and aliases are fine, but not nested to blow up the document",
                )
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(file, text, exc) from None
    except yaml.YAMLError as exc:
        raise _fail(file, f"YAML error: {exc}") from None


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
    if line is not None and 0 < line <= len(lines) and "\t" in lines[line - 1]:
        hint = "YAML forbids tabs for indentation: indent with spaces"
    elif opened is not None and opened < (line or 0):
        hint = f"the quote opened on line {opened} is never closed"
    return _fail(file, f"YAML syntax error: {what}", line, hint)


class _Builder:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.locations: dict[PathKey, Location] = {}
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _fail(
                self.file,
                f"YAML expands to more than {MAX_NODES:,} values (an alias bomb?)",
                node.start_mark.line + 1,
                "anchors and aliases are fine, but not nested to blow up the document",
            )
        if depth > MAX_DEPTH:
            raise _fail(
                self.file, f"YAML nested deeper than {MAX_DEPTH} levels", self.loc(node).line
            )
        self.locations[path] = self.loc(node)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_TAGS:
            raise _fail(
                self.file,
                f"YAML tag {node.tag!r} is not allowed in the source of truth",
                self.loc(node).line,
                "remove the `!` tag: the SoT is plain mappings, lists and values",
            )
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _fail(
                        self.file,
                        "YAML merge keys (<<) are not supported in the source of truth",
                        self.loc(key_node).line,
                        "write the fields out, or use an alias for a whole value",
                    )
                key = self.build(key_node, (*path, "<key>"), depth + 1)
                if isinstance(key, bool):
                    raise _fail(
                        self.file,
                        f"key {key_node.value!r} reads as the boolean {key}",
                        self.loc(key_node).line,
                        f"quote it: '{key_node.value}'",
                    )
                if not isinstance(key, str | int):
                    raise _fail(
                        self.file,
                        f"mapping keys must be text or numbers, got {type(key).__name__}",
                        self.loc(key_node).line,
                    )
                if key in result:
                    first = self.locations.get((*path, key))
                    raise InputError(
                        Problem(
                            self.file,
                            self.loc(key_node).line,
                            format_path((*path, key)),
                            f"duplicate key (first defined on line {first.line if first else '?'})",
                        )
                    )
                result[key] = self.build(value_node, (*path, key), depth + 1)
            self.locations.pop((*path, "<key>"), None)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)
            ]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise _fail(
                self.file,
                f"bad value: {problem}",
                self.loc(node).line,
                "quote the value if it is meant as text",
            ) from None


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
    _scan(file, text)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(file, text, exc) from None
    except yaml.YAMLError as exc:
        raise _fail(file, f"YAML error: {exc}") from None
    if len(nodes) > 1:
        raise _fail(
            file,
            f"{len(nodes)} YAML documents in one file; expected one",
            nodes[1].start_mark.line + 1,
            "remove the '---' separator or split the file",
        )
    if not nodes:
        return YamlDocument(file, None, {})
    builder = _Builder(file)
    data = builder.build(nodes[0], (), 0)
    return YamlDocument(file, data, builder.locations)


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
