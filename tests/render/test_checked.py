"""Rendering and checking: FRR's parser streamed, staging published only when clean."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.plan import sot_and_plan
from netauto.render.checked import render_checked
from netauto.render.engine import default_template_dir
from netauto.render.frrsyntax import check_frr_syntax, start_syntax_run, vtysh_path
from tests.conftest import EXAMPLE, CliResult

Cli = Callable[..., CliResult]


def test_a_template_error_is_raised_with_file_and_line_and_vtysh_is_waited_for(
    tmp_path: Path,
) -> None:
    loaded, plan = sot_and_plan(EXAMPLE)
    last = plan.devices[-1].hostname
    templates = tmp_path / "templates"
    shutil.copytree(default_template_dir(), templates)
    base = templates / "frr" / "base.j2"
    lines = base.read_text().splitlines(keepends=True)
    lines.insert(0, f'{{% if d.hostname == "{last}" %}}{{{{ d.no_such_field }}}}{{% endif %}}\n')
    base.write_text("".join(lines))
    run = start_syntax_run()
    with pytest.raises(InputError) as info:
        render_checked(loaded.sot, plan, template_dir=templates, syntax=run)
    assert run is None or run.process.returncode is not None  # not left running
    problem = info.value.problems[0]
    assert str(problem.file).endswith("frr/base.j2") and problem.line == 1
    assert "no_such_field" in problem.message


def _wrong_address_templates(tmp_path: Path, host: str) -> Path:
    """Templates that give ``host`` one address the plan does not have (an offline error)."""
    templates = tmp_path / "templates"
    shutil.copytree(default_template_dir(), templates)
    base = templates / "frr" / "base.j2"
    base.write_text(
        f'{{% if d.hostname == "{host}" %}}interface stray\n ip address 192.0.2.1/32\n'
        "{% endif %}\n" + base.read_text()
    )
    return templates


def test_failed_checks_publish_nothing(cli: Cli, tmp_path: Path) -> None:
    _, plan = sot_and_plan(EXAMPLE)
    templates = _wrong_address_templates(tmp_path, plan.devices[-1].hostname)
    out = tmp_path / "out" / "configs"
    result = cli("-i", EXAMPLE, "render", "-q", "-o", out, "--templates", templates)
    assert result.code == 1 and "nothing written" in result.err
    assert not out.exists() and list((tmp_path / "out").iterdir()) == []  # no staging left
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    result = cli("-i", EXAMPLE, "render", "-q", "-o", out, "--templates", templates)
    assert result.code == 1 and sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_render_into_an_existing_directory_replaces_files_and_keeps_their_mode(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "configs"
    assert cli("-i", EXAMPLE, "render", "-q", "-o", out).code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    host = next(iter(sorted(first)))
    (out / host).write_text("edited by hand\n")
    (out / host).chmod(0o600)
    (out / "keep.txt").write_text("mine\n")
    assert cli("-i", EXAMPLE, "render", "-q", "-o", out).code == 0
    assert (out / host).read_bytes() == first[host] and (out / host).stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in out.iterdir()) == sorted([*first, "keep.txt"])
    assert [p.name for p in tmp_path.iterdir()] == ["configs"]  # the staging directory is gone


def test_compiled_templates_are_kept_per_user_and_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netauto.render import engine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    loaded, plan = sot_and_plan(EXAMPLE)
    engine.environment.cache_clear()
    try:
        first, _ = render_checked(loaded.sot, plan)
        cache_dir = tmp_path / "xdg" / "netauto" / "templates"
        assert cache_dir.stat().st_mode & 0o777 == 0o700 and any(cache_dir.iterdir())
        engine.environment.cache_clear()  # a new run: templates come from the cache
        second, _ = render_checked(loaded.sot, plan)
        assert [f.text for c in first for f in c.files()] == [
            f.text for c in second for f in c.files()
        ]
        cache_dir.chmod(0o777)  # writable by others: not trusted, not used
        assert engine.template_cache_dir() is None
    finally:
        engine.environment.cache_clear()


def test_the_template_cache_keeps_its_newest_entries_when_it_grows_too_big(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netauto.render import engine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    directory = tmp_path / "netauto" / "templates"
    directory.mkdir(parents=True, mode=0o700)
    for n in range(engine.TEMPLATE_CACHE_MAX + 1):
        entry = directory / f"__jinja2_{n:04d}.cache"
        entry.write_text("x")
        os.utime(entry, ns=(n * 10**9, n * 10**9))
    assert engine.template_cache_dir() == directory
    kept = sorted(p.name for p in directory.iterdir())
    assert len(kept) == engine.TEMPLATE_CACHE_MAX // 2
    assert kept[-1] == f"__jinja2_{engine.TEMPLATE_CACHE_MAX:04d}.cache"  # the newest stays


def _frr_rejected_templates(tmp_path: Path, hosts: list[str]) -> Path:
    """Templates that give each of ``hosts`` one line FRR's parser rejects."""
    templates = tmp_path / "templates"
    shutil.copytree(default_template_dir(), templates)
    base = templates / "frr" / "base.j2"
    names = ", ".join(f'"{h}"' for h in hosts)
    base.write_text(
        base.read_text() + f"{{% if d.hostname in [{names}] %}}ip frobnicate\n{{% endif %}}\n"
    )
    return templates


@pytest.mark.lab
@pytest.mark.skipif(vtysh_path() is None, reason="FRR (vtysh) is not installed")
def test_frr_parser_findings_map_to_their_configs_streamed_or_fed_at_once(tmp_path: Path) -> None:
    loaded, plan = sot_and_plan(EXAMPLE)
    frr = [d.hostname for d in plan.devices if d.platform == "frr"]
    bad = [frr[0], frr[-1]]
    templates = _frr_rejected_templates(tmp_path, bad)
    rendered, findings = render_checked(loaded.sot, plan, template_dir=templates)
    syntax = [f for f in findings if f.check == "syntax"]
    assert [f.hostname for f in syntax] == bad
    assert all("ip frobnicate" in f.message and ".conf:" in f.message for f in syntax)
    assert check_frr_syntax(rendered) == syntax  # the whole batch at once: the same findings


def test_a_vtysh_run_with_nothing_to_parse_is_closed_and_waited_for() -> None:
    loaded, plan = sot_and_plan(EXAMPLE)
    run = start_syntax_run()
    vm = plan.vms[0].name  # a VM: nothing for FRR's parser
    rendered, findings = render_checked(loaded.sot, plan, hosts=[vm], syntax=run)
    assert [c.hostname for c in rendered] == [vm] and findings == []
    assert run is None or run.process.returncode is not None  # none left running


def test_files_of_hosts_no_longer_planned_are_named_not_deleted(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "configs"
    first = cli("-i", EXAMPLE, "render", "-q", "-o", out)
    assert first.code == 0 and "not from this render" not in first.err  # a new directory
    (out / "gone-r1.conf").write_text("old\n")
    (out / "notes.txt").write_text("mine\n")
    again = cli("-i", EXAMPLE, "render", "-q", "-o", out)
    assert again.code == 0
    assert "warning: 1 files in" in again.err and "gone-r1.conf" in again.err
    assert (out / "gone-r1.conf").exists()  # the user decides
    _, plan = sot_and_plan(EXAMPLE)
    one = cli("-i", EXAMPLE, "render", "-q", "-o", out, "--host", plan.devices[0].hostname)
    assert one.code == 0 and "not from this render" not in one.err  # a filtered run
