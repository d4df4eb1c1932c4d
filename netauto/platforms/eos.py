"""Arista EOS: Napalm's ``eos`` driver (configure sessions with commit timer)."""

from netauto.platforms import Platform, register

EOS = register(
    Platform(
        name="eos",
        description="Arista EOS",
        router=True,
        wan=lambda n: f"Ethernet{n + 1}",
        lan=lambda vlan: f"Vlan{vlan}",
        loopback="Loopback0",
        templates="eos",
        netmiko_device_type="arista_eos",
        napalm_driver="eos",
        napalm_module="napalm.eos",
        ansible_network_os="arista.eos.eos",
        commit_confirm="native",
        reader="ios_like",
    )
)
