"""Huawei VRP: the community driver ``napalm-huawei-vrp`` (no revert timer: netauto
emulates commit-confirm). Not offered for push when that driver is not installed."""

from netauto.platforms import Platform, register

HUAWEI_VRP = register(
    Platform(
        name="huawei_vrp",
        description="Huawei VRP",
        router=True,
        wan=lambda n: f"GigabitEthernet0/0/{n}",
        lan=lambda vlan: f"Vlanif{vlan}",
        loopback="LoopBack0",
        templates="huawei_vrp",
        netmiko_device_type="huawei",
        napalm_driver="huawei_vrp",
        napalm_module="napalm_huawei_vrp",
        commit_confirm="emulated",
        saved_config="vrp",
        reader="vrp",
    )
)
