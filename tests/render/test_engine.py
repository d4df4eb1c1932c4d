"""The engine's helpers agree with Jinja itself."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.meta
import pytest

from netauto.render.engine import default_template_dir, literal_references, templates_used

SHIPPED = sorted(
    p.relative_to(default_template_dir()).as_posix() for p in default_template_dir().rglob("*.j2")
)


def _parsed(source: str) -> list[str | None]:
    return list(jinja2.meta.find_referenced_templates(jinja2.Environment().parse(source)))


@pytest.mark.parametrize("name", SHIPPED)
def test_references_of_every_shipped_template_are_jinjas(name: str) -> None:
    source = (default_template_dir() / name).read_text(encoding="utf-8")
    assert literal_references(source) == _parsed(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% include "a.j2" ignore missing without context %}',
        "{%- extends 'base.j2' -%}{% block x %}{% endblock %}",
        '{% from "m.j2" import a as b, c %}{# {% include "not.j2" %} #}',
        '{% import "n.j2" as n with context %}{{ n }}',
        '{% for x in y %}{% include "loop.j2" %}{% endfor %}',
    ],
)
def test_literal_references_equal_jinjas(source: str) -> None:
    assert literal_references(source) == _parsed(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% include name %}",
        '{% include "a" ~ suffix %}',
        '{% include ["a.j2", "b.j2"] %}',
        '{% raw %}{% include "x" %}{% endraw %}',
    ],
)
def test_what_a_regular_expression_cannot_read_is_left_to_jinja(source: str) -> None:
    assert literal_references(source) is None


def test_templates_used_falls_back_to_jinjas_parser(tmp_path: Path) -> None:
    (tmp_path / "top.j2").write_text('{% include "fixed.j2" %}{% include name %}')
    (tmp_path / "fixed.j2").write_text('{% raw %}{% include "no.j2" %}{% endraw %}')
    assert templates_used(tmp_path, "top.j2") == ("fixed.j2", "top.j2")


@pytest.mark.parametrize("platform", ["frr", "cisco_ios", "eos", "junos", "huawei_vrp"])
def test_templates_used_lists_the_whole_include_tree(platform: str) -> None:
    used = templates_used(default_template_dir(), f"{platform}/device.j2")
    expected = sorted(
        p.relative_to(default_template_dir()).as_posix()
        for p in (default_template_dir() / platform).glob("*.j2")
        if p.name != "filter.nft.j2"
    )
    assert list(used) == expected
