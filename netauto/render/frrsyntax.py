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


class SyntaxRun:
    """A ``vtysh --dryrun`` started in the background; :meth:`findings` waits for it.

    Rendering checks run in Python meanwhile, so FRR's parser costs no wall time on a
    machine with a second core.
    """

    def __init__(self, configs: list[RenderedConfig], vtysh: str) -> None:
        self.spans: list[tuple[int, RenderedConfig]] = []
        self.lines: list[str] = []
        for config in configs:
            self.spans.append((len(self.lines), config))
            self.lines += _body(config.text)
        self.configs = configs
        self.tmp = tempfile.TemporaryDirectory(prefix="netauto-frr-")
        path = Path(self.tmp.name) / "all.conf"
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        self.process = subprocess.Popen(
            [vtysh, "--dryrun", "-f", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def findings(self) -> list[Finding]:
        """Wait for vtysh and map every error it reports to its config and line."""
        try:
            output, _ = self.process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        finally:
            self.tmp.cleanup()
        found: list[Finding] = []
        for match in _ERROR.finditer(output):
            number, message = int(match.group(1)), match.group(2).strip()
            start, config = next((s, c) for s, c in reversed(self.spans) if s < number)
            line = number - start
            text = self.lines[number - 1].strip() if number <= len(self.lines) else ""
            found.append(
                Finding(
                    hostname=config.hostname,
                    check="syntax",
                    message=f"{config.filename}:{line}: FRR rejects {text!r}: {message}",
                )
            )
        if self.process.returncode != 0 and not found:
            found.append(
                Finding(
                    hostname=self.configs[0].hostname,
                    check="syntax",
                    message=f"vtysh --dryrun failed (exit {self.process.returncode}): "
                    f"{output.strip()}",
                )
            )
        return found


def start_frr_syntax(rendered: list[RenderedConfig], vtysh: str | None = None) -> SyntaxRun | None:
    """Start FRR's parser on every FRR config (None if there is none or FRR is missing)."""
    configs = [r for r in rendered if r.platform == "frr" and r.kind == "device"]
    vtysh = vtysh or vtysh_path()
    if not configs or vtysh is None:
        return None
    return SyntaxRun(configs, vtysh)


def check_frr_syntax(rendered: list[RenderedConfig], vtysh: str | None = None) -> list[Finding]:
    """Findings for every line FRR's parser rejects (empty if FRR is not installed)."""
    run = start_frr_syntax(rendered, vtysh)
    return run.findings() if run else []
