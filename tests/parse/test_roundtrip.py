"""Reading what was written back gives the same device: for every sample, and for devices
made up by hypothesis on each platform."""

from __future__ import annotations

from ipaddress import IPv4Interface, IPv4Network
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netauto.parse.configs import guess_platform, parse_config
from netauto.parse.observed import ObservedDevice
from tests.parse.province import PLATFORMS, all_samples, sample
from tests.parse.renderback import essence, render_back


def reparse(device: ObservedDevice) -> ObservedDevice:
    return parse_config(device.platform, render_back(device), "rendered.cfg")


@pytest.mark.parametrize(("platform", "device"), all_samples())
def test_a_sample_read_written_back_and_read_again_is_the_same(platform: str, device: str) -> None:
    path = sample(platform, device)
    first = parse_config(platform, path.read_text(encoding="utf-8"), str(path))
    text = render_back(first)
    assert guess_platform(text) == platform
    second = parse_config(platform, text, "rendered.cfg")
    assert essence(second) == essence(first)
    assert essence(reparse(second)) == essence(second)


_NAMES = {
    "frr": (["lo"] + [f"eth{n}" for n in range(6)] + [f"lan{v}" for v in (10, 20, 100)]),
    "cisco_ios": (
        ["Loopback0"]
        + [f"GigabitEthernet0/0/{n}" for n in range(6)]
        + [f"GigabitEthernet0/1.{v}" for v in (10, 20, 100)]
    ),
    "huawei_vrp": (
        ["LoopBack0"]
        + [f"GigabitEthernet0/0/{n}" for n in range(6)]
        + [f"Vlanif{v}" for v in (10, 20, 100)]
    ),
}
_TEXT = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 |().,/-]{0,30}[A-Za-z0-9)]", fullmatch=True)
_WORD = st.from_regex(r"[A-Z][A-Z0-9_-]{0,15}", fullmatch=True)
_ADDRESS = st.builds(
    lambda value, length: IPv4Interface((value, length)),
    st.integers(0x01000000, 0xDFFFFFFF),
    st.integers(8, 32),
)
_NETWORK = st.builds(
    lambda value, length: IPv4Network((value, length), strict=False),
    st.integers(0, 0xDFFFFFFF),
    st.integers(0, 32),
)


def _vlan(platform: str, name: str) -> int | None:
    tail = name.rpartition(".")[2] if "." in name else name.removeprefix("Vlanif")
    return int(tail) if platform != "frr" and tail.isdigit() else None


@st.composite
def _interface(draw: st.DrawFn, platform: str, name: str) -> dict[str, Any]:
    addresses = draw(st.lists(_ADDRESS, max_size=3, unique=True))
    return {
        "name": name,
        "canonical_name": name,
        "description": draw(st.none() | _TEXT),
        "enabled": draw(st.booleans()),
        "ipv4": [{"address": str(a), "secondary": i > 0} for i, a in enumerate(addresses)],
        "vlan": _vlan(platform, name),
        "is_loopback": name.lower().startswith(("lo", "loopback")),
    }


@st.composite
def _route(draw: st.DrawFn, platform: str) -> dict[str, Any]:
    next_hop = draw(st.none() | st.ip_addresses(v=4).filter(lambda a: not a.is_unspecified))
    interface = draw(st.none() | st.sampled_from(_NAMES[platform][1:7]))
    description = None
    if platform == "cisco_ios":
        description = draw(st.none() | _WORD)
    elif platform == "huawei_vrp":
        description = draw(st.none() | _TEXT)
    return {
        "prefix": str(draw(_NETWORK)),
        "next_hop": None if next_hop is None else str(next_hop),
        "interface": interface,
        "blackhole": next_hop is None and interface is None,
        "distance": draw(st.none() | st.integers(1, 255)),
        "tag": draw(st.none() | st.integers(1, 4294967295)),
        "description": description,
        "text": "",
    }


@st.composite
def devices(draw: st.DrawFn, platform: str) -> ObservedDevice:
    names = draw(st.lists(st.sampled_from(_NAMES[platform]), unique=True, max_size=6))
    return ObservedDevice.model_validate(
        {
            "hostname": draw(st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)),
            "platform": platform,
            "source": "generated",
            "interfaces": [draw(_interface(platform, name)) for name in names],
            "static_routes": draw(
                st.lists(  # a device prints a statement once
                    _route(platform), max_size=4, unique_by=lambda r: tuple(sorted(r.items()))
                )
            ),
        }
    )


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_device_written_and_read_back_is_the_same(platform: str, data: st.DataObject) -> None:
    device = data.draw(devices(platform))
    assert essence(reparse(device)) == essence(device)
