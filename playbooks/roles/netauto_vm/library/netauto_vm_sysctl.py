#!/usr/bin/python3
"""Ansible module: set kernel parameters of the VM's own network namespace (like ``sysctl -w``).

Writes ``/proc/sys`` only: ``net.*`` keys are private to the network namespace, so this is
safe on a lab "VM" that shares its filesystem with the host; ``/etc/sysctl.d`` is never written.
Honours check mode and diff mode.
"""

from __future__ import annotations

from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: netauto_vm_sysctl
short_description: Set namespace sysctls (check and diff aware)
options:
  settings:
    description: Mapping of sysctl key (dotted) to desired value.
    type: dict
    required: true
"""


def proc_path(key: str) -> Path:
    """``net.ipv6.conf.eth0.accept_ra`` -> ``/proc/sys/net/ipv6/conf/eth0/accept_ra``."""
    return Path("/proc/sys") / key.replace(".", "/")


def main() -> None:
    module = AnsibleModule(
        argument_spec={"settings": {"type": "dict", "required": True}},
        supports_check_mode=True,
    )
    settings = {str(k): str(v) for k, v in module.params["settings"].items()}
    before: list[str] = []
    after: list[str] = []
    changed_keys: list[str] = []
    for key in sorted(settings):
        path = proc_path(key)
        try:
            current = path.read_text().strip()
        except OSError as exc:
            module.fail_json(msg=f"cannot read sysctl {key}: {exc}")
        wanted = settings[key]
        before.append(f"{key} = {current}\n")
        after.append(f"{key} = {wanted}\n")
        if current.split() == wanted.split():
            continue
        changed_keys.append(key)
        if not module.check_mode:
            try:
                path.write_text(wanted + "\n")
            except OSError as exc:
                module.fail_json(msg=f"cannot set sysctl {key}={wanted}: {exc}")
    result = {"changed": bool(changed_keys), "keys": changed_keys}
    if module._diff and changed_keys:
        result["diff"] = {
            "before_header": "sysctl (running)",
            "after_header": "sysctl (netauto)",
            "before": "".join(before),
            "after": "".join(after),
        }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
