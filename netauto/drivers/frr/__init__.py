"""Napalm driver for FRRouting, in Napalm's per-driver shape.

* :mod:`~netauto.drivers.frr.driver`: :class:`FRRDriver`, the Napalm contract (getters,
  load / compare / commit / confirm / rollback);
* :mod:`~netauto.drivers.frr.transport`: SSH (Netmiko's connection, exec channels, the command
  session);
* :mod:`~netauto.drivers.frr.scripts`: the shell scripts and command lines run on the box;
* :mod:`~netauto.drivers.frr.remote`: the Python helper copied to the box for a replace.

What the box prints is read by :mod:`netauto.parse.frr_state`. Napalm finds the driver through
the ``napalm_frr`` shim (``napalm.get_network_driver("frr")``).
"""

from netauto.drivers.frr.driver import FRRDriver

__all__ = ["FRRDriver"]
