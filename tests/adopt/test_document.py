"""The imported section as a file: YAML the SoT loader reads back to the same section, the
file it goes to, and a file that holds other sections keeps them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netauto.adopt import document, reconcile
from netauto.adopt.run import without_addresses
from netauto.errors import InputError
from netauto.plan import build_plan
from netauto.sot.loader import load_sot
from netauto.sot.models import Imported
from tests.adopt.test_reconcile import samples
from tests.conftest import TINY


@pytest.fixture
def section() -> Imported:
    sot = load_sot(TINY).sot
    plan = build_plan(without_addresses(sot)).plan
    return reconcile(sot, plan, samples("frr"), source="saved configurations in x").imported


def test_the_yaml_loads_back_as_the_same_section(section: Imported, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(TINY, inventory)
    (inventory / "imported.yml").write_text(document.section_text(section), encoding="utf-8")
    assert load_sot(inventory).sot.imported == section


def test_the_yaml_is_deterministic_and_starts_with_its_header(section: Imported) -> None:
    text = document.section_text(section)
    assert text == document.section_text(Imported.model_validate(section.model_dump()))
    assert text.startswith(document.HEADER_MARK) and "review it with `git diff`" in text.lower()
    assert "# Source: saved configurations in x." in text
    assert "      - {name: eth4, description: spare, shutdown: true}\n" in text
    assert "    l-1001: {a: 172.21.250.5/30, b: 172.21.250.6/30}\n" in text


def test_descriptions_that_look_like_other_yaml_stay_text(tmp_path: Path) -> None:
    tricky = ["yes", "null", "10", "a: b", "- x", "#hash", "[1]", "Phường An Xuyên", "'q'"]
    section = Imported.model_validate(
        {"devices": {"hub-01-r1": {"interfaces": [
            {"name": f"eth{i}", "description": d} for i, d in enumerate(tricky)]}}}
    )  # fmt: skip
    inventory = tmp_path / "inventory"
    shutil.copytree(TINY, inventory)
    (inventory / "imported.yml").write_text(document.section_text(section), encoding="utf-8")
    loaded = load_sot(inventory).sot.imported.devices["hub-01-r1"]
    assert [i.description for i in loaded.interfaces] == tricky


def test_the_section_goes_where_the_sot_keeps_it(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(TINY, inventory)
    assert document.target_file(load_sot(inventory)) == inventory / "imported.yml"
    (inventory / "legacy").mkdir()
    (inventory / "legacy" / "as-found.yml").write_text("imported:\n  source: earlier\n")
    assert document.target_file(load_sot(inventory)) == inventory / "legacy" / "as-found.yml"


def test_a_file_with_other_sections_keeps_them(section: Imported, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(TINY, inventory)
    hub = inventory / "hub-01.yml"
    original = hub.read_text()
    hub.write_text(original + "imported:\n  source: earlier\n")
    target = document.target_file(load_sot(inventory))
    assert target == hub
    new = document.updated_text(hub, hub.read_text(), document.section_text(section))
    assert new.startswith(original) and "source: earlier" not in new
    hub.write_text(new)
    assert load_sot(inventory).sot.imported == section
    again = document.updated_text(hub, new, document.section_text(section))
    assert again == new  # the header is replaced, not stacked


def test_a_section_in_the_middle_of_a_file_is_replaced_in_place(section: Imported) -> None:
    old = (
        "links:\n  - {id: l-1, a: r1, b: r2}\n\n"
        "imported:\n  source: earlier\n  lans: {}\n\n"
        "# the VMs\nvms: []\n"
    )
    new = document.updated_text(Path("x.yml"), old, "imported:\n  source: new\n")
    assert new == (
        "links:\n  - {id: l-1, a: r1, b: r2}\n\nimported:\n  source: new\n\n# the VMs\nvms: []\n"
    )


def test_a_flow_style_section_is_replaced_too() -> None:
    old = "links: []\nimported: {source: a,\n  lans: {}}\nvms: []\n"
    new = document.updated_text(Path("x.yml"), old, "imported:\n  source: new\n")
    assert new == "links: []\nimported:\n  source: new\nvms: []\n"


def test_a_file_that_cannot_be_rewritten_safely_is_refused() -> None:
    old = "links: []\nimported:\n  source: a\n---\nvms: []\n"
    with pytest.raises(InputError, match="move the imported: section into a file of its own"):
        document.updated_text(Path("x.yml"), old, "imported:\n  source: new\n")


def test_the_diff_is_a_git_style_unified_diff() -> None:
    text = document.diff(Path("inventory/imported.yml"), None, "imported:\n  source: x\n")
    assert text.splitlines()[:3] == [
        "--- /dev/null",
        "+++ b/inventory/imported.yml",
        "@@ -0,0 +1,2 @@",
    ]
