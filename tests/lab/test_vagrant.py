"""The Vagrantfile: generated from the SoT, committed for the tiny SoT, loads its topology."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.lab.topology import build_topology
from netauto.plan import plan_for
from netauto.sot.loader import load_sot
from tests.conftest import ROOT, TINY, CliResult


def test_committed_vagrantfile_is_the_generated_one(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    target = tmp_path / "Vagrantfile"
    result = cli("-i", "tests/data/tiny", "lab", "vagrant", "-o", target)
    assert result.code == 0, result.err
    assert "5 routers" in result.out
    assert target.read_text() == (ROOT / "Vagrantfile").read_text(), (
        "regenerate: netauto -i tests/data/tiny lab vagrant"
    )


def test_vagrantfile_names_interfaces_as_the_plan_does(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    target = tmp_path / "Vagrantfile"
    assert cli("-i", TINY, "lab", "vagrant", "--sites", "cm-anxuyen-r1", "-o", target).code == 0
    text = target.read_text()
    for name in ("dc-core-r1", "hub-01-r1", "cm-anxuyen-r1"):
        assert f'name: "{name}"' in text
    assert "cm-lyvanlam-r1" not in text
    assert 'ifname: "eth1"' in text and 'lans: ["lan10", "lan20"]' in text


@pytest.mark.skipif(shutil.which("ruby") is None, reason="ruby is not installed")
def test_vagrantfile_is_valid_ruby() -> None:
    proc = subprocess.run(
        ["ruby", "-c", str(ROOT / "Vagrantfile")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Syntax OK" in proc.stdout


VAGRANT_STUB = r"""
# Loads a Vagrantfile without Vagrant: records every box, setting, network and provisioner.
require "json"

class Recorder
  def initialize(log, path)
    @log = log
    @path = path
  end

  def method_missing(name, *args, **opts, &block)
    name = name.to_s
    if name.end_with?("=")
      @log << { "path" => @path, "set" => name.chomp("="), "value" => args[0] }
    elsif name == "define"
      @log << { "path" => [args[0]], "define" => args[0] }
      block&.call(Recorder.new(@log, [args[0]]))
    elsif name == "provider"
      inner = Recorder.new(@log, @path + [args[0].to_s])
      block&.call(inner, inner)
    elsif %w[network provision synced_folder].include?(name)
      @log << { "path" => @path, "call" => name, "args" => args.map(&:to_s),
                "opts" => opts.transform_keys(&:to_s) }
    end
    Recorder.new(@log, @path)
  end

  def respond_to_missing?(*)
    true
  end
end

module Vagrant
  LOG = []

  def self.configure(version)
    raise "configuration version #{version}" unless version == "2"

    yield Recorder.new(LOG, [])
  end
end

load ARGV[0]
puts JSON.generate(Vagrant::LOG)
"""


@pytest.mark.skipif(shutil.which("ruby") is None, reason="ruby is not installed")
def test_vagrantfile_loads_the_topology_of_the_plan(tmp_path: Path) -> None:
    """Run the committed Vagrantfile against a recording stub of Vagrant's API (no VMs).

    Every router is a box; both providers wire each WAN link between its two routers (UDP
    tunnel ports that pair up for libvirt, one internal network for VirtualBox); the plan's
    interface names ride on MAC addresses into the provisioner; the provisioner is valid bash.
    """
    stub = tmp_path / "vagrant_stub.rb"
    stub.write_text(VAGRANT_STUB)
    proc = subprocess.run(
        ["ruby", str(stub), str(ROOT / "Vagrantfile")], capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    log = json.loads(proc.stdout)
    topo = build_topology(plan_for(TINY).plan, load_sot(TINY).sot, clients=False)
    routers = {h.namespace: h.name for h in topo.hosts if h.kind == "router"}
    wan = {
        frozenset({(routers[v.ns_a], v.if_a), (routers[v.ns_b], v.if_b)})
        for v in topo.veths
        if ":" not in v.purpose
    }
    assert sorted(e["define"] for e in log if "define" in e) == sorted(routers.values())

    def networks(provider: str) -> list[tuple[str, dict[str, object]]]:
        return [(e["path"][0], e["opts"]) for e in log
                if e.get("call") == "network" and e["path"][1:] == [provider]]  # fmt: skip

    interfaces: dict[tuple[str, str], str] = {}  # (box, mac) -> interface name
    for entry in log:
        if entry.get("call") == "provision":
            assert subprocess.run(["bash", "-n"], input=entry["opts"]["inline"], text=True,
                                  check=False).returncode == 0  # fmt: skip
            for line in entry["opts"]["env"]["NETAUTO_LINKS"].splitlines():
                mac, ifname = line.split()
                interfaces[(entry["path"][0], mac)] = ifname
    tunnels = {
        (opts["libvirt__tunnel_local_port"], opts["libvirt__tunnel_port"]):
            (box, interfaces[(box, str(opts["mac"]))])
        for box, opts in networks("libvirt")
    }  # fmt: skip
    pairs = set()
    for (local, peer), end in tunnels.items():
        other = tunnels.get((peer, local))
        assert other is not None, f"{end}: UDP tunnel {local}->{peer} has no other end"
        pairs.add(frozenset({end, other}))
    assert pairs == wan
    intnets: dict[str, set[tuple[str, str]]] = {}
    by_bare_mac = {(box, mac.replace(":", "")): name for (box, mac), name in interfaces.items()}
    for box, opts in networks("virtualbox"):
        end = (box, by_bare_mac[(box, str(opts["mac"]))])
        intnets.setdefault(str(opts["virtualbox__intnet"]), set()).add(end)
    assert {frozenset(ends) for ends in intnets.values()} == wan
