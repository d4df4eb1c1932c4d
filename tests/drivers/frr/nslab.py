"""A two-router FRR lab in network namespaces, for the driver's live tests.

Each router is a network namespace ``nd-<name>``. Inside it, FRR (zebra, staticd, ospfd,
ospf6d, bgpd) and an sshd on 127.0.0.1:22 run in a private mount namespace where ``/etc/frr``
and ``/var/run/frr`` are the router's own directories, so over SSH the router looks like a
plain FRR box. The host's sshd, users and FRR service are never touched: sshd has its own
config, host keys and authorized_keys; the client reaches it through an OpenSSH config with
``ProxyCommand ip netns exec <ns> nc 127.0.0.1 22``.

This is a test helper, deliberately small; ``netauto lab`` is the project's real lab.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "nd-"
DAEMONS = ("zebra", "staticd", "ospfd", "ospf6d", "bgpd")
FRR_UID = "frr"


def run(*argv: str, check: bool = True, stdin: str | None = None) -> str:
    """Run a command on the host and return its stdout."""
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} -> {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


@dataclass
class Router:
    """One lab router: its namespace, its private directories and how to reach it."""

    name: str
    root: Path
    frr_conf: str
    netns: str = ""
    etc: Path = field(init=False)
    rundir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.netns = PREFIX + self.name
        self.etc = self.root / "etc-frr"
        self.rundir = self.root / "run-frr"

    def exec(self, *argv: str, check: bool = True) -> str:
        """Run a command in the router's network namespace (host mount namespace)."""
        return run("ip", "netns", "exec", self.netns, *argv, check=check)


@dataclass
class Lab:
    """The lab: routers, the SSH key and the OpenSSH client config that reaches them."""

    root: Path
    routers: dict[str, Router]
    key: Path
    ssh_config: Path

    def optional_args(self) -> dict[str, object]:
        """The Napalm ``optional_args`` that reach the routers through the lab's ssh_config."""
        return {
            "ssh_config_file": str(self.ssh_config),
            "key_file": str(self.key),
            "use_keys": True,
            "allow_agent": False,
        }


def _sshd_config(root: Path) -> str:
    return (
        "ListenAddress 127.0.0.1\n"
        "Port 22\n"
        f"HostKey {root}/ssh_host_ed25519_key\n"
        f"PidFile {root}/sshd.pid\n"
        f"AuthorizedKeysFile {root}/authorized_keys\n"
        "PermitRootLogin prohibit-password\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "StrictModes no\n"
        "Subsystem sftp internal-sftp\n"
    )


def _start_script(router: Router) -> str:
    """Shell run inside ``unshare -m -u``: own hostname (vtysh prints the UTS hostname in
    ``show running-config``), private /run, router's /etc/frr, daemons, sshd."""
    lines = [
        "set -e",
        f"hostname {router.name}",
        "mount --make-rprivate /",
        "mount -t tmpfs -o mode=0755 tmpfs /run",
        "mkdir -p /run/sshd /run/frr",
        f"mount --bind {router.rundir} /run/frr",
        f"mount --bind {router.etc} /etc/frr",
        f"mount --bind {router.root / 'log'} /var/log/frr",
    ]
    for daemon in DAEMONS:
        lines.append(f"/usr/lib/frr/{daemon} -d -P 0 -A 127.0.0.1")
    lines += [
        "for i in $(seq 50); do [ -S /run/frr/bgpd.vty ] && break; sleep 0.1; done",
        "vtysh -b >/dev/null",
        f"/usr/sbin/sshd -f {router.root}/sshd_config",
    ]
    return "\n".join(lines)


def start(root: Path, configs: dict[str, str], links: list[tuple[str, str]]) -> Lab:
    """Create routers ``configs`` (name -> frr.conf) joined by veth ``links`` (eth1, eth2...).

    Link ``(a, b)`` creates ``eth<N>`` on both ends, N counting per router from 1.
    """
    key = root / "id_ed25519"
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
    routers: dict[str, Router] = {}
    ssh_config_lines: list[str] = []
    for name, conf in configs.items():
        router = Router(name, root / name, conf)
        routers[name] = router
        for d in (router.root, router.etc, router.rundir, router.root / "log"):
            d.mkdir(parents=True, exist_ok=True)
        (router.etc / "frr.conf").write_text(conf)
        (router.etc / "vtysh.conf").write_text("service integrated-vtysh-config\n")
        (router.etc / "daemons").write_text("".join(f"{d}=yes\n" for d in DAEMONS[2:]))
        for d in (router.etc, router.rundir, router.root / "log"):
            shutil.chown(d, FRR_UID, FRR_UID)
            for f in d.iterdir():
                shutil.chown(f, FRR_UID, FRR_UID)
        run(
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-f",
            str(router.root / "ssh_host_ed25519_key"),
        )
        shutil.copy(key.with_suffix(".pub"), router.root / "authorized_keys")
        (router.root / "sshd_config").write_text(_sshd_config(router.root))
        run("ip", "netns", "add", router.netns)
        router.exec("ip", "link", "set", "lo", "up")
        router.exec(
            "sysctl",
            "-q",
            "-w",
            "net.ipv6.conf.all.accept_dad=0",
            "net.ipv6.conf.default.accept_dad=0",
            "net.ipv4.ip_forward=1",
            "net.ipv6.conf.all.forwarding=1",
        )
        ssh_config_lines += [
            f"Host {name}",
            f"  HostName {name}",
            f"  ProxyCommand ip netns exec {router.netns} nc 127.0.0.1 22",
            "  User root",
            f"  IdentityFile {key}",
            f"  UserKnownHostsFile {root}/known_hosts",
            "  StrictHostKeyChecking accept-new",
            "",
        ]
    counters = dict.fromkeys(routers, 0)
    for a, b in links:
        counters[a] += 1
        counters[b] += 1
        ra, rb = routers[a], routers[b]
        run(
            "ip",
            "-n",
            ra.netns,
            "link",
            "add",
            f"eth{counters[a]}",
            "type",
            "veth",
            "peer",
            "name",
            f"eth{counters[b]}",
            "netns",
            rb.netns,
        )
        run("ip", "-n", ra.netns, "link", "set", f"eth{counters[a]}", "up")
        run("ip", "-n", rb.netns, "link", "set", f"eth{counters[b]}", "up")
    for router in routers.values():
        run(
            "ip",
            "netns",
            "exec",
            router.netns,
            "unshare",
            "-m",
            "-u",
            "--propagation",
            "private",
            "sh",
            "-c",
            _start_script(router),
        )
    ssh_config = root / "ssh_config"
    ssh_config.write_text("\n".join(ssh_config_lines))
    return Lab(root, routers, key, ssh_config)


def stop(lab: Lab) -> None:
    """Kill everything in the lab's namespaces and delete them."""
    for router in lab.routers.values():
        pids = run("ip", "netns", "pids", router.netns, check=False).split()
        if pids:
            run("kill", *pids, check=False)
            for _ in range(50):
                if not run("ip", "netns", "pids", router.netns, check=False).split():
                    break
                time.sleep(0.1)
            left = run("ip", "netns", "pids", router.netns, check=False).split()
            if left:
                run("kill", "-9", *left, check=False)
        run("ip", "netns", "del", router.netns, check=False)


def leftover_namespaces() -> list[str]:
    """Namespaces with the lab's prefix still present on the host."""
    return [
        line.split()[0]
        for line in run("ip", "netns", "list").splitlines()
        if line.startswith(PREFIX)
    ]


def new_root() -> Path:
    """A fresh temporary directory for one lab."""
    return Path(tempfile.mkdtemp(prefix="nd-lab-"))
