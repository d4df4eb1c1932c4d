"""FRR's own parser as an offline check: ``vtysh --dryrun -f FILE``.

``--dryrun`` parses a configuration with every daemon's command tables and needs no
running daemon. All FRR configs are checked in one vtysh run: they are concatenated into
one temporary file (the trailing ``end`` of each dropped) and every error line vtysh
reports is mapped back to its config and line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from netauto.render.models import Finding, RenderedConfig

VTYSH = "vtysh"
_ERROR = re.compile(r"line (\d+): (.*)")


def vtysh_path() -> str | None:
    """Where ``vtysh`` is, or None when FRR is not installed."""
    return shutil.which(VTYSH) or ("/usr/bin/vtysh" if Path("/usr/bin/vtysh").exists() else None)


def _body(text: str) -> list[str]:
    lines = text.splitlines()
    while lines and lines[-1].strip() in ("end", ""):
        lines.pop()
    return lines


def check_frr_syntax(rendered: list[RenderedConfig], vtysh: str | None = None) -> list[Finding]:
    """Findings for every line FRR's parser rejects (empty if FRR is not installed)."""
    configs = [r for r in rendered if r.platform == "frr" and r.kind == "device"]
    vtysh = vtysh or vtysh_path()
    if not configs or vtysh is None:
        return []
    spans: list[tuple[int, RenderedConfig]] = []
    lines: list[str] = []
    for config in configs:
        spans.append((len(lines), config))
        lines += _body(config.text)
    with tempfile.TemporaryDirectory(prefix="netauto-frr-") as tmp:
        path = Path(tmp) / "all.conf"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = subprocess.run(
            [vtysh, "--dryrun", "-f", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    output = result.stdout + result.stderr
    found: list[Finding] = []
    for match in _ERROR.finditer(output):
        number, message = int(match.group(1)), match.group(2).strip()
        start, config = next((s, c) for s, c in reversed(spans) if s < number)
        line = number - start
        text = lines[number - 1].strip() if number <= len(lines) else ""
        found.append(
            Finding(
                hostname=config.hostname,
                check="syntax",
                message=f"{config.filename}:{line}: FRR rejects {text!r}: {message}",
            )
        )
    if result.returncode != 0 and not found:
        found.append(
            Finding(
                hostname=configs[0].hostname,
                check="syntax",
                message=f"vtysh --dryrun failed (exit {result.returncode}): {output.strip()}",
            )
        )
    return found
