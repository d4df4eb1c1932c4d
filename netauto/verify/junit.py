"""JUnit XML for CI: one test suite per check kind, one test case per check (pure)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from netauto.verify.models import VerifyRun


def junit_xml(run: VerifyRun) -> str:
    """The run as JUnit XML (``failure`` for fail, ``error`` for error, ``skipped`` for skip).

    Examples:
        >>> from netauto.verify.models import CheckResult, RunInfo
        >>> info = RunInfo(started="t0", finished="t1", target="lab", province="P",
        ...                province_code=96, inventory="inventory")
        >>> check = CheckResult(id="reach:a:lgsp:ipv4", kind="reachability", probe="ping",
        ...                     site="a", host="r1", target="lgsp", expect="reach",
        ...                     status="fail", evidence="100% packet loss")
        >>> xml = junit_xml(VerifyRun(info=info, sites=[], services=[], checks=[check]))
        >>> '<failure message="100% packet loss"' in xml
        True
    """
    suites = ET.Element("testsuites", name=f"netauto verify {run.info.province}")
    kinds = sorted({c.kind for c in run.checks})
    for kind in kinds:
        checks = [c for c in run.checks if c.kind == kind]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=kind,
            tests=str(len(checks)),
            failures=str(sum(c.status == "fail" for c in checks)),
            errors=str(sum(c.status == "error" for c in checks)),
            skipped=str(sum(c.status == "skip" for c in checks)),
            time=f"{sum(c.duration_s for c in checks):.3f}",
        )
        for check in checks:
            case = ET.SubElement(
                suite, "testcase", classname=f"{kind}.{check.site}", name=check.id,
                time=f"{check.duration_s:.3f}",
            )  # fmt: skip
            if check.status in ("fail", "error"):
                tag = "failure" if check.status == "fail" else "error"
                node = ET.SubElement(case, tag, message=check.evidence[:200])
                node.text = check.evidence
            elif check.status == "skip":
                ET.SubElement(case, "skipped", message=check.evidence[:200])
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
