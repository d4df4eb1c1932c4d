"""Rendering on two cores gives exactly what one core gives, errors included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.plan import sot_and_plan
from netauto.render.engine import default_template_dir
from netauto.render.parallel import MIN_PARALLEL, render_checked
from tests.conftest import EXAMPLE


def test_two_processes_render_the_same_bytes_and_findings_as_one() -> None:
    loaded, plan = sot_and_plan(EXAMPLE)
    assert len(plan.devices) >= MIN_PARALLEL  # the example is big enough to fork
    serial, serial_findings = render_checked(loaded.sot, plan, workers=1)
    forked, forked_findings = render_checked(loaded.sot, plan, workers=2)
    assert [c.hostname for c in forked] == [c.hostname for c in serial]
    assert [f.text for c in forked for f in c.files()] == [
        f.text for c in serial for f in c.files()
    ]
    assert forked_findings == serial_findings


def test_a_template_error_in_the_forked_half_is_raised_with_file_and_line(
    tmp_path: Path,
) -> None:
    loaded, plan = sot_and_plan(EXAMPLE)
    last = plan.devices[-1].hostname  # rendered by the child
    templates = tmp_path / "templates"
    shutil.copytree(default_template_dir(), templates)
    base = templates / "frr" / "base.j2"
    lines = base.read_text().splitlines(keepends=True)
    lines.insert(0, f'{{% if d.hostname == "{last}" %}}{{{{ d.no_such_field }}}}{{% endif %}}\n')
    base.write_text("".join(lines))
    with pytest.raises(InputError) as info:
        render_checked(loaded.sot, plan, template_dir=templates, workers=2)
    problem = info.value.problems[0]
    assert str(problem.file).endswith("frr/base.j2") and problem.line == 1
    assert "no_such_field" in problem.message
