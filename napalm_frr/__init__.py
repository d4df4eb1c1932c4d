"""Napalm community-driver shim: ``napalm.get_network_driver("frr")`` imports this module.

The driver lives in the package :mod:`netauto.drivers.frr`; this top-level package only
re-exports it, so Napalm and nornir-napalm (platform ``frr``) find it by name.
"""

from netauto.drivers.frr import FRRDriver

__all__ = ["FRRDriver"]
