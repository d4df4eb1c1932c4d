"""The text of every file the lab writes for its hosts (pure functions, no I/O).

Layout of a lab's runtime directory ``R`` (``/run/netauto/<prefix>``)::

    R/state.json                 what `up` created (read by `down`, also after a crash)
    R/lab.json                   LabInfo: how push/verify reach the lab (--target lab)
    R/id_ed25519{,.pub}          the lab's SSH key pair; R/authorized_keys
    R/ssh_config, R/known_hosts  OpenSSH client settings (ProxyCommand through ip netns exec)
    R/nornir/                    Nornir config + SimpleInventory (hosts/groups/defaults)
    R/as-built.json              legacy lab only: the as-built network (lab.json points to it)
    R/hosts/<name>/              per host: sshd_config, host key, logs, pid files,
                                 lldpd.conf/.log/.pid (legacy lab routers)
        etc/frr/                 bound over /etc/frr in the host's private mount namespace
        run/                     bound over /run (so /var/run/frr, /run/sshd and lldpd's
                                 socket and chroot /run/lldpd{.socket,} are its own)
        home/                    $HOME of lab SSH sessions (never the machine's /root)
        tmp/                     bound over /var/tmp (FRR's per-daemon crash-log dirs)

A LAN client has no directory and no process: its namespace is a named one (``ip netns
add`` keeps it alive), and it is entered with ``ip netns exec``.
"""

from __future__ import annotations

import shlex
from pathlib import Path, PurePosixPath

import yaml

from netauto.lab.topology import LabHost, LabTopology

FRR_BIN = "/usr/lib/frr"
SSHD = "/usr/sbin/sshd"
SFTP_SERVER = "/usr/lib/openssh/sftp-server"
LLDPD = "/usr/sbin/lldpd"
RUN = PurePosixPath("/run")
FRR_FD_LIMIT = 256
"""File descriptors per FRR daemon (``--limit-fds``).

FRR sizes four arrays per event loop by it (zebra has eight loops): 1024 costs ~0.35 MB
more per router than 256. A lab router needs a few dozen: netlink and ZAPI sockets, one
per BGP peer, one per vtysh session.
"""
FRR_MALLOC_ENV = (
    "MALLOC_ARENA_MAX=1",
    "GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.top_pad=0"
    ":glibc.malloc.trim_threshold=0",
)
"""glibc malloc settings of the FRR daemons: one arena, no per-thread cache, no heap padding.

Measured on FRR 8.4 (PSS per router of zebra+staticd+ospfd+ospf6d+bgpd): one arena saves
~8 MB; the tcache and padding settings another ~0.6 MB (~3 %). FRR allocates its memory
once at start (the CLI graph, YANG), so the slower malloc path costs nothing measurable.
"""


def needs_anchor(host: LabHost) -> bool:
    """Whether ``host`` needs an anchor process (private mounts for its daemons' files).

    A LAN client runs no daemon: its named network namespace is all it needs.

    Examples:
        >>> from netauto.lab.topology import LabHost, router_daemons
        >>> c = LabHost(name="c1", kind="client", namespace="na-c1", platform="linux",
        ...             site="s", ssh=False)
        >>> needs_anchor(c), needs_anchor(c.model_copy(update={"ssh": True}))
        (False, True)
    """
    return host.ssh or host.frr or bool(host.services)


def host_dir(runtime: Path, host: LabHost) -> Path:
    """The per-host directory inside the runtime directory.

    Examples:
        >>> from netauto.lab.topology import LabHost, router_daemons
        >>> h = LabHost(name="r1", kind="router", namespace="na-r1", platform="frr",
        ...             site="s", ssh=True, daemons=router_daemons(bgp=False))
        >>> host_dir(Path("/run/netauto/na"), h).as_posix()
        '/run/netauto/na/hosts/r1'
    """
    return runtime / "hosts" / host.name


def runtime_mountpoint(runtime: Path) -> PurePosixPath | None:
    """Where the runtime dir must reappear inside a host's private ``/run`` (None: not needed).

    Examples:
        >>> runtime_mountpoint(Path("/run/netauto/na"))
        PurePosixPath('netauto/na')
        >>> runtime_mountpoint(Path("/tmp/lab")) is None
        True
    """
    try:
        return PurePosixPath(runtime).relative_to(RUN)
    except ValueError:
        return None


IGMP_MAX_MEMBERSHIPS = 1024
"""Multicast groups one socket may join (Linux default 20: too few for OSPF on a hub)."""


def anchor_script(runtime: Path, host: LabHost) -> str:
    """Shell that sets up the host's namespaces; for an anchored host, then sleeps forever.

    An anchored host's script runs under ``ip netns exec NS unshare --mount --uts
    --propagation private``; the mounts it makes are private to the host (the machine's
    /etc/frr, /run and /var/tmp are untouched). A host without anchor (a LAN client) runs it
    under ``ip netns exec NS``: network sysctls only, then it exits.
    """
    hdir = host_dir(runtime, host)
    q = shlex.quote
    anchored = needs_anchor(host)
    lines = ["set -e"]
    if anchored:
        # The private mount namespace starts as a copy of the machine's, with a bind mount
        # per named network namespace (this lab's and any other's; ~1,000 on the tree lab),
        # kernel memory per host that it never uses. One lazy umount drops them in one
        # system call (`umount --recursive` waits an RCU grace period per mount: minutes).
        lines += [
            "umount --lazy /run/netns 2>/dev/null || true",
            f"hostname {q(host.name)}",
        ]
    lines += [
        "echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad",
        "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad",
    ]
    forward = "1" if host.kind == "router" else "0"
    if host.kind == "vm":
        # A data-centre VM is statically addressed from the plan (as the playbook sets it):
        # no SLAAC address from the DC router's router advertisements.
        lines += [
            f"echo 0 > /proc/sys/net/ipv6/conf/{scope}/{knob}"
            for scope in ("all", "default")
            for knob in ("accept_ra", "autoconf")
        ]
    if host.kind == "router":
        # ospfd joins 224.0.0.5 on every interface through one socket; Linux allows 20
        # memberships per socket by default, so a hub with more links never hears the rest.
        lines.append(f"echo {IGMP_MAX_MEMBERSHIPS} > /proc/sys/net/ipv4/igmp_max_memberships")
    lines += [
        f"echo {forward} > /proc/sys/net/ipv4/ip_forward",
        f"echo {forward} > /proc/sys/net/ipv6/conf/all/forwarding",
        "ip link set lo up",
    ]
    if host.ssh:
        mountpoint = runtime_mountpoint(runtime)
        if mountpoint is not None:
            lines.append(f"mount --bind {q(str(runtime))} {q(str(hdir / 'run' / mountpoint))}")
        lines.append(f"mount --rbind {q(str(hdir / 'run'))} /run")
    if anchored:
        # FRR makes /var/tmp/frr/<daemon>.<pid>/ (crash logs) and leaves it when killed.
        lines.append(f"mount --bind {q(str(hdir / 'tmp'))} /var/tmp")
    if host.frr:
        lines.append(f"mount --bind {q(str(hdir / 'etc' / 'frr'))} /etc/frr")
    if anchored:
        lines.append("exec sleep infinity")
    return "\n".join(lines) + "\n"


def start_script(runtime: Path, host: LabHost, python: str, responder: Path) -> str:
    """Shell run inside the host's namespaces to start its daemons (FRR, sshd, responder)."""
    hdir = host_dir(runtime, host)
    q = shlex.quote
    lines = ["set -e"]
    if host.frr:
        # --limit-fds and the malloc settings: ~10 MB less per router (237 routers: ~2.3 GB).
        lines.append(f"export {' '.join(FRR_MALLOC_ENV)}")
        for daemon in host.daemons:
            lines.append(
                f"{FRR_BIN}/{daemon} -d -A 127.0.0.1 -u frr -g frr --limit-fds {FRR_FD_LIMIT} "
                f"-i /var/run/frr/{daemon}.pid --log file:/var/run/frr/{daemon}.log"
            )
    if host.startup_config is not None:
        # As a booting FRR box does (frrinit.sh): the daemons wait for their configuration,
        # and `vtysh -b` hands each its part of the integrated /etc/frr/frr.conf.
        lines.append("vtysh -b")
    if host.lldpd:
        # In the foreground with its log in the host's directory (no syslog); its control
        # socket and chroot are lldpd's defaults under /run, which is the host's own.
        lines.append(
            f"setsid {LLDPD} -d -O {q(str(hdir / 'lldpd.conf'))} "
            f"</dev/null >>{q(str(hdir / 'lldpd.log'))} 2>&1 &"
        )
        lines.append(f"echo $! > {q(str(hdir / 'lldpd.pid'))}")
    if host.services:
        args = " ".join(q(f"{s.proto}:{s.port}:{s.service}") for s in host.services)
        lines.append(
            f"setsid {q(python)} -I {q(str(responder))} --name {q(host.name)} {args} "
            f"</dev/null >>{q(str(hdir / 'responder.log'))} 2>&1 &"
        )
        lines.append(f"echo $! > {q(str(hdir / 'responder.pid'))}")
    if host.ssh:
        lines.append(f"{SSHD} -f {q(str(hdir / 'sshd_config'))} -E {q(str(hdir / 'sshd.log'))}")
    return "\n".join(lines) + "\n"


def sshd_config(runtime: Path, host: LabHost) -> str:
    """The host's own sshd configuration: 127.0.0.1:22 in its namespace, lab key only."""
    hdir = host_dir(runtime, host)
    return (
        "# netauto lab: sshd of one lab host (never the machine's own sshd)\n"
        "ListenAddress 127.0.0.1:22\n"
        f"HostKey {hdir / 'ssh_host_ed25519_key'}\n"
        f"PidFile {hdir / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {runtime / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "UseDNS no\n"
        "PrintMotd no\n"
        "PrintLastLog no\n"
        "MaxStartups 64:30:128\n"
        # Sessions log in as root with a home of the lab's: the machine's dotfiles
        # (~/.bashrc, ~/.ansible, ...) are neither read nor written by lab sessions.
        f"SetEnv HOME={hdir / 'home'}\n"
        f"Subsystem sftp {SFTP_SERVER}\n"
    )


def frr_daemons_file(host: LabHost) -> str:
    """``/etc/frr/daemons`` of a lab router: the daemons it runs, as a real box lists them.

    Examples:
        >>> from netauto.lab.topology import LabHost, router_daemons
        >>> h = LabHost(name="r1", kind="router", namespace="na-r1", platform="frr",
        ...             site="s", ssh=True, daemons=router_daemons(bgp=False))
        >>> text = frr_daemons_file(h)
        >>> "ospf6d=yes" in text, "bgpd=no" in text, "isisd=no" in text
        (True, True, True)
        >>> "bgpd=yes" in frr_daemons_file(h.model_copy(update={"daemons": router_daemons(True)}))
        True
    """
    running = set(host.daemons)
    names = ["bgpd", "ospfd", "ospf6d", "ripd", "ripngd", "isisd", "pimd", "ldpd", "nhrpd",
             "eigrpd", "babeld", "sharpd", "pbrd", "bfdd", "fabricd", "vrrpd", "pathd"]  # fmt: skip
    lines = ["# netauto lab: daemons started in this router's namespace"]
    lines += [f"{n}={'yes' if n in running else 'no'}" for n in names]
    lines += [
        "vtysh_enable=yes",
        'zebra_options="  -A 127.0.0.1"',
        'bgpd_options="   -A 127.0.0.1"',
        'ospfd_options="  -A 127.0.0.1"',
        'ospf6d_options=" -A 127.0.0.1"',
        'staticd_options="-A 127.0.0.1"',
    ]
    return "\n".join(lines) + "\n"


def frr_conf(host: LabHost) -> str:
    """The router's ``frr.conf``: its startup configuration (legacy lab), else factory-fresh.

    Factory-fresh is the hostname and nothing else.

    Examples:
        >>> from netauto.lab.topology import LabHost, router_daemons
        >>> h = LabHost(name="r1", kind="router", namespace="na-r1", platform="frr",
        ...             site="s", ssh=True, daemons=router_daemons(bgp=False))
        >>> print(frr_conf(h), end="")
        frr defaults traditional
        hostname r1
        !
        >>> frr_conf(h.model_copy(update={"startup_config": "hostname r1\\n"}))
        'hostname r1\\n'
    """
    if host.startup_config is not None:
        return host.startup_config
    return f"frr defaults traditional\nhostname {host.name}\n!\n"


LLDP_TX_INTERVAL = 5
"""Seconds between LLDP frames (lldpd's default is 30): neighbours show up soon after ``up``."""
LLDPD_CONF = (
    "# netauto lab: lldpd of one lab router\n"
    "configure lldp portidsubtype ifname\n"
    f"configure lldp tx-interval {LLDP_TX_INTERVAL}\n"
)
"""lldpd's start-up commands: port ids are interface names (what a neighbour table lists)."""


VTYSH_CONF = "service integrated-vtysh-config\n"


def ssh_client_config(runtime: Path, topo: LabTopology) -> str:
    """OpenSSH client settings for every lab host with sshd (used through ``-F``).

    Netmiko and Napalm read it through ``ssh_config_file``; plain ``ssh -F`` works too.
    """
    blocks = [f"# netauto lab {topo.prefix}: generated by `netauto lab up`; do not edit\n"]
    for host in topo.hosts:
        if not host.ssh:
            continue
        blocks.append(
            f"Host {host.name}\n"
            f"  HostName {host.name}\n"
            f"  ProxyCommand ip netns exec {host.namespace} nc 127.0.0.1 22\n"
            "  User root\n"
            f"  IdentityFile {runtime / 'id_ed25519'}\n"
            "  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {runtime / 'known_hosts'}\n"
            "  StrictHostKeyChecking accept-new\n"
            "  ConnectTimeout 10\n"
            "  ServerAliveInterval 15\n"
        )
    return "\n".join(blocks)


def known_hosts(topo: LabTopology, host_keys: dict[str, str]) -> str:
    """``known_hosts`` lines for the lab's hosts (host keys are made by the lab, so known).

    Examples:
        >>> from netauto.lab.topology import LabHost, LabTopology, router_daemons
        >>> h = LabHost(name="r1", kind="router", namespace="na-r1", platform="frr",
        ...             site="s", ssh=True, daemons=router_daemons(bgp=False))
        >>> t = LabTopology(prefix="na-", province="p", hosts=[h], veths=[], bridges=[])
        >>> known_hosts(t, {"r1": "ssh-ed25519 AAAA"})
        'r1 ssh-ed25519 AAAA\\n'
    """
    return "".join(f"{h.name} {host_keys[h.name]}\n" for h in topo.hosts if h.ssh)


def nornir_files(runtime: Path, topo: LabTopology) -> dict[str, str]:
    """Nornir's config and SimpleInventory files for ``--target lab``, by file name."""
    ndir = runtime / "nornir"
    ssh_config = str(runtime / "ssh_config")
    key = str(runtime / "id_ed25519")
    hosts: dict[str, object] = {}
    for host in topo.hosts:
        if not host.ssh:
            continue
        hosts[host.name] = {
            "hostname": host.name,
            "platform": host.platform,
            "groups": [f"lab-{host.kind}s"],
            "data": {
                "lab_namespace": host.namespace,
                "lab_kind": host.kind,
                "site": host.site,
                "addresses": [str(a) for a in host.addresses],
            },
        }
    groups = {
        "lab-routers": {
            "connection_options": {
                "netmiko": {"platform": "linux"},
                "napalm": {"platform": "frr"},
            }
        },
        "lab-vms": {"connection_options": {"netmiko": {"platform": "linux"}}},
    }
    defaults = {
        "username": "root",
        "port": 22,
        "connection_options": {
            "netmiko": {
                "extras": {"ssh_config_file": ssh_config, "use_keys": True, "key_file": key}
            },
            "napalm": {
                "extras": {
                    "optional_args": {
                        "ssh_config_file": ssh_config,
                        "key_file": key,
                        "use_keys": True,
                    }
                }
            },
        },
    }
    config = {
        "inventory": {
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(ndir / "hosts.yaml"),
                "group_file": str(ndir / "groups.yaml"),
                "defaults_file": str(ndir / "defaults.yaml"),
            },
        },
        "runner": {"plugin": "threaded", "options": {"num_workers": 20}},
        "logging": {"enabled": False},
    }

    def dump(data: object) -> str:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    return {
        "config.yaml": dump(config),
        "hosts.yaml": dump(hosts),
        "groups.yaml": dump(groups),
        "defaults.yaml": dump(defaults),
    }
