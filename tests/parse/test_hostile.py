"""Text that is not a configuration of the platform asked for: always an InputError that
names the file and the line, never a traceback, whatever the text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netauto.errors import InputError
from netauto.parse.config_tree import decode
from netauto.parse.configs import parse_config
from tests.parse.province import PLATFORMS, all_samples, sample

LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): ")


def refused(platform: str, text: str, source: str = "bad.cfg") -> tuple[int, str]:
    """The line and message of the refusal of ``text``."""
    with pytest.raises(InputError) as caught:
        parse_config(platform, text, source)
    message = str(caught.value)
    match = LOCATED.match(message)
    assert match is not None, message
    assert match["file"] == source
    return int(match["line"]), message


GARBAGE = {
    "prose": "Dear team,\nplease find the router config attached.\n",
    "yaml": "sites:\n  - site_id: 1\n    slug: dc\n",
    "json": '{"hostname": "r1", "interfaces": []}\n',
    "html": "<html>\n<body>404 Not Found</body>\n</html>\n",
    "shell prompt": "hub-01-r1# show running-config\n% Invalid input detected\n",
}


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_garbage_is_refused_at_its_first_line(platform: str, kind: str) -> None:
    line, message = refused(platform, GARBAGE[kind])
    assert line == 1, message


@pytest.mark.parametrize("platform", PLATFORMS)
def test_binary_is_refused_at_the_line_of_the_first_control_character(platform: str) -> None:
    text = "hostname r1\ninterface eth0\n\x89PNG\x1a\x00\x00 ip address\n"
    line, message = refused(platform, text)
    assert line == 3 and "binary or control character" in message


def test_bytes_that_are_not_utf8_are_refused_at_their_line() -> None:
    with pytest.raises(InputError, match=r"^r1\.cfg:3: not UTF-8"):
        decode(b"hostname r1\n!\ndescription \xc0\xff\n", "r1.cfg")


@pytest.mark.parametrize(("platform", "device"), all_samples())
def test_a_sample_cut_short_is_refused(platform: str, device: str) -> None:
    """Cut at any line, and in the middle of an address: every sample is a show-run
    output, which always ends with its trailer (FRR and IOS ``end``, VRP ``return``)."""
    lines = sample(platform, device).read_text().split("\n")
    trailer = max(n for n, line in enumerate(lines) if line.strip())
    for cut in range(2, trailer, 7):
        line, _ = refused(platform, "\n".join(lines[:cut]), "cut.cfg")
        assert 1 <= line <= cut
    address = next(n for n, line in enumerate(lines) if line.startswith(" ip address "))
    half = lines[address][: len(lines[address]) - 4]
    line, message = refused(platform, "\n".join([*lines[:address], half]), "cut.cfg")
    assert line == address + 1, message


@pytest.mark.parametrize(
    ("platform", "text", "line", "words"),
    [
        ("frr", "hostname r1\ninterface eth0\n ip address 10.0.0.1\n", 3, "address/length"),
        ("frr", "hostname r1\ninterface eth0\n ip address 10.0.0.300/24\n", 3, "address"),
        ("frr", "hostname r1\nrouter ospf\n ospf router-id 10.0.0\n", 3, "router id"),
        ("frr", "hostname r1\nrouter ospf\n network 10.0.0.0/8 area x\n", 3, "OSPF area"),
        ("frr", "hostname r1\nip route 10.0.0.0/8\n", 2, "next hop"),
        ("frr", "hostname r1\nip route 10.0.0.0/8 10.0.0.1 tag\n", 2, "value after 'tag'"),
        ("frr", "hostname r1\nip route 10.0.0.0/8 10.0.0.1 tag x\n", 2, "tag number"),
        (
            "cisco_ios",
            "hostname r1\ninterface Gi0/0\n ip address 10.0.0.1 255.0.255.0\n!\nend\n",
            3,
            "address and mask",
        ),
        (
            "cisco_ios",
            "hostname r1\nrouter ospf 1\n network 10.0.0.0 0.255.0.255 area 0\n!\nend\n",
            3,
            "wildcard",
        ),
        (
            "cisco_ios",
            "hostname r1\ninterface Gi0/0.5\n encapsulation dot1Q x\n!\nend\n",
            3,
            "VLAN",
        ),
        (
            "huawei_vrp",
            "#\nsysname r1\n#\nip route-static 10.0.0.0 255.0.0.0\n#\nreturn\n",
            4,
            "next hop",
        ),
        (
            "huawei_vrp",
            "#\nsysname r1\n#\nospf 1 router-id x\n#\nreturn\n",
            4,
            "router id",
        ),
    ],
)
def test_malformed_values_name_their_line(platform: str, text: str, line: int, words: str) -> None:
    got, message = refused(platform, text, "r1.cfg")
    assert got == line and words in message, message


@pytest.mark.parametrize(
    ("platform", "other"),
    [
        ("frr", ("cisco_ios", "dc-core-r1")),
        ("frr", ("huawei_vrp", "dc-core-r1")),
        ("cisco_ios", ("frr", "hub-01-r1")),
        ("cisco_ios", ("huawei_vrp", "hub-01-r1")),
        ("huawei_vrp", ("frr", "hub-01-r1")),
        ("huawei_vrp", ("cisco_ios", "hub-01-r1")),
    ],
)
def test_a_config_of_another_platform_is_refused(platform: str, other: tuple[str, str]) -> None:
    text = sample(*other).read_text()
    line, message = refused(platform, text)
    assert "looks like a" in message, message
    assert _marker_line(text) == line


def _marker_line(text: str) -> int:
    """The first line that names a platform (version, sysname, IOS show-run header)."""
    for number, line in enumerate(text.split("\n"), 1):
        markers = (
            "frr version",
            "version ",
            "!Software Version",
            " sysname",
            "Current configuration :",
        )
        if line.startswith(markers):
            return number
    raise AssertionError("no marker")


def test_a_top_level_section_twice_is_refused_at_the_second() -> None:
    text = (
        "hostname r1\n!\ninterface eth0\n ip address 10.0.0.1/31\nexit\n!\n"
        "interface eth1\nexit\n!\ninterface eth0\n shutdown\nexit\n"
    )
    line, message = refused("frr", text)
    assert line == 10 and "appears twice" in message


def test_a_banner_that_never_ends_is_refused() -> None:
    text = "hostname r1\ninterface Gi0/0\n!\nbanner motd ^C\nno end in sight\n"
    line, message = refused("cisco_ios", text)
    assert line == 6 and "banner" in message


def test_deep_nesting_is_refused_without_a_recursion_error() -> None:
    text = "hostname r1\n" + "".join(" " * depth + "x\n" for depth in range(3000))
    line, message = refused("frr", text)
    assert line == 19 and "nested" in message


def test_an_empty_file_is_refused() -> None:
    for platform in PLATFORMS:
        with pytest.raises(InputError, match="not a"):
            parse_config(platform, "", "empty.cfg")


def test_an_unknown_platform_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no configuration reader for platform 'junos'"):
        parse_config("junos", "hostname r1\n", "r1.cfg")


@settings(max_examples=150, deadline=None)
@given(
    platform=st.sampled_from(PLATFORMS),
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
)
def test_any_text_is_read_or_refused_with_file_and_line(platform: str, text: str) -> None:
    try:
        parse_config(platform, text, "fuzz.cfg")
    except InputError as exc:
        assert str(exc).startswith("fuzz.cfg")


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    platform=st.sampled_from(PLATFORMS),
    device=st.sampled_from(["dc-core-r1", "hub-01-r1"]),
)
def test_a_sample_with_one_line_mangled_is_read_or_refused(
    data: st.DataObject, platform: str, device: str
) -> None:
    lines = sample(platform, device).read_text().split("\n")
    index = data.draw(st.integers(0, len(lines) - 1))
    lines[index] = data.draw(st.text(max_size=40))
    try:
        parse_config(platform, "\n".join(lines), "mangled.cfg")
    except InputError as exc:
        assert LOCATED.match(str(exc)) or str(exc).startswith("mangled.cfg: ")
