"""`push --vms` against real VM namespaces with real sshd and real Ansible (needs root).

The fixture builds a small slice of the tiny province with prefix ``nhm-`` (``nv-`` belongs to
the lab's own tests, whose ``lab down`` removes every ``nv-`` namespace): the DC router
namespace (bridge ``lan100`` + a commune office LAN ``lan10``), the two data-centre VMs as
factory-fresh namespaces (``eth0`` on the bridge, no address, own sshd on 127.0.0.1:22 in a
private mount namespace, reached through an OpenSSH ProxyCommand like the lab's) with TCP
listeners on their service ports, and one commune client. Everything is removed afterwards.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netauto.plan.build import build_plan
from netauto.plan.models import Plan
from netauto.push import audit
from netauto.push.ansible_data import VmTarget, vm_drift
from netauto.push.vms import push_vms, vm_facts
from netauto.sot.loader import load_sot
from netauto.sot.models import SoT

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces, sshd)"),
    pytest.mark.skipif(
        not all(shutil.which(t) for t in ("ip", "nft", "nc", "ssh", "/usr/sbin/sshd")),
        reason="needs iproute2, nftables, netcat-openbsd, openssh",
    ),
]

PREFIX = "nhm-"
ROUTER = f"{PREFIX}dc-core-r1"
CLIENT = f"{PREFIX}c-office"
VMS = ("dc-lgsp-01", "dc-portal-01")
LISTEN = "import socket,sys\n" + (
    "s=socket.socket(socket.AF_INET6);s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
    "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0)\n"
    "s.bind(('::',int(sys.argv[1])));s.listen(16)\n"
    "while True:\n c,_=s.accept()\n try: c.sendall(b'ok\\n')\n except OSError: pass\n c.close()\n"
)
"""A dual-stack TCP listener: the service a VM hosts (answers 'ok' and closes)."""


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, check=check, capture_output=True, text=True, timeout=60)


def netns(ns: str, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return sh("ip", "netns", "exec", ns, *argv, check=check)


class MiniLab:
    """The namespaces, daemons and files of the fixture (torn down by :meth:`down`)."""

    def __init__(self, root: Path, sot: SoT, plan: Plan) -> None:
        self.root = root
        self.sot = sot
        self.plan = plan
        self.procs: list[subprocess.Popen[bytes]] = []
        self.namespaces: list[str] = []
        self.key = root / "id_ed25519"
        self.ssh_config = root / "ssh_config"
        self.state = root / "state"
        self.target = VmTarget(
            name="lab",
            ssh_config=self.ssh_config,
            private_key=self.key,
            files_root=root / "hosts",
            ipv6_nodad=True,
        )

    def vm_ns(self, vm: str) -> str:
        return f"{PREFIX}{vm}"

    def add_ns(self, ns: str) -> None:
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        netns(ns, "ip", "link", "set", "lo", "up")
        for key in ("all", "default"):
            netns(ns, "sysctl", "-qw", f"net.ipv6.conf.{key}.accept_dad=0")

    def up(self) -> None:
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key))
        (self.root / "authorized_keys").write_text(Path(f"{self.key}.pub").read_text())
        self.add_ns(ROUTER)
        for family in ("ipv4.ip_forward=1", "ipv6.conf.all.forwarding=1"):
            netns(ROUTER, "sysctl", "-qw", f"net.{family}")
        dc = self.plan.site("dc").lans[0]
        office = self.plan.site("phuong-an-xuyen").lans[0]
        netns(ROUTER, "ip", "link", "add", dc.interface, "type", "bridge")
        for address in (f"{dc.gateway4}/{dc.ipv4.prefixlen}", f"{dc.gateway6}/64"):
            netns(ROUTER, "ip", "addr", "add", address, "dev", dc.interface)
        netns(ROUTER, "ip", "link", "set", dc.interface, "up")
        # The commune office LAN, shortened to a direct veth router <-> client.
        self.add_ns(CLIENT)
        sh(
            "ip",
            "-n",
            ROUTER,
            "link",
            "add",
            office.interface,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            CLIENT,
        )
        for address in (f"{office.gateway4}/{office.ipv4.prefixlen}", f"{office.gateway6}/64"):
            netns(ROUTER, "ip", "addr", "add", address, "dev", office.interface)
        netns(ROUTER, "ip", "link", "set", office.interface, "up")
        client4 = f"{office.ipv4.network_address + 10}/{office.ipv4.prefixlen}"
        client6 = f"{office.ipv6.network_address + 0x10}/64"
        for address in (client4, client6):
            netns(CLIENT, "ip", "addr", "add", address, "dev", "eth0")
        netns(CLIENT, "ip", "link", "set", "eth0", "up")
        netns(CLIENT, "ip", "route", "add", "default", "via", str(office.gateway4))
        netns(CLIENT, "ip", "-6", "route", "add", "default", "via", str(office.gateway6))

        blocks = []
        for index, vm in enumerate(VMS, start=1):
            ns = self.vm_ns(vm)
            self.add_ns(ns)
            port = f"{dc.interface}-v{index}"
            sh(
                "ip",
                "-n",
                ROUTER,
                "link",
                "add",
                port,
                "type",
                "veth",
                "peer",
                "name",
                "eth0",
                "netns",
                ns,
            )
            netns(ROUTER, "ip", "link", "set", port, "master", dc.interface, "up")
            self.start_sshd(vm, ns)
            for service in next(v for v in self.plan.vms if v.name == vm).services:
                for p in self.sot.services[service].ports:
                    self.spawn(ns, "python3", "-c", LISTEN, str(p.port))
            self.spawn(ns, "python3", "-c", LISTEN, "8443")  # a port no policy opens
            blocks.append(
                f"Host {vm}\n  HostName {vm}\n"
                f"  ProxyCommand ip netns exec {ns} nc 127.0.0.1 22\n  User root\n"
                f"  IdentityFile {self.key}\n  IdentitiesOnly yes\n"
                f"  UserKnownHostsFile {self.root / 'known_hosts'}\n"
                "  StrictHostKeyChecking accept-new\n  ConnectTimeout 10\n"
            )
        self.ssh_config.write_text("\n".join(blocks))
        for vm in VMS:
            self.wait_ssh(vm)

    def spawn(self, ns: str, *argv: str) -> None:
        self.procs.append(
            subprocess.Popen(
                ["ip", "netns", "exec", ns, *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def start_sshd(self, vm: str, ns: str) -> None:
        hdir = self.root / "hosts" / vm
        (hdir / "run" / "sshd").mkdir(parents=True)
        hostkey = hdir / "ssh_host_ed25519_key"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(hostkey))
        config = hdir / "sshd_config"
        config.write_text(
            "ListenAddress 127.0.0.1:22\n"
            f"HostKey {hostkey}\nPidFile {hdir / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {self.root / 'authorized_keys'}\n"
            "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nUsePAM no\nUseDNS no\nStrictModes no\n"
            "MaxStartups 64:30:128\n"
            "Subsystem sftp /usr/lib/openssh/sftp-server\n"
        )
        # Own /run (so /run/sshd is its own) in a private mount namespace, like the lab's hosts.
        sshd = f"/usr/sbin/sshd -D -f {config} -E {hdir / 'sshd.log'}"
        script = f"mount --rbind {hdir / 'run'} /run && exec {sshd}"
        self.spawn(ns, "unshare", "--mount", "--propagation", "private", "sh", "-c", script)

    def wait_ssh(self, vm: str) -> None:
        deadline = time.monotonic() + 20
        while True:
            done = sh("ssh", "-F", str(self.ssh_config), vm, "true", check=False)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"sshd of {vm} not reachable: {done.stderr}")
            time.sleep(0.3)

    def down(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        for ns in reversed(self.namespaces):
            # sshd sessions and anything else still inside: kill by namespace, then delete it.
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                subprocess.run(["kill", "-9", pid], check=False)
            sh("ip", "netns", "del", ns, check=False)


@pytest.fixture(scope="module")
def mini_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MiniLab]:
    leftovers = [n for n in sh("ip", "netns", "list").stdout.split() if n.startswith(PREFIX)]
    if leftovers:
        pytest.skip(f"namespaces {leftovers} already exist (another run?)")
    loaded = load_sot(Path(__file__).parents[1] / "data" / "tiny")
    lab = MiniLab(tmp_path_factory.mktemp("vms"), loaded.sot, build_plan(loaded.sot).plan)
    try:
        lab.up()
        yield lab
    finally:
        lab.down()


def global_addresses(ns: str) -> set[str]:
    out = netns(ns, "ip", "-o", "addr", "show", "dev", "eth0", "scope", "global").stdout
    return {line.split()[3] for line in out.splitlines()}


def tcp_ok(ns: str, address: str, port: int, source: str | None = None) -> bool:
    """Whether a TCP connection from namespace ``ns`` gets the listener's answer."""
    family = "-6" if ipaddress.ip_address(address).version == 6 else "-4"
    argv = ["nc", family, "-w", "2", "-z"]
    argv += ["-s", source] if source else []
    return netns(ns, *argv, address, str(port), check=False).returncode == 0


def test_fresh_vms_dry_run_commit_and_idempotent(mini_lab: MiniLab) -> None:
    lab, sot, plan = mini_lab, mini_lab.sot, mini_lab.plan

    dry = push_vms(sot, plan, lab.target, commit=False, state_dir=lab.state)
    assert [(r.host, r.outcome, r.ok) for r in dry] == [(vm, "would-change", True) for vm in VMS]
    assert all(r.changed >= 4 for r in dry), [r.changed for r in dry]
    assert "+address 10.96.2.10/24" in dry[0].diff and "+address 2001:db8:9610:150::a/64" in (
        dry[0].diff
    )
    assert "tcp dport 443 accept" in dry[0].diff
    assert global_addresses(lab.vm_ns(VMS[0])) == set(), "check mode must not touch the VM"
    assert (dry[0].artifact_dir / "stdout").is_file()

    done = push_vms(sot, plan, lab.target, commit=True, state_dir=lab.state)
    assert [(r.host, r.outcome) for r in done] == [(vm, "committed") for vm in VMS]
    for vm in plan.vms:
        assert global_addresses(lab.vm_ns(vm.name)) == {str(vm.ipv4), str(vm.ipv6)}
    resolv = lab.target.resolv_conf(VMS[0]).read_text()
    assert "search camau.example" in resolv

    again = push_vms(sot, plan, lab.target, commit=True, state_dir=lab.state)
    assert [(r.host, r.outcome, r.changed) for r in again] == [(vm, "unchanged", 0) for vm in VMS]
    check = push_vms(sot, plan, lab.target, commit=False, state_dir=lab.state)
    assert [(r.outcome, r.changed) for r in check] == [("unchanged", 0)] * len(VMS)

    records = audit.read(lab.state)
    assert [r.action for r in records].count("push") == 2 * len(VMS)
    assert {r.device for r in records} == set(VMS)


def test_services_reachable_from_commune_over_both_families(mini_lab: MiniLab) -> None:
    lab, plan = mini_lab, mini_lab.plan
    push_vms(lab.sot, plan, lab.target, commit=True, state_dir=lab.state)
    lgsp, portal = (next(v for v in plan.vms if v.name == n) for n in VMS)
    for address in (str(lgsp.ipv4.ip), str(lgsp.ipv6.ip)):
        assert tcp_ok(CLIENT, address, 443), f"lgsp {address}:443 from the commune"
        assert not tcp_ok(CLIENT, address, 8443), "a port no service uses must stay closed"
        assert not tcp_ok(CLIENT, address, 80), "portal's port 80 is not open on lgsp"
    for address in (str(portal.ipv4.ip), str(portal.ipv6.ip)):
        assert tcp_ok(CLIENT, address, 80) and tcp_ok(CLIENT, address, 443)
    # The DC router's own LAN address is not a commune LAN: the policy does not let it in.
    assert not tcp_ok(ROUTER, str(lgsp.ipv4.ip), 443)


def test_wrong_address_is_drift_and_push_repairs_it(mini_lab: MiniLab) -> None:
    lab, plan = mini_lab, mini_lab.plan
    push_vms(lab.sot, plan, lab.target, commit=True, state_dir=lab.state)
    assert vm_drift(plan, vm_facts(lab.sot, plan, lab.target, lab.state)) == []

    ns = lab.vm_ns(VMS[0])
    netns(ns, "ip", "addr", "del", "10.96.2.10/24", "dev", "eth0")
    netns(ns, "ip", "addr", "add", "10.96.2.99/24", "dev", "eth0")
    netns(ns, "ip", "route", "add", "default", "via", "10.96.2.1")  # went with the old address
    drift = vm_drift(plan, vm_facts(lab.sot, plan, lab.target, lab.state))
    assert [(d.host, d.field, d.expected, d.actual) for d in drift] == [
        (VMS[0], "ipv4", "10.96.2.10/24", "10.96.2.99/24")
    ]

    fixed = push_vms(lab.sot, plan, lab.target, commit=True, state_dir=lab.state)
    assert [(r.host, r.outcome) for r in fixed] == [(VMS[0], "committed"), (VMS[1], "unchanged")]
    assert "-address 10.96.2.99/24" in fixed[0].diff
    assert vm_drift(plan, vm_facts(lab.sot, plan, lab.target, lab.state)) == []


def test_failure_on_one_vm_is_reported_and_others_complete(mini_lab: MiniLab) -> None:
    lab, plan = mini_lab, mini_lab.plan
    push_vms(lab.sot, plan, lab.target, commit=True, state_dir=lab.state)
    ns = lab.vm_ns(VMS[1])
    netns(ns, "ip", "link", "set", "eth0", "down")
    netns(ns, "ip", "link", "set", "eth0", "name", "eth7")
    lgsp = lab.vm_ns(VMS[0])
    netns(lgsp, "nft", "delete", "table", "inet", "netauto")  # drift the other VM has to repair
    try:
        results = push_vms(lab.sot, plan, lab.target, commit=True, state_dir=lab.state)
    finally:
        netns(ns, "ip", "link", "set", "eth7", "name", "eth0")
    first, second = results
    assert (first.host, first.ok, first.outcome) == (VMS[0], True, "committed")
    assert first.changed == 1 and "table inet netauto" in first.diff
    assert (second.host, second.ok, second.outcome) == (VMS[1], False, "failed")
    # The first task that needs eth0 is the interface sysctls (its /proc/sys entries are gone).
    assert second.failed_task == "Namespace sysctls (sysctl -w, never /etc/sysctl.d)"
    assert "net.ipv6.conf.eth0." in second.error, second.error
    logged = [r for r in audit.read(lab.state) if r.device == VMS[1]][-1]
    assert logged.result == "failed" and "Namespace sysctls" in logged.detail

    healed = push_vms(lab.sot, plan, lab.target, commit=True, state_dir=lab.state)
    assert [r.ok for r in healed] == [True, True]
