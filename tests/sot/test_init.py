"""`netauto init`: generated SoTs validate, are deterministic, and match the bundled example."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.sot.generate import (
    GENERATED_MARKER,
    find_province,
    generate,
    official_provinces,
)
from netauto.sot.loader import LEDGER_FILE, load_sot
from tests.conftest import EXAMPLE, CliResult

Cli = Callable[..., CliResult]


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _communes(directory: Path) -> int:
    return sum(1 for s in load_sot(directory).sot.sites if s.kind == "commune")


def test_ninh_binh_validates(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "nb"
    result = cli("init", "--province", "37", "--out", out)
    assert result.code == 0, result.err
    assert "Ninh Bình (37): 129 communes, 6 hubs, 8 files" in result.out
    result = cli("-i", out, "validate")
    assert result.code == 0, result.err
    assert "129 commune" in result.out
    assert _communes(out) == 129


def test_default_out_is_the_inventory_option(cli: Cli, tmp_path: Path) -> None:
    result = cli("-i", tmp_path / "inv", "init", "-p", "96")
    assert result.code == 0, result.err
    assert (tmp_path / "inv" / "province.yml").is_file()


def test_whole_country(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", "--all", "--out", tmp_path)
    assert result.code == 0, result.err
    assert "34 provinces: 3321 communes" in result.out
    directories = sorted(p for p in tmp_path.iterdir() if p.is_dir())
    assert len(directories) == 34
    assert (tmp_path / "96-ca-mau").is_dir() and (tmp_path / "01-ha-noi").is_dir()
    total = 0
    blocks6: list[ipaddress.IPv6Network] = []
    blocks4: list[ipaddress.IPv4Network] = []
    for directory in directories:
        sot = load_sot(directory).sot  # raises InputError if a province does not validate
        total += sum(1 for s in sot.sites if s.kind == "commune")
        blocks6.append(sot.addressing.ipv6.allocation)
        blocks4 += sot.addressing.ipv4.supernets
        assert all(len(d.hostname) <= 63 for _, d in sot.all_devices())
    assert total == 3321
    assert all(b.prefixlen == 40 for b in blocks6)
    for i, block6 in enumerate(blocks6):
        assert not any(block6.overlaps(other) for other in blocks6[:i]), block6
    for i, block4 in enumerate(blocks4):
        assert not any(block4.overlaps(other) for other in blocks4[:i]), block4


def test_deterministic_bytes(cli: Cli, tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert cli("init", "-p", "79", "--out", tmp_path / name).code == 0
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert one == two
    assert len(one) == 2 + 7  # province, data centre, 7 hubs for 168 communes
    text = one["hubs/hub-01.yml"].decode("utf-8")
    assert text.startswith(GENERATED_MARKER)
    assert "--province 79 --hubs 7" in text
    assert "name: Phường Sài Gòn" in one["hubs/hub-03.yml"].decode("utf-8")  # not escaped


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("96", 96),
        ("Cà Mau", 96),
        ("ca mau", 96),
        ("CÀ MAU", 96),
        ("ca_mau", 96),
        ("ca-mau", 96),
        ("Tỉnh Cà Mau", 96),
        ("  cà   mau ", 96),
        ("1", 1),
        ("01", 1),
        ("Thành phố Hồ Chí Minh", 79),
        ("ho chi minh", 79),
        ("TP. Hồ Chí Minh", 79),
        ("da nang", 48),
        ("Đắk Lắk", 66),
        ("dak lak", 66),
    ],
)
def test_name_lookup(query: str, code: int) -> None:
    assert find_province(query, official_provinces()).code == code


def test_unknown_province(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", "--province", "ca mauu", "--out", tmp_path / "x")
    assert result.code == 2
    assert "unknown province 'ca mauu'" in result.err
    assert "did you mean 96 Cà Mau" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "x").exists()
    result = cli("init", "--province", "97", "--out", tmp_path / "x")
    assert result.code == 2
    assert "known provinces: 01 Hà Nội" in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["--out", "x"],
        ["--province", "96", "--all", "--out", "x"],
        ["--all"],
        ["--province", "96", "--hubs", "0", "--out", "x"],
        ["--province", "96", "--hubs", "65", "--out", "x"],
    ],
)
def test_bad_options(cli: Cli, tmp_path: Path, args: list[str]) -> None:
    result = cli("init", *[str(tmp_path / a) if a == "x" else a for a in args])
    assert result.code == 2
    assert result.err.startswith("Error:")
    assert not (tmp_path / "x").exists()


def test_refuses_non_empty_directory(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = cli("init", "-p", "96", "--out", tmp_path)
    assert result.code == 2
    assert "not empty" in result.err and "--force" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_force_keeps_user_files_and_removes_stale_hubs(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", "-p", "96", "--hubs", "5", "--out", tmp_path).code == 0
    (tmp_path / LEDGER_FILE).write_text("# the plan's ledger\n")
    (tmp_path / "extra.yml").write_text("groups: {}\n")
    result = cli("init", "-p", "96", "--hubs", "3", "--out", tmp_path, "--force")
    assert result.code == 0, result.err
    assert "2 stale files removed" in result.out
    hubs = sorted(p.name for p in (tmp_path / "hubs").iterdir())
    assert hubs == ["hub-01.yml", "hub-02.yml", "hub-03.yml"]
    assert (tmp_path / LEDGER_FILE).read_text() == "# the plan's ledger\n"
    assert (tmp_path / "extra.yml").is_file()
    assert _communes(tmp_path) == 64


def test_missing_package_gives_install_hint(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "vietnam_provinces", None)  # import now fails
    with pytest.raises(InputError) as caught:
        official_provinces()
    assert "pip install 'netauto[init]'" in str(caught.value)
    result = cli("init", "-p", "96", "--out", tmp_path / "x")
    assert result.code == 2
    assert "pip install 'netauto[init]' (or: pip install vietnam-provinces)" in result.err
    assert not (tmp_path / "x").exists()


def test_communes_spread_in_official_order() -> None:
    record = find_province("96", official_provinces())
    sot_files = generate(record).files
    hubs = sorted(name for name in sot_files if name.startswith("hubs/"))
    assert hubs == ["hubs/hub-01.yml", "hubs/hub-02.yml", "hubs/hub-03.yml"]
    codes = [
        line.split("'")[1]
        for name in hubs
        for line in sot_files[name].splitlines()
        if "commune_code:" in line
    ]
    assert codes == [f"{c.code:05d}" for c in record.communes]


def test_site_ids_and_names(tmp_path: Path) -> None:
    record = find_province("82", official_provinces())  # two communes called Tân Thành
    for name, text in generate(record).files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    sot = load_sot(tmp_path).sot
    communes = [s for s in sot.sites if s.kind == "commune"]
    assert [s.site_id for s in communes] == [100_000 + int(str(s.commune_code)) for s in communes]
    assert {s.site_id for s in sot.sites if s.kind == "hub"} == set(range(10, 15))
    tan_thanh = sorted(
        d.hostname for s in communes for d in s.devices if d.hostname.startswith("cm-tanthanh")
    )
    assert len(tan_thanh) == 2 and all(h.count("-") == 3 for h in tan_thanh)


def test_bundled_example_is_regenerable(cli: Cli, tmp_path: Path) -> None:
    """The committed inventory/ is exactly `netauto init --province 96` (review it as a diff)."""
    assert cli("init", "--province", "96", "--out", tmp_path).code == 0
    committed = {k: v for k, v in _tree(EXAMPLE).items() if k != LEDGER_FILE}
    assert committed == _tree(tmp_path)


def test_bundled_example_contents() -> None:
    """Services, policy and topology of the example match what later stages rely on."""
    loaded = load_sot(EXAMPLE)
    sot = loaded.sot
    assert (sot.province.name, sot.province.code) == ("Cà Mau", 96)
    assert str(sot.addressing.ipv6.allocation) == "2001:db8:9600::/40"
    ports = {
        name: sorted((p.proto, p.port) for p in service.ports)
        for name, service in sot.services.items()
    }
    assert ports == {
        "lgsp": [("tcp", 443), ("tcp", 8443)],
        "portal": [("tcp", 80), ("tcp", 443)],
        "one-stop": [("tcp", 443)],
        "mail": [("tcp", 25), ("tcp", 465), ("tcp", 587), ("tcp", 993)],
        "video": [("tcp", 443), ("udp", 3478)],
    }
    assert [(r.source, r.to, r.deny, r.families) for r in sot.policy] == [
        ("communes", ["lgsp", "portal", "one-stop", "mail", "video"], False, ["ipv4", "ipv6"]),
        ("communes", ["communes"], True, ["ipv4", "ipv6"]),
    ]
    assert {vm.name: vm.services for vm in sot.vms} == {
        "dc-lgsp-01": ["lgsp"],
        "dc-portal-01": ["portal"],
        "dc-onestop-01": ["one-stop"],
        "dc-mail-01": ["mail"],
        "dc-video-01": ["video"],
    }
    communes = [s for s in sot.sites if s.kind == "commune"]
    assert len(communes) == 64
    assert [lan.vlan for lan in communes[0].lans] == [10, 20]
    # Every link end names its interface; every commune hangs off its hub's eth<N>.
    assert all(end.interface for link in sot.links for end in (link.a, link.b))
    assert len(sot.links) == 3 + 64
    first = next(link for link in sot.links if link.key == "l-132002")
    assert (first.a.device, first.a.interface) == ("hub-01-r1", "eth1")
    assert (first.b.device, first.b.interface) == ("cm-anxuyen-r1", "eth0")
