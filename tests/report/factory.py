"""Build realistic ``VerifyRun``s for history and report tests (no network needed).

``tiny_run`` mirrors ``tests/data/tiny`` (3 communes, services lgsp and portal);
``province_run`` is a 64-commune Cà Mau-sized run with Vietnamese names.
"""

from __future__ import annotations

from collections.abc import Mapping

from netauto.sot.models import SoT
from netauto.verify.models import CheckResult, RunInfo, SiteInfo, Status, VerifyRun

FAMILIES = ("ipv4", "ipv6")

TINY_COMMUNES = [
    SiteInfo(
        slug="phuong-an-xuyen",
        site_id=1001,
        name="Phường An Xuyên",
        kind="commune",
        hub="hub-01",
        commune_code="32002",
    ),
    SiteInfo(
        slug="phuong-ly-van-lam",
        site_id=1002,
        name="Phường Lý Văn Lâm",
        kind="commune",
        hub="hub-01",
        commune_code="32005",
    ),
    SiteInfo(
        slug="xa-tan-thanh",
        site_id=1003,
        name="Xã Tân Thành",
        kind="commune",
        hub="hub-01",
        commune_code="32008",
    ),
]
TINY_OTHERS = [
    SiteInfo(slug="dc", site_id=1, name="Trung tâm dữ liệu tỉnh", kind="data-centre"),
    SiteInfo(slug="hub-01", site_id=10, name="Điểm tập trung 01", kind="hub"),
]

_BASES = [
    "Phường An Xuyên",
    "Phường Lý Văn Lâm",
    "Phường Tân Thành",
    "Phường Hòa Thành",
    "Phường Bạc Liêu",
    "Phường Vĩnh Trạch",
    "Phường Hiệp Thành",
    "Phường Giá Rai",
    "Xã Tân Thành",
    "Xã Khánh Bình",
    "Xã Đá Bạc",
    "Xã Trần Văn Thời",
    "Xã Sông Đốc",
    "Xã U Minh",
    "Xã Nguyễn Phích",
    "Xã Thới Bình",
    "Xã Biển Bạch",
    "Xã Hồ Thị Kỷ",
    "Xã Cái Nước",
    "Xã Phú Tân",
    "Xã Đầm Dơi",
    "Xã Năm Căn",
    "Xã Ngọc Hiển",
    "Xã Đất Mũi",
    "Xã Hồng Dân",
    "Xã Phước Long",
    "Xã Vĩnh Lợi",
    "Xã Đông Hải",
    "Xã Hòa Bình",
    "Xã Quản Lộ",
    "Xã Lương Thế Trân",
    "Xã Tạ An Khương",
]
PROVINCE_SERVICES = ["lgsp", "portal", "mail", "one-stop", "video"]


def info(started: str = "2025-11-03T02:00:00+00:00", target: str = "lab") -> RunInfo:
    return RunInfo(
        started=started,
        finished=started.replace("02:00:00", "02:03:41"),
        target=target,
        province="Cà Mau",
        province_code=96,
        inventory="inventory",
        sot_sha256="ab" * 32,
        netauto_version="0.1.0",
        operator="Nguyễn Văn Kiểm",
    )


def _reach(site: SiteInfo, service: str, family: str, status: Status, n: int) -> CheckResult:
    port = 443
    address = f"2001:db8:9610:100::{n + 10}" if family == "ipv6" else f"10.96.100.{n + 10}"
    evidence = {
        "pass": "",
        "fail": f"tcp connect to {address} port {port}: timed out after 3.0 s",
        "error": "ssh: connection closed by remote host while running `nc -z`",
        "skip": "no probe for this family on the site's LAN client",
    }[status]
    return CheckResult(
        id=f"reach:{site.slug}:{service}:{family}:tcp{port}",
        kind="reachability",
        probe="tcp",
        site=site.slug,
        host=f"{site.slug}-lan10",
        source="lan10",
        target=service,
        target_address=address,
        family=family,
        port=port,
        expect="reach",
        status=status,
        rtt_ms=round(1.2 + 0.37 * (n % 9) + (0.5 if family == "ipv6" else 0.0), 3)
        if status == "pass"
        else None,
        evidence=evidence,
        duration_s=0.05,
    )


def build_run(
    communes: list[SiteInfo],
    others: list[SiteInfo],
    services: list[str],
    *,
    statuses: Mapping[tuple[str, str, str], Status] | None = None,
    isolation_breaks: frozenset[tuple[str, str]] = frozenset(),
    route_findings: frozenset[str] = frozenset(),
    started: str = "2025-11-03T02:00:00+00:00",
    target: str = "lab",
) -> VerifyRun:
    """A run where everything passes except ``statuses[(commune, service, family)]``,
    the isolation pairs in ``isolation_breaks`` and OSPF on the ``route_findings`` sites.
    """
    statuses = statuses or {}
    checks: list[CheckResult] = []
    for n, site in enumerate(communes):
        for service in services:
            for family in FAMILIES:
                status = statuses.get((site.slug, service, family), "pass")
                checks.append(_reach(site, service, family, status, n))
    # Isolation: each commune towards the next one, both families.
    for a, b in zip(communes, communes[1:] + communes[:1], strict=True):
        if a.slug == b.slug:
            continue
        for family in FAMILIES:
            broken = (a.slug, b.slug) in isolation_breaks
            checks.append(
                CheckResult(
                    id=f"isol:{a.slug}:{b.slug}:{family}",
                    kind="isolation",
                    probe="ping",
                    site=a.slug,
                    host=f"{a.slug}-lan10",
                    target=b.slug,
                    family=family,
                    expect="blocked",
                    status="fail" if broken else "pass",
                    evidence="64 bytes from peer: icmp_seq=1 ttl=62 time=2.1 ms" if broken else "",
                )
            )
    for site in [*others, *communes]:
        for probe in ("ospf", "ospf6"):
            bad = site.slug in route_findings and probe == "ospf6"
            checks.append(
                CheckResult(
                    id=f"route:{site.slug}:{probe}",
                    kind="routing",
                    probe=probe,
                    site=site.slug,
                    host=f"{site.slug}-r1",
                    target="area 0",
                    family="ipv6" if probe == "ospf6" else "ipv4",
                    expect="up",
                    status="fail" if bad else "pass",
                    evidence="neighbour 10.96.0.1 state Init (expected Full)" if bad else "",
                )
            )
    return VerifyRun(
        info=info(started, target),
        sites=[*others, *communes],
        services=services,
        checks=checks,
    )


def tiny_run(**kwargs: object) -> VerifyRun:
    """A run of the tiny SoT: 3 communes, lgsp + portal."""
    return build_run(TINY_COMMUNES, TINY_OTHERS, ["lgsp", "portal"], **kwargs)  # type: ignore[arg-type]


def province_communes(count: int = 64, hubs: int = 4) -> list[SiteInfo]:
    """``count`` communes with Vietnamese names spread over ``hubs`` hubs."""
    sites = []
    for i in range(count):
        base = _BASES[i % len(_BASES)]
        name = base if i < len(_BASES) else f"{base} {i // len(_BASES) + 1}"
        sites.append(
            SiteInfo(
                slug=f"site-{3001 + i}",
                site_id=3001 + i,
                name=name,
                kind="commune",
                hub=f"hub-{i % hubs + 1:02d}",
                commune_code=f"{32002 + 3 * i:05d}",
            )
        )
    return sites


def province_others(hubs: int = 4) -> list[SiteInfo]:
    return [
        SiteInfo(slug="dc", site_id=1, name="Trung tâm dữ liệu tỉnh Cà Mau", kind="data-centre"),
        *(
            SiteInfo(
                slug=f"hub-{h:02d}", site_id=10 + h, name=f"Điểm tập trung {h:02d}", kind="hub"
            )
            for h in range(1, hubs + 1)
        ),
    ]


#: The three communes that are not dual-stack connected in ``province_run``: 61/64.
PROVINCE_FAILURES: dict[tuple[str, str, str], Status] = {
    ("site-3005", "lgsp", "ipv6"): "fail",  # Phường Bạc Liêu
    ("site-3012", "portal", "ipv4"): "error",  # Xã Trần Văn Thời
    ("site-3020", "video", "ipv6"): "skip",  # Xã Phú Tân
}


def province_run(
    statuses: Mapping[tuple[str, str, str], Status] | None = None,
    started: str = "2025-11-03T02:00:00+00:00",
    **kwargs: object,
) -> VerifyRun:
    """64 communes over 4 hubs, 5 services; by default 61/64 dual-stack connected."""
    return build_run(
        province_communes(),
        province_others(),
        PROVINCE_SERVICES,
        statuses=PROVINCE_FAILURES if statuses is None else statuses,
        started=started,
        **kwargs,  # type: ignore[arg-type]
    )


def run_from_sot(
    sot: SoT,
    statuses: Mapping[tuple[str, str, str], Status] | None = None,
    **kwargs: object,
) -> VerifyRun:
    """A run over a real SoT's sites and services (what `netauto verify` would check)."""
    infos = [
        SiteInfo(
            slug=s.slug,
            site_id=s.site_id,
            name=s.name,
            kind=s.kind,
            hub=s.hub,
            commune_code=s.commune_code,
        )
        for s in sot.sites
    ]
    communes = [s for s in infos if s.kind == "commune"]
    others = [s for s in infos if s.kind != "commune"]
    run = build_run(communes, others, sorted(sot.services), statuses=statuses, **kwargs)  # type: ignore[arg-type]
    info = run.info.model_copy(
        update={"province": sot.province.name, "province_code": sot.province.code}
    )
    return run.model_copy(update={"info": info})
