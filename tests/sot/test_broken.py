"""The broken-SoT corpus: every kind of bad input fails cleanly with exit 2.

Each case is a directory of ``tests/data/broken/`` (or, for huge and binary input, files
generated here in ``tmp_path``). Running ``netauto -i CASE validate`` must exit 2, print no
traceback, and name the file, the line (where the input has one), the field (where there is
one) and say what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from netauto.errors import InputError
from netauto.sot import yamlsource
from tests.conftest import ROOT, CliResult

BROKEN = ROOT / "tests" / "data" / "broken"
Cli = Callable[..., CliResult]


class Case(NamedTuple):
    name: str
    file: str
    line: int | None
    field: str | None
    expected: str


CASES = [
    # YAML itself.
    Case("yaml-syntax", "province.yml", 20, None, "quote opened on line 14 is never closed"),
    Case("tab-indent", "province.yml", 19, None, "forbids tabs"),
    Case("duplicate-key", "province.yml", 20, "sites[1].kind", "duplicate key"),
    Case("multiple-documents", "province.yml", 31, None, "2 YAML documents"),
    Case("merge-key", "province.yml", 22, None, "merge keys (<<) are not supported"),
    Case("alias-bomb", "province.yml", 8, None, "alias bomb"),
    Case("recursive-alias", "province.yml", 12, None, "alias *me"),
    Case("python-tag", "province.yml", 14, None, "python/object/apply:os.system"),
    Case("boolean-key", "province.yml", 8, None, "reads as the boolean True"),
    Case("empty-file", "hub-02.yml", None, None, "file is empty"),
    Case("root-is-list", "province.yml", 1, None, "expected a mapping of sections"),
    # Sections and merging of files.
    Case("unknown-section", "province.yml", 34, "vm", "did you mean 'vms'"),
    Case("section-not-a-list", "province.yml", 3, "sites", "expected a list"),
    Case("section-twice", "province.yml", 2, "province", "defined twice (first in"),
    Case("service-twice", "services.yml", 3, "services.lgsp", "defined twice"),
    Case("missing-section", "province.yml", None, "addressing", "required section missing"),
    # Schema.
    Case("wrong-type-int", "province.yml", 17, "sites[1].site_id", "got 'ten'"),
    Case("wrong-type-list", "province.yml", 29, "sites[2].lans", "list; got a mapping"),
    Case("vlan-out-of-range", "province.yml", 29, "sites[2].lans[0].vlan", "got 5000"),
    Case("missing-field", "province.yml", 17, "sites[1].kind", "required field missing"),
    Case("unknown-field", "province.yml", 26, "sites[2].comune_code", "'commune_code'?"),
    Case("unknown-kind", "province.yml", 19, "sites[1].kind", "did you mean 'hub'"),
    Case(
        "unknown-platform",
        "province.yml",
        28,
        "sites[2].devices[0].platform",
        "did you mean 'cisco_ios'",
    ),
    Case(
        "ipv6-allocation-too-small",
        "province.yml",
        4,
        "addressing.ipv6.allocation",
        "expected a /48 or larger",
    ),
    Case(
        "ipv6-allocation-host-bits",
        "province.yml",
        4,
        "addressing.ipv6.allocation",
        "the network is 2001:db8:9600::/40",
    ),
    Case(
        "commune-code-unquoted",
        "province.yml",
        26,
        "sites[2].commune_code",
        "quote it: '32002'",
    ),
    Case("commune-code-short", "province.yml", 26, "sites[2].commune_code", "5-digit"),
    Case("link-bad-hostname", "province.yml", 32, "links[1].b.device", "e.g. 'cm-anxuyen'"),
    Case("link-ipv4-not-31", "province.yml", 31, "links[0].b.ipv4", "use /31"),
    # Cross-references.
    Case(
        "overlapping-supernets",
        "province.yml",
        5,
        "addressing.ipv4.supernets[1]",
        "10.96.128.0/17 overlaps 10.96.0.0/16",
    ),
    Case(
        "duplicate-hostname",
        "province.yml",
        36,
        "sites[3].devices[0].hostname",
        "duplicate hostname 'cm-anxuyen-r1' (also at sites[2].devices[0].hostname",
    ),
    Case("duplicate-site-id", "province.yml", 30, "sites[3].site_id", "duplicate site_id 1001"),
    Case("duplicate-slug", "province.yml", 31, "sites[3].slug", "duplicate slug"),
    Case(
        "duplicate-commune-code",
        "province.yml",
        34,
        "sites[3].commune_code",
        "commune_role: annex",
    ),
    Case("unknown-hub", "province.yml", 27, "sites[2].hub", "did you mean 'hub-01'"),
    Case("hub-with-hub", "province.yml", 20, "sites[1].hub", "cannot have a parent hub"),
    Case("link-unknown-device", "province.yml", 32, "links[1].b.device", "'cm-anxuyen-r2'"),
    Case("link-to-itself", "province.yml", 32, "links[1]", "to itself"),
    Case("interface-twice", "province.yml", 32, "links[1].a.interface", "used twice"),
    Case("device-unknown-site", "province.yml", 36, "devices[0].site", "unknown site 'hub-02'"),
    Case("vm-unknown-service", "province.yml", 34, "vms[0].services[1]", "unknown service 'mail'"),
    Case("vm-unknown-network", "province.yml", 34, "vms[0].network", "did you mean 'services'"),
    Case("policy-unknown-group", "province.yml", 9, "policy[0].from", "'communes'"),
    Case("policy-unknown-service", "province.yml", 9, "policy[0].to[0]", "'lgsp'"),
    Case("duplicate-vlan", "province.yml", 29, "sites[2].lans[1].vlan", "VLAN 10 used twice"),
    Case("lan-unknown-device", "province.yml", 29, "sites[2].lans[0].device", "not on site"),
]


def assert_clean_failure(result: CliResult, file: Path, line: int | None, field: str | None) -> str:
    """Exit 2, no traceback, and the first error names file, line and field."""
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err + result.out
    first = next(text for text in result.err.splitlines() if text.startswith("Error:"))
    where = f"{file}:{line}: " if line is not None else f"{file}: "
    assert where in first, first
    if field is not None:
        assert f": {field}: " in first, first
    return first


def test_corpus_has_every_case() -> None:
    on_disk = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert on_disk == {case.name for case in CASES}
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_sot_is_refused(cli: Cli, case: Case) -> None:
    directory = BROKEN / case.name
    result = cli("-i", directory, "validate")
    first = assert_clean_failure(result, directory / case.file, case.line, case.field)
    assert case.expected in first


def test_annex_of_a_commune_is_allowed(cli: Cli, tmp_path: Path) -> None:
    source = (BROKEN / "duplicate-commune-code" / "province.yml").read_text()
    fixed = source.replace(
        '    commune_code: "32002"\n    hub: hub-01\n    devices: [{hostname: cm-tan',
        (
            '    commune_code: "32002"\n    commune_role: annex\n    hub: hub-01\n'
            "    devices: [{hostname: cm-tan"
        ),
    )
    assert fixed != source
    (tmp_path / "province.yml").write_text(fixed)
    result = cli("-i", tmp_path, "validate")
    assert result.code == 0, result.err


def test_every_problem_is_reported_once(cli: Cli, tmp_path: Path) -> None:
    source = (BROKEN / "unknown-hub" / "province.yml").read_text()
    (tmp_path / "p.yml").write_text(source.replace("to: [lgsp]", "to: [lgps]"))
    result = cli("-i", tmp_path, "validate")
    errors = [text for text in result.err.splitlines() if text.startswith("Error:")]
    assert len(errors) == 2, result.err
    assert "2 problems found" in result.err


def test_mgmt_address_union_is_one_problem(cli: Cli, tmp_path: Path) -> None:
    source = (BROKEN / "unknown-hub" / "province.yml").read_text()
    broken = source.replace("{hostname: dc-core-r1}", "{hostname: dc-core-r1, mgmt_address: x}")
    (tmp_path / "p.yml").write_text(broken.replace("hub: hub-1\n", "hub: hub-01\n"))
    result = cli("-i", tmp_path, "validate")
    first = assert_clean_failure(result, tmp_path / "p.yml", 15, "sites[0].devices[0].mgmt_address")
    assert "IPv4 address or a valid IPv6 address" in first
    assert result.err.count("Error:") == 1


# Input that must not be committed (huge, binary) is generated here.


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


GENERATED: list[tuple[str, bytes, int | None, str]] = [
    ("binary", b"sites:\n  - \x00\x01\x02\xff\n", 2, "binary file"),
    ("non-utf8", "province: {name: 'Cà Mau'}\n".encode("cp1258"), 1, "not valid UTF-8"),
    # Deep nesting is refused by netauto's own depth check or, first, by PyYAML's (6.0.4 and
    # later): either way exit 2 with the file and line, and a message about nesting.
    ("deep-brackets", b"sites: " + b"[" * 100_000, 1, "nest"),
    ("deep-dashes", b"sites:\n" + b"- " * 100_000 + b"x\n", 2, "nest"),
    ("deep-keys", b"? " * 100_000 + b"x\n", 1, "nest"),
    ("utf16", "sites: []\n".encode("utf-16"), 1, "binary file"),
    ("anchor-twice", b"a: &x 1\nb: &x [2]\n", 2, "anchor &x is defined twice"),
    ("bad-int-tag", b"province: !!int x\n", 1, "bad value"),
    (
        "bad-timestamp-tag",
        b"province:\n  since: !!timestamp soon\n",
        2,
        "'soon' is not a timestamp",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "line", "expected"), GENERATED, ids=[g[0] for g in GENERATED]
)
def test_generated_hostile_input(
    cli: Cli, tmp_path: Path, name: str, content: bytes, line: int | None, expected: str
) -> None:
    file = _write(tmp_path / f"{name}.yml", content)
    result = cli("-i", tmp_path, "validate")
    first = assert_clean_failure(result, file, line, None)
    assert expected.lower() in first.lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == [file.name]  # nothing written


def test_50_mb_file_is_refused_before_reading(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "huge.yml"
    with file.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB of disk, same size on stat
    result = cli("-i", tmp_path, "validate")
    first = assert_clean_failure(result, file, None, None)
    assert "file is 50.0 MiB" in first
    assert "split the source of truth" in first


def test_50_mb_of_real_yaml_is_refused(tmp_path: Path) -> None:
    raw = b"sites:\n" + b"  - {site_id: 1, slug: a, kind: hub, name: A}\n" * 1_200_000
    assert len(raw) > 50_000_000
    with pytest.raises(InputError, match="refused"):
        yamlsource.parse_yaml(tmp_path / "big.yml", raw)


def test_nothing_is_written_when_validation_fails(cli: Cli, tmp_path: Path) -> None:
    nornir_dir = tmp_path / "nornir"
    ansible_file = tmp_path / "hosts.yml"
    broken = BROKEN / "unknown-hub"
    for args in (("--export", "nornir", nornir_dir), ("--export", "ansible", ansible_file)):
        result = cli("-i", broken, "inventory", *args)
        assert_clean_failure(result, broken / "province.yml", 27, "sites[2].hub")
    assert not nornir_dir.exists()
    assert not ansible_file.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
