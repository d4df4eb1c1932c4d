"""``netauto plan --format``: the whole plan as JSON, YAML or CSV text (pure)."""

from __future__ import annotations

import csv
import io
from typing import Literal

import yaml

from netauto.plan.models import Plan

Format = Literal["json", "yaml", "csv"]
CSV_COLUMNS = (
    "record",
    "site_id",
    "site",
    "device",
    "interface",
    "link",
    "lan",
    "vlan",
    "peer",
    "ipv4",
    "ipv6",
)


def plan_text(plan: Plan, fmt: Format) -> str:
    """The plan serialised as ``fmt``.

    JSON and YAML carry the whole model; CSV has one row per site prefix, LAN, interface,
    link and VM (columns :data:`CSV_COLUMNS`), handy for spreadsheets and audits.
    """
    if fmt == "json":
        return plan.model_dump_json(indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(
            plan.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
        )
    return plan_csv(plan)


def plan_csv(plan: Plan) -> str:
    """One CSV row per planned prefix or address."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for site in plan.sites:
        writer.writerow(
            {"record": "site", "site_id": site.site_id, "site": site.slug, "ipv6": site.prefix6}
        )
        for lan in site.lans:
            writer.writerow(
                {
                    "record": "lan",
                    "site_id": site.site_id,
                    "site": site.slug,
                    "device": lan.device,
                    "interface": lan.interface,
                    "lan": lan.key,
                    "vlan": lan.vlan,
                    "ipv4": lan.ipv4,
                    "ipv6": lan.ipv6,
                }
            )
    for dev in plan.devices:
        for iface in dev.interfaces:
            writer.writerow(
                {
                    "record": f"interface-{iface.kind}",
                    "site_id": dev.site_id,
                    "site": dev.site,
                    "device": dev.hostname,
                    "interface": iface.name,
                    "link": iface.link_id or "",
                    "lan": iface.lan or "",
                    "vlan": iface.vlan or "",
                    "peer": iface.peer or "",
                    "ipv4": iface.ipv4 or "",
                    "ipv6": iface.ipv6 or "",
                }
            )
    for link in plan.links:
        writer.writerow(
            {
                "record": "link",
                "device": link.a.device,
                "interface": link.a.interface,
                "link": link.id,
                "peer": f"{link.b.device}:{link.b.interface}",
                "ipv4": link.network4,
                "ipv6": link.reserved6,
            }
        )
    for vm in plan.vms:
        writer.writerow(
            {
                "record": "vm",
                "site": vm.site,
                "device": vm.name,
                "lan": vm.network,
                "ipv4": vm.ipv4,
                "ipv6": vm.ipv6,
            }
        )
    return buffer.getvalue()
