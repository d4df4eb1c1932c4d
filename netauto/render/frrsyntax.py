"""FRR's own parser as an offline check: ``vtysh --dryrun``.

``--dryrun`` parses a configuration with every daemon's command tables and needs no
running daemon. vtysh reads the configs from a pipe (``-f /dev/stdin``): the FRR configs of
one batch are sent as one text (the trailing ``end`` of each dropped) and every error line
vtysh reports is mapped back to its config and line.

vtysh builds its command tables before it reads a line, so render starts its processes
(:func:`start_syntax_runs`) before the plan is loaded and feeds them the configs once
rendered (:meth:`SyntaxRun.feed`).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
from collections.abc import Sequence

from netauto import platforms
from netauto.render.models import Finding, RenderedConfig
from netauto.render.vtysh import DryRun, start_dry_run, vtysh_path

__all__ = [
    "SyntaxRun",
    "check_frr_syntax",
    "discard",
    "start_frr_syntax",
    "start_syntax_runs",
    "vtysh_path",
]

_ERROR = re.compile(r"line (\d+): (.*)")


def _body(text: str) -> list[str]:
    lines = text.splitlines()
    while lines and lines[-1].strip() in ("end", ""):
        lines.pop()
    return lines


def frr_configs(rendered: list[RenderedConfig]) -> list[RenderedConfig]:
    """The configs FRR's parser checks: devices whose platform FRR parses (not side files,
    not VMs)."""
    return [r for r in rendered if r.kind == "device" and platforms.get(r.platform).vtysh]


class SyntaxRun:
    """One ``vtysh --dryrun`` started ahead: :meth:`feed` sends it configs, :meth:`findings`
    waits for it.

    After a fork, each process uses its own run and closes the input of the others
    (:meth:`close_input`): vtysh reads until every copy of its input is closed. The
    process that started a run is the one that calls :meth:`findings` (it alone can wait
    for vtysh), after :meth:`expect` when another process fed it.
    """

    def __init__(self, run: DryRun) -> None:
        self.spans: list[tuple[int, RenderedConfig]] = []
        self.lines: list[str] = []
        self.configs: list[RenderedConfig] = []
        self.process = run.process
        self.output = run.output
        self.capacity = run.capacity
        self.writer: threading.Thread | None = None

    def expect(self, rendered: list[RenderedConfig]) -> None:
        """Record which configs this run parses (in order), without sending them."""
        self.configs = frr_configs(rendered)
        self.spans, self.lines = [], []
        for config in self.configs:
            self.spans.append((len(self.lines), config))
            self.lines += _body(config.text)

    def feed(self, rendered: list[RenderedConfig]) -> None:
        """Send the FRR configs of ``rendered`` to vtysh and close its input.

        Returns at once: text that fits in the pipe is written here, more is written by a
        thread while vtysh reads (a plain write would wait for vtysh to parse all but the
        last pipe's worth).
        """
        self.expect(rendered)
        data = ("\n".join(self.lines) + "\n").encode("utf-8") if self.lines else b""
        if len(data) <= self.capacity:
            self._write(data)
        else:
            self.writer = threading.Thread(target=self._write, args=(data,), daemon=True)
            self.writer.start()

    def fed(self) -> None:
        """Wait until everything :meth:`feed` was given is in vtysh's input (and closed)."""
        if self.writer is not None:
            self.writer.join()

    def _write(self, data: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        with contextlib.suppress(BrokenPipeError):  # vtysh died: findings() reports it
            stdin.write(data)
        self.close_input()

    def close_input(self) -> None:
        """Close this process's end of vtysh's input."""
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()

    def findings(self) -> list[Finding]:
        """Wait for vtysh and map every error it reports to its config and line."""
        self.fed()
        self.close_input()
        try:
            self.process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.seek(0)
        output = self.output.read().decode("utf-8", "replace")
        self.output.close()
        if not self.configs:
            return []
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


def start_syntax_runs(count: int, vtysh: str | None = None) -> list[SyntaxRun]:
    """``count`` vtysh processes to be fed later (none if FRR is not installed)."""
    vtysh = vtysh or vtysh_path()
    if vtysh is None:
        return []
    return [SyntaxRun(start_dry_run(vtysh)) for _ in range(count)]


def discard(runs: Sequence[SyntaxRun | None]) -> None:
    """Close and wait for vtysh runs whose findings are not wanted (None entries skipped)."""
    for run in runs:
        if run is not None:
            run.findings()


def start_frr_syntax(rendered: list[RenderedConfig], vtysh: str | None = None) -> SyntaxRun | None:
    """Start FRR's parser on every FRR config (None if there is none or FRR is missing)."""
    if not frr_configs(rendered):
        return None
    runs = start_syntax_runs(1, vtysh)
    if not runs:
        return None
    runs[0].feed(rendered)
    return runs[0]


def check_frr_syntax(rendered: list[RenderedConfig], vtysh: str | None = None) -> list[Finding]:
    """Findings for every line FRR's parser rejects (empty if FRR is not installed)."""
    run = start_frr_syntax(rendered, vtysh)
    return run.findings() if run else []
