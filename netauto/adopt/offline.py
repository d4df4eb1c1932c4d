"""``netauto import --from-configs DIR``: the network read from saved running configurations.

Every ``*.conf``, ``*.cfg`` and ``*.txt`` file of ``DIR`` (not its subdirectories) is one
device's running configuration (``show running-config``, ``display
current-configuration``). Its platform is that of the SoT device named like the file (its
stem), else what the text itself shows (:func:`netauto.parse.configs.guess_platform`).
The device is the SoT device its ``hostname`` names, else the one its file name names.

Saved router configurations say nothing about VMs: they are read only from an optional
``DIR/vms.yml`` (``<vm name>: <address>/<length>``, one per VM); without it the VMs'
imported addresses, if any, stay as they are.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path

import yaml

from netauto.adopt.models import Observation, ObservedVm
from netauto.adopt.reconcile import hostkey
from netauto.errors import InputError, Problem
from netauto.parse.config_tree import decode
from netauto.parse.configs import guess_platform, parse_config
from netauto.parse.observed import ObservedDevice
from netauto.sot.models import SoT

SUFFIXES = (".conf", ".cfg", ".txt")
VM_FILE = "vms.yml"
MAX_BYTES = 16 * 1024 * 1024
"""A saved configuration larger than this is refused (no router's is near it)."""


def config_files(directory: Path) -> list[Path]:
    """The saved configurations of ``directory``, sorted by name.

    Raises:
        InputError: not a directory, or no configuration in it.
    """
    if not directory.is_dir():
        raise InputError(
            Problem(directory, None, "--from-configs", "not a directory",
                    "give the directory holding the saved running configurations")
        )  # fmt: skip
    files = sorted(
        p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file() and p.name[:1] != "."
    )
    if not files:
        raise InputError(
            Problem(directory, None, "--from-configs",
                    f"no saved configuration ({', '.join('*' + s for s in SUFFIXES)}) in it",
                    "save each router's `show running-config` as <hostname>.conf there")
        )  # fmt: skip
    return files


def read_configs(
    directory: Path, sot: SoT, done: Callable[[str], None] | None = None
) -> Observation:
    """Every saved configuration of ``directory``, read on its platform (and ``vms.yml``).

    ``done`` is called with each file's name once it is read (progress).

    Raises:
        InputError: a file cannot be read, its platform cannot be told, or it is not a
            configuration of its platform (every such file is named, with its line).
    """
    files = config_files(directory)
    platforms = {d.hostname: d.platform for _, d in sot.all_devices()}
    by_key = {hostkey(h): h for h in platforms}
    devices: list[ObservedDevice] = []
    problems: list[Problem] = []
    for path in files:
        try:
            devices.append(_read(path, platforms, by_key))
        except InputError as exc:
            problems += exc.problems
        if done is not None:
            done(path.name)
    if problems:
        raise InputError(problems)
    vms, notes = read_vm_file(directory / VM_FILE)
    return Observation(
        source=f"saved configurations in {directory.as_posix()}",
        devices=devices,
        vms=vms,
        notes=notes,
    )


def _read(path: Path, platforms: dict[str, str], by_key: dict[str, str]) -> ObservedDevice:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(path, None, "", f"cannot read it: {exc.strerror}")) from None
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(path, None, "", f"{len(raw)} bytes: too big for a configuration"))
    text = decode(raw, str(path))
    named = by_key.get(hostkey(path.stem))
    platform = platforms.get(named) if named else None
    platform = platform or guess_platform(text)
    if platform is None:
        raise InputError(
            Problem(path, None, "", "cannot tell which platform this configuration is from",
                    "name the file after the device's SoT hostname (its platform is then the "
                    "SoT's)")
        )  # fmt: skip
    device = parse_config(platform, text, str(path))
    host = device.hostname if device.hostname in platforms else by_key.get(hostkey(device.hostname))
    host = host or named
    if host is not None and platforms[host] != platform:
        device = parse_config(platforms[host], text, str(path))  # the SoT says which platform
    return device.model_copy(update={"hostname": host}) if host else device


def read_vm_file(path: Path) -> tuple[list[ObservedVm] | None, list[str]]:
    """The VM addresses of ``vms.yml``, or None (with a note) when there is no such file.

    Raises:
        InputError: the file is not a mapping of VM names to IPv4 addresses with lengths.
    """
    if not path.is_file():
        return None, [
            f"VMs were not read: saved router configurations do not show them (give their "
            f"addresses in {path.as_posix()} as `<vm>: <address>/<length>`); imported VM "
            "addresses, if any, are kept, and the plan numbers the others in their imported LAN"
        ]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(Problem(path, None, "", f"cannot read it: {exc}"[:300])) from None
    if not isinstance(data, dict):
        raise InputError(
            Problem(path, None, "", "expected a mapping of VM name to address",
                    "e.g. `dc-lgsp-01: 172.20.0.11/24`")
        )  # fmt: skip
    vms: list[ObservedVm] = []
    problems: list[Problem] = []
    for name, value in data.items():
        try:
            address = ipaddress.IPv4Interface(str(value))
            if "/" not in str(value):
                raise ValueError("no prefix length")
        except ValueError as exc:
            problems.append(
                Problem(path, None, str(name), f"not an IPv4 address with its length: {exc}",
                        "e.g. 172.20.0.11/24")
            )  # fmt: skip
            continue
        vms.append(ObservedVm(name=str(name), addresses=[("-", address)], source=str(path)))
    if problems:
        raise InputError(problems)
    return vms, []
