"""Saved configurations of any supported platform: which platform, and the reader for it.

:func:`parse_config` is the one entry point the import uses for offline configurations;
:func:`guess_platform` tells the platform of a file whose platform the user did not give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import get_args

from netauto import platforms
from netauto.parse.config_markers import guess
from netauto.parse.config_tree import problem
from netauto.parse.frr_config import parse_frr_config
from netauto.parse.ios_config import parse_ios_config
from netauto.parse.observed import ConfigPlatform, ObservedDevice
from netauto.parse.vrp_config import parse_vrp_config

READERS: Mapping[str, Callable[[str, str], ObservedDevice]] = {
    "frr": parse_frr_config,
    "ios": parse_ios_config,
    "vrp": parse_vrp_config,
}
"""The reader of each saved-configuration syntax (a platform names its own:
``Platform.saved_config``)."""


def parse_config(platform: str, text: str, source: str) -> ObservedDevice:
    """Read the saved configuration ``text`` (from ``source``) of a ``platform`` device.

    Examples:
        >>> parse_config("frr", "hostname r1\\ninterface lo\\n ip address 10.0.0.1/32\\n",
        ...     "r1.conf").interfaces[0].is_loopback
        True
        >>> parse_config("junos", "", "r1.conf")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r1.conf: no configuration reader for platform 'junos' ...

    Raises:
        InputError: no reader for ``platform``, or the text is not its configuration.
    """
    known = platform in platforms.names()
    reader = READERS.get(platforms.get(platform).saved_config) if known else None
    if reader is not None and platform in get_args(ConfigPlatform):
        return reader(text, source)
    raise problem(
        source,
        None,
        f"no configuration reader for platform {platform!r}",
        f"one of: {', '.join(get_args(ConfigPlatform))}",
    )


def guess_platform(text: str) -> ConfigPlatform | None:
    """The platform a saved configuration comes from, or None when nothing tells.

    See :mod:`netauto.parse.config_markers` for the lines that tell.

    Examples:
        >>> guess_platform("frr version 8.4.4\\nfrr defaults traditional\\nhostname r1\\n")
        'frr'
        >>> guess_platform("#\\n sysname r1\\n#\\nreturn\\n")
        'huawei_vrp'
        >>> guess_platform("!\\nversion 15.7\\nhostname r1\\n!\\nend\\n")
        'cisco_ios'
        >>> guess_platform("interface eth0\\n ip address 10.0.0.1/31\\n")
        'frr'
        >>> guess_platform("hello") is None
        True
    """
    return guess(text.split("\n"))
