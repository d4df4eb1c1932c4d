#!/usr/bin/python3
"""Ansible module: exactly these global addresses and default routes on one interface.

Uses ``ip -j`` to read the interface (so it works wherever iproute2 does, including a network
namespace with no systemd) and ``ip addr``/``ip route`` to converge it:

* the link is up;
* the global-scope addresses of the interface are exactly ``addresses`` (missing ones are
  added, others removed: a wrong address is drift and gets replaced; link-local addresses are
  left alone);
* the default route of each family is via ``gateway4``/``gateway6`` on the interface.

Honours check mode (reports what would change) and diff mode.
"""

from __future__ import annotations

import ipaddress
import json

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: netauto_vm_interface
short_description: Dual-stack addresses and default routes of an interface (check/diff aware)
options:
  interface: {description: Interface name., type: str, required: true}
  addresses:
    {description: Addresses with prefix length (IPv4 and IPv6)., type: list, elements: str}
  gateway4: {description: IPv4 default gateway ("" = leave alone)., type: str, default: ""}
  gateway6: {description: IPv6 default gateway ("" = leave alone)., type: str, default: ""}
  nodad:
    {description: Add IPv6 addresses without DAD (labs)., type: bool, default: false}
"""


def ip_json(module: AnsibleModule, args: list[str]) -> list[dict[str, object]]:
    rc, out, err = module.run_command(["ip", "-j", *args])
    if rc != 0:
        module.fail_json(msg=f"ip {' '.join(args)} failed: {(err or out).strip()}", rc=rc)
    data = json.loads(out or "[]")
    return data if isinstance(data, list) else []


def run(module: AnsibleModule, argv: list[str]) -> None:
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg=f"{' '.join(argv)} failed: {(err or out).strip()}", rc=rc)


def default_gateway(module: AnsibleModule, family: str, interface: str) -> list[str]:
    routes = ip_json(module, [family, "route", "show", "default"])
    return sorted(
        f"{r.get('gateway', '')} dev {r.get('dev', '')}"
        for r in routes
        if r.get("dst") == "default"
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "interface": {"type": "str", "required": True},
            "addresses": {"type": "list", "elements": "str", "default": []},
            "gateway4": {"type": "str", "default": ""},
            "gateway6": {"type": "str", "default": ""},
            "nodad": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    ifname: str = module.params["interface"]
    try:
        wanted = {str(ipaddress.ip_interface(a)) for a in module.params["addresses"]}
    except ValueError as exc:
        module.fail_json(msg=f"bad address: {exc}")

    rc, out, err = module.run_command(["ip", "-j", "addr", "show", "dev", ifname])
    if rc != 0:
        module.fail_json(msg=f"interface {ifname} not found on this host: {(err or out).strip()}")
    links = json.loads(out or "[]")
    link = links[0] if links else {}
    up = "UP" in link.get("flags", [])
    present = {
        str(ipaddress.ip_interface(f"{a['local']}/{a['prefixlen']}"))
        for a in link.get("addr_info", [])
        if a.get("scope") == "global" and a.get("family") in ("inet", "inet6")
    }
    gateways = {"-4": module.params["gateway4"], "-6": module.params["gateway6"]}
    routes_before = {fam: default_gateway(module, fam, ifname) for fam in gateways}
    routes_after = {
        fam: ([f"{gw} dev {ifname}"] if gw else routes_before[fam]) for fam, gw in gateways.items()
    }

    actions: list[list[str]] = []
    if not up:
        actions.append(["ip", "link", "set", "dev", ifname, "up"])
    for addr in sorted(present - wanted):
        actions.append(["ip", "addr", "del", addr, "dev", ifname])
    for addr in sorted(wanted - present):
        extra = ["nodad"] if module.params["nodad"] and ":" in addr else []
        actions.append(["ip", "addr", "add", addr, "dev", ifname, *extra])
    readdressed = bool(actions)  # removing an address can take the default route with it
    for fam, gw in gateways.items():
        if gw and (readdressed or routes_before[fam] != routes_after[fam]):
            # "replace" keeps the default route in place while it changes; stale extra default
            # routes on other interfaces are removed first.
            for stale in routes_before[fam]:
                if stale != f"{gw} dev {ifname}":
                    via, _, dev = stale.partition(" dev ")
                    argv = ["ip", fam, "route", "del", "default"]
                    argv += (["via", via] if via else []) + (["dev", dev] if dev else [])
                    actions.append(argv)
            actions.append(["ip", fam, "route", "replace", "default", "via", gw, "dev", ifname])

    result: dict[str, object] = {
        "changed": bool(actions),
        "commands": [" ".join(a) for a in actions],
    }
    if module._diff and actions:

        def state(addrs: set[str], routes: dict[str, list[str]], link_up: bool) -> str:
            lines = [f"link {ifname} {'up' if link_up else 'down'}"]
            lines += [f"address {a}" for a in sorted(addrs)]
            label = {"-4": "ipv4", "-6": "ipv6"}
            lines += [f"default {label[f]} via {r}" for f in sorted(routes) for r in routes[f]]
            return "\n".join(lines) + "\n"

        result["diff"] = {
            "before_header": f"{ifname} (running)",
            "after_header": f"{ifname} (netauto)",
            "before": state(present, routes_before, up),
            "after": state(wanted, routes_after, True),
        }
    if not module.check_mode:
        for argv in actions:
            run(module, argv)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
