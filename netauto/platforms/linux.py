"""A data-centre Linux VM: configured by Ansible (``playbooks/``), not a router."""

from netauto.platforms import Platform, register

LINUX = register(
    Platform(
        name="linux",
        description="Linux host (data-centre VM), configured with Ansible",
        router=False,
        wan=lambda n: f"eth{n}",
        lan=lambda vlan: f"lan{vlan}",
        loopback="lo",
        templates="linux",
        netmiko_device_type="linux",
        in_lab=True,
    )
)
