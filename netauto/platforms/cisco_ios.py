"""Cisco IOS / IOS-XE: Napalm's ``ios`` driver (commit-confirm through its archive/revert)."""

from netauto.platforms import Platform, register

CISCO_IOS = register(
    Platform(
        name="cisco_ios",
        description="Cisco IOS / IOS-XE",
        router=True,
        wan=lambda n: f"GigabitEthernet0/0/{n}",
        lan=lambda vlan: f"GigabitEthernet0/1.{vlan}",
        loopback="Loopback0",
        templates="cisco_ios",
        netmiko_device_type="cisco_ios",
        napalm_driver="ios",
        napalm_module="napalm.ios",
        ansible_network_os="cisco.ios.ios",
        commit_confirm="native",
        saved_config="ios",
        reader="ios_like",
    )
)
