"""Which WAN links talk eBGP instead of OSPF: one rule, read by render and by the lab (pure).

A site's ``routing`` in the SoT (``ospf``, the default, or ``ebgp``) says how its router
talks to its hub; a caller may add sites on top (``netauto render --ebgp-site``,
``netauto lab up --ebgp-site``). A WAN link is eBGP when the site at *either* end is an
eBGP site, so a hub speaks BGP on exactly the links to its eBGP sites. Render uses
:func:`link_is_ebgp` to choose each interface's routing; the lab uses :func:`bgp_routers`
to start ``bgpd`` only on routers whose rendered configuration has ``router bgp``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from netauto.plan.models import LinkPlan, Plan
from netauto.sot.models import SoT


def ebgp_sites(sot: SoT, extra: Iterable[str] = ()) -> frozenset[str]:
    """Slugs of the sites that talk eBGP: ``routing: ebgp`` in the SoT, plus ``extra``.

    Examples:
        >>> from netauto.sot.models import Site
        >>> class _Sot:  # the only part of a SoT this reads
        ...     sites = [Site(site_id=1, slug="a", kind="commune", name="A", routing="ebgp"),
        ...              Site(site_id=2, slug="b", kind="commune", name="B")]
        >>> sorted(ebgp_sites(_Sot()))  # type: ignore[arg-type]
        ['a']
        >>> sorted(ebgp_sites(_Sot(), ["b"]))  # type: ignore[arg-type]
        ['a', 'b']
    """
    return frozenset(s.slug for s in sot.sites if s.routing == "ebgp") | frozenset(extra)


def device_sites(plan: Plan) -> dict[str, str]:
    """Hostname -> site slug of every device of the plan."""
    return {dev.hostname: dev.site for dev in plan.devices}


def link_is_ebgp(link: LinkPlan, site_of: Mapping[str, str], ebgp: frozenset[str]) -> bool:
    """Whether ``link`` talks eBGP: the site of either end is in ``ebgp``.

    ``site_of`` maps hostnames to site slugs (:func:`device_sites`).

    Examples:
        >>> from types import SimpleNamespace as N
        >>> link = N(a=N(device="hub-r1"), b=N(device="cm-r1"))
        >>> sites = {"hub-r1": "hub-01", "cm-r1": "cm"}
        >>> link_is_ebgp(link, sites, frozenset({"cm"}))  # type: ignore[arg-type]
        True
        >>> link_is_ebgp(link, sites, frozenset({"other"}))  # type: ignore[arg-type]
        False
    """
    if not ebgp:
        return False
    return site_of.get(link.a.device) in ebgp or site_of.get(link.b.device) in ebgp


def bgp_routers(plan: Plan, ebgp: frozenset[str]) -> frozenset[str]:
    """Hostnames with at least one eBGP link: the routers whose configuration has BGP."""
    if not ebgp:
        return frozenset()
    site_of = device_sites(plan)
    found: set[str] = set()
    for link in plan.links:
        if link_is_ebgp(link, site_of, ebgp):
            found |= {link.a.device, link.b.device}
    return frozenset(found)
