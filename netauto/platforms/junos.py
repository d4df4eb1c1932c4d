"""Juniper Junos: Napalm's ``junos`` driver (``commit confirmed``); addresses on unit 0."""

from netauto.platforms import Platform, register

JUNOS = register(
    Platform(
        name="junos",
        description="Juniper Junos",
        router=True,
        wan=lambda n: f"ge-0/0/{n}",
        lan=lambda vlan: f"irb.{vlan}",
        loopback="lo0.0",
        templates="junos",
        netmiko_device_type="juniper_junos",
        napalm_driver="junos",
        napalm_module="napalm.junos",
        ansible_network_os="junipernetworks.junos.junos",
        commit_confirm="native",
        reader="junos",
        interface_unit=True,
    )
)
