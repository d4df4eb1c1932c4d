"""FRRouting on Linux: netauto's own Napalm driver (:mod:`netauto.drivers.frr`), commits
confirmed on the box by a revert timer, and an nftables ruleset beside the config (FRR has
no packet filter). The lab runs it."""

from netauto.platforms import Platform, register

FRR = register(
    Platform(
        name="frr",
        description="FRRouting on Linux (vtysh, frr-reload.py)",
        router=True,
        wan=lambda n: f"eth{n}",
        lan=lambda vlan: f"lan{vlan}",
        loopback="lo",
        templates="frr",
        netmiko_device_type="linux",
        napalm_driver="frr",
        napalm_module="napalm_frr",
        ansible_network_os="frr.frr.frr",
        commit_confirm="native",
        side_files=(("frr/filter.nft.j2", ".nft"),),
        saved_config="frr",
        reader="ios_like",
        vtysh=True,
        in_lab=True,
    )
)
