"""FRR's own parser as an offline check: ``vtysh --dryrun``.

``--dryrun`` parses a configuration with every daemon's command tables and needs no
running daemon. vtysh reads the configs from a pipe (``-f /dev/stdin``): the FRR configs of
one batch are sent as one text (the trailing ``end`` of each dropped) and every error line
vtysh reports is mapped back to its config and line.

vtysh builds its command tables before it reads a line, so render starts it
(:func:`start_syntax_runs`) before the plan is loaded and streams it every config as soon as
it is rendered (:meth:`SyntaxRun.send`): FRR parses on the second core while Python renders.
"""

from __future__ import annotations

import contextlib
import queue
import re
import subprocess
import threading

from netauto import platforms
from netauto.render.models import Finding, RenderedConfig
from netauto.render.vtysh import DryRun, start_dry_run, vtysh_path

__all__ = [
    "SyntaxRun",
    "check_frr_syntax",
    "discard",
    "start_frr_syntax",
    "start_syntax_run",
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
    """One ``vtysh --dryrun``: :meth:`send` streams it configs as they are rendered (a
    thread writes them to its input, so FRR parses on another core meanwhile),
    :meth:`findings` closes its input and waits for it."""

    def __init__(self, run: DryRun) -> None:
        self.spans: list[tuple[int, RenderedConfig]] = []
        self.lines: list[str] = []
        self.configs: list[RenderedConfig] = []
        self.process = run.process
        self.output = run.output
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._closed = False
        self._writer = threading.Thread(target=self._pump, daemon=True)
        self._writer.start()

    def send(self, config: RenderedConfig) -> None:
        """Queue ``config`` for FRR's parser (only FRR device configs are parsed)."""
        if config.kind != "device" or not platforms.get(config.platform).vtysh:
            return
        body = _body(config.text)
        self.configs.append(config)
        self.spans.append((len(self.lines), config))
        self.lines += body
        if body:
            self._queue.put(("\n".join(body) + "\n").encode("utf-8"))

    def feed(self, rendered: list[RenderedConfig]) -> None:
        """Send every config of ``rendered`` and close vtysh's input."""
        for config in rendered:
            self.send(config)
        self.close()

    def close(self) -> None:
        """No more configs: vtysh's input is closed once everything queued is written."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)

    def _pump(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (data := self._queue.get()) is not None:
                stdin.write(data)
        except BrokenPipeError:  # vtysh died: findings() reports it
            pass
        finally:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()

    def findings(self) -> list[Finding]:
        """Wait for vtysh and map every error it reports to its config and line."""
        self.close()
        self._writer.join()
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


def start_syntax_run(vtysh: str | None = None) -> SyntaxRun | None:
    """A vtysh process to stream configs to (None if FRR is not installed)."""
    vtysh = vtysh or vtysh_path()
    return SyntaxRun(start_dry_run(vtysh)) if vtysh is not None else None


def discard(run: SyntaxRun | None) -> None:
    """Close and wait for a vtysh run whose findings are not wanted."""
    if run is not None:
        run.findings()


def start_frr_syntax(rendered: list[RenderedConfig], vtysh: str | None = None) -> SyntaxRun | None:
    """Start FRR's parser on every FRR config (None if there is none or FRR is missing)."""
    if not frr_configs(rendered):
        return None
    run = start_syntax_run(vtysh)
    if run is not None:
        run.feed(rendered)
    return run


def check_frr_syntax(rendered: list[RenderedConfig], vtysh: str | None = None) -> list[Finding]:
    """Findings for every line FRR's parser rejects (empty if FRR is not installed)."""
    run = start_frr_syntax(rendered, vtysh)
    return run.findings() if run else []
