"""The ``imported`` section as a file: deterministic YAML, where it goes, and its diff.

The section is written where the SoT already keeps it (the file that has ``imported:``),
else as ``imported.yml`` in the inventory directory. A file of its own is written whole; a
file that also holds other sections gets only its ``imported:`` block replaced, and the
result is read back to make sure nothing else in it changed. The text depends only on the
section (no time stamps), so importing an unchanged network changes nothing.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from netauto.errors import InputError, Problem
from netauto.sot.models import Imported
from netauto.sot.source import LoadedSoT

FILE_NAME = "imported.yml"
HEADER_MARK = "# The running network as `netauto import` found it"
_SECTION = re.compile(r"""^(imported|"imported"|'imported')\s*:""")


def header(source: str) -> str:
    """The comment that opens the section.

    Examples:
        >>> print(header("saved configurations in configs/"))  # doctest: +NORMALIZE_WHITESPACE
        # The running network as `netauto import` found it (written by `netauto import`).
        # Source: saved configurations in configs/.
        # Review it with `git diff` before you commit it: `netauto plan` keeps every address
        # here, and the legacy configuration is kept as it runs. Re-run `netauto import`
        # rather than editing it by hand.
    """
    return (
        f"{HEADER_MARK} (written by `netauto import`).\n"
        f"# Source: {' '.join(source.split()) or 'unknown'}.\n"
        "# Review it with `git diff` before you commit it: `netauto plan` keeps every address\n"
        "# here, and the legacy configuration is kept as it runs. Re-run `netauto import`\n"
        "# rather than editing it by hand.\n"
    )


class _Flow(dict[str, Any]):
    """A mapping written on one line (``{a: 1, b: 2}``)."""


class _FlowList(list[Any]):
    """A list written on one line (``[a, b]``)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True)
)
_Dumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def _shaped(imported: Imported) -> dict[str, Any]:
    """The section's data with one line per interface, route, filter entry and link."""
    data = imported.model_dump(mode="json", exclude_defaults=True)
    for device in data.get("devices", {}).values():
        for key in ("interfaces", "static_routes"):
            if key in device:
                device[key] = [_flow(item) for item in device[key]]
        for item in device.get("filters", []):
            item["entries"] = [_Flow(entry) for entry in item["entries"]]
        ospf = device.get("ospf")
        if ospf is not None:
            if "redistribute" in ospf:
                ospf["redistribute"] = _FlowList(ospf["redistribute"])
            if "distribute_lists" in ospf:
                ospf["distribute_lists"] = [_Flow(d) for d in ospf["distribute_lists"]]
    if "links" in data:
        data["links"] = {key: _Flow(ends) for key, ends in data["links"].items()}
    return data


def _flow(item: dict[str, Any]) -> _Flow:
    return _Flow({k: _FlowList(v) if isinstance(v, list) else v for k, v in item.items()})


def section_text(imported: Imported) -> str:
    """The section as YAML, with its header comment.

    Examples:
        >>> print(section_text(Imported.model_validate({"source": "lab",
        ...     "devices": {"r1": {"loopback": "10.0.0.1/32", "interfaces": [
        ...         {"name": "eth4", "description": "spare", "shutdown": True}]}},
        ...     "links": {"l1": {"a": "10.1.0.1/30", "b": "10.1.0.2/30"}},
        ...     "lans": {"dc/services": "10.2.0.1/24"}})).split("\\n", 5)[-1])
        imported:
          source: lab
          devices:
            r1:
              loopback: 10.0.0.1/32
              interfaces:
              - {name: eth4, description: spare, shutdown: true}
          links:
            l1: {a: 10.1.0.1/30, b: 10.1.0.2/30}
          lans:
            dc/services: 10.2.0.1/24
        <BLANKLINE>
    """
    body = yaml.dump(
        {"imported": _shaped(imported)},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )
    return header(imported.source) + body


def target_file(loaded: LoadedSoT) -> Path:
    """The file the section is written to: where the SoT keeps it, else ``imported.yml``
    beside the SoT (or the SoT's one file, when it is a single file)."""
    where = loaded.where(("imported",))
    if where is not None and ("imported",) in loaded.locations:
        return Path(where.file)
    if loaded.directory.is_file():
        return loaded.directory
    return loaded.directory / FILE_NAME


def updated_text(path: Path, old: str | None, section: str) -> str:
    """The text of ``path`` with ``section`` as its ``imported:`` section.

    Raises:
        InputError: the file holds other sections and its ``imported:`` block could not be
            replaced on its own.
    """
    if old is None or not old.strip():
        return section
    try:
        before = yaml.safe_load(old)
    except yaml.YAMLError:
        before = None
    if not isinstance(before, dict):
        raise _cannot_splice(path, "it is not a mapping of sections")
    if set(before) <= {"imported"}:
        return section
    new = splice(old, section)
    try:
        after = yaml.safe_load(new)
    except yaml.YAMLError:
        after = None
    wanted = yaml.safe_load(section)
    others = {k: v for k, v in before.items() if k != "imported"}
    if (
        not isinstance(after, dict)
        or after.get("imported") != wanted["imported"]
        or ({k: v for k, v in after.items() if k != "imported"} != others)
    ):
        raise _cannot_splice(path, "its imported: block is not a plain top-level block")
    return new


def splice(old: str, section: str) -> str:
    """``old`` with its top-level ``imported:`` block (and the header comment above it)
    replaced by ``section``; ``section`` appended when there is none.

    Examples:
        >>> old = ("province: {name: P, code: 96}\\nimported:\\n  source: x\\n\\n"
        ...        "# links\\nlinks: []\\n")
        >>> print(splice(old, "imported:\\n  source: y\\n"), end="")
        province: {name: P, code: 96}
        imported:
          source: y
        <BLANKLINE>
        # links
        links: []
    """
    lines = old.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if _SECTION.match(line)), None)
    if start is None:
        gap = "" if not lines or lines[-1].strip() == "" else "\n"
        return "".join(lines) + gap + section
    end = start + 1
    while end < len(lines) and (
        lines[end][:1] in (" ", "\t", "#", "\n", "\r", "-") or not lines[end].strip()
    ):
        end += 1
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    top = start
    while top > 0 and lines[top - 1].startswith("#"):
        top -= 1
    if top < start and lines[top].startswith(HEADER_MARK):
        start = top
    return "".join(lines[:start]) + section + "".join(lines[end:])


def _cannot_splice(path: Path, why: str) -> InputError:
    return InputError(
        Problem(
            path,
            None,
            "imported",
            f"cannot replace the imported section of this file: {why}",
            f"move the imported: section into a file of its own (e.g. {FILE_NAME})",
        )
    )


def diff(path: Path, old: str | None, new: str) -> str:
    """A unified diff of ``path`` from ``old`` (None: a new file) to ``new``, as git shows it.

    Examples:
        >>> print(diff(Path("inv/imported.yml"), "a\\nb\\n", "a\\nc\\n"), end="")
        --- a/inv/imported.yml
        +++ b/inv/imported.yml
        @@ -1,2 +1,2 @@
         a
        -b
        +c
        >>> diff(Path("x.yml"), "same\\n", "same\\n")
        ''
    """
    before = (old or "").splitlines(keepends=True)
    after = new.splitlines(keepends=True)
    label = path.as_posix().lstrip("/")
    return "".join(
        difflib.unified_diff(
            before, after, "/dev/null" if old is None else f"a/{label}", f"b/{label}"
        )
    )
