"""Run history: every ``netauto verify`` run and every guarded migration (``netauto push
--commit --guard``), stored in SQLite so reports and trends can read them.

The store is ``<state_dir>/history.sqlite`` (stdlib :mod:`sqlite3`). One run is written in a
single transaction, so a crash never leaves half a run behind. Both kinds of run share one
id space (``netauto report --run N`` reports either). Tables:

* ``runs``: one row per run: its ``kind`` (``verify`` or ``migration``), when, against what
  (``target``, SoT directory and its SHA-256), the headline counts of a verify run (see
  :class:`RunSummary`; 0 for a migration run, whose figures are in ``migrations``), the
  run's canonical JSON (``raw_json``) and the SHA-256 of that JSON (``sha256``);
* ``sites``: the sites the run was about (slug, id, name, kind, hub, commune code);
* ``checks``: one row per probe of a verify run: kind, probe, site, host, source, target,
  address, family, port, expectation, status, RTT, evidence, duration;
* ``migrations``: one row per migration run: the guard's limit and the headline figures
  (see :class:`~netauto.verify.migration.MigrationSummary`), why the rollout stopped;
* ``migration_probes``: one row per commune, window (baseline, each wave, after) and
  family: probes sent and lost;
* ``migration_devices``: one row per device of a migration: its wave and outcome.

Every table but ``runs.raw_json`` is there for ad-hoc SQL; a run itself is read back from
``raw_json``, exactly as it was hashed.

**How an auditor recomputes the hash.** The raw results of run *N* are the canonical JSON
of the run: UTF-8, keys sorted at every level, no whitespace between tokens
(``separators=(",", ":")``), non-ASCII characters written as themselves (not ``\\u`` escapes),
followed by one newline; ``info.run_id`` holds *N*. ``netauto report --run N --format json``
prints exactly those bytes, so::

    netauto report --run N --format json | sha256sum

prints the hash the HTML report shows. :func:`canonical_json` and :func:`sha256_hex` are the
reference implementation.

The schema version is SQLite's ``PRAGMA user_version``; a store written by a newer netauto is
refused rather than misread, an older one is upgraded in place (one transaction, under the
write lock) the first time this netauto opens it. Version 1 held verify runs only; version
2 added ``runs.kind`` (existing runs are ``verify``) and the three migration tables.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from netauto.errors import InputError, Problem
from netauto.sot.models import Family
from netauto.verify.migration import MigrationRun, summarise_migration
from netauto.verify.models import CheckResult, RunInfo, SiteInfo, VerifyRun

SCHEMA_VERSION = 2
DB_NAME = "history.sqlite"

RunKind = Literal["verify", "migration"]

_V1 = (
    """CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    target TEXT NOT NULL,
    province TEXT NOT NULL,
    province_code INTEGER NOT NULL,
    inventory TEXT NOT NULL,
    sot_sha256 TEXT NOT NULL,
    netauto_version TEXT NOT NULL,
    operator TEXT NOT NULL,
    communes_total INTEGER NOT NULL,
    communes_dual_stack INTEGER NOT NULL,
    communes_ipv4 INTEGER NOT NULL,
    communes_ipv6 INTEGER NOT NULL,
    isolation_total INTEGER NOT NULL,
    isolation_holding INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    checks_total INTEGER NOT NULL,
    checks_pass INTEGER NOT NULL,
    checks_fail INTEGER NOT NULL,
    checks_error INTEGER NOT NULL,
    checks_skip INTEGER NOT NULL,
    raw_json TEXT NOT NULL,
    sha256 TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS sites (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    site_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    hub TEXT,
    commune_code TEXT,
    PRIMARY KEY (run_id, slug)
)""",
    """CREATE TABLE IF NOT EXISTS checks (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    probe TEXT NOT NULL,
    site TEXT NOT NULL,
    host TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    target_address TEXT NOT NULL,
    family TEXT,
    port INTEGER,
    expect TEXT NOT NULL,
    status TEXT NOT NULL,
    rtt_ms REAL,
    evidence TEXT NOT NULL,
    duration_s REAL NOT NULL,
    PRIMARY KEY (run_id, seq)
)""",
    "CREATE INDEX IF NOT EXISTS checks_by_site ON checks (run_id, site)",
    "CREATE INDEX IF NOT EXISTS checks_by_status ON checks (run_id, status)",
)
"""Schema version 1: verify runs."""

_V2 = (
    "ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'verify'",
    "CREATE INDEX IF NOT EXISTS runs_by_kind ON runs (kind, id)",
    """CREATE TABLE IF NOT EXISTS migrations (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    max_loss INTEGER NOT NULL,
    communes INTEGER NOT NULL,
    communes_migrated INTEGER NOT NULL,
    communes_rolled_back INTEGER NOT NULL,
    communes_reachable_before INTEGER NOT NULL,
    communes_ipv4_loss INTEGER NOT NULL,
    waves INTEGER NOT NULL,
    waves_rolled_back INTEGER NOT NULL,
    ipv4_sent INTEGER NOT NULL,
    ipv4_lost INTEGER NOT NULL,
    ipv6_sent INTEGER NOT NULL,
    ipv6_lost INTEGER NOT NULL,
    stopped TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS migration_probes (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    commune TEXT NOT NULL,
    router TEXT NOT NULL,
    window_seq INTEGER NOT NULL,
    window_name TEXT NOT NULL,
    window_kind TEXT NOT NULL,
    family TEXT NOT NULL,
    sent INTEGER NOT NULL,
    lost INTEGER NOT NULL,
    PRIMARY KEY (run_id, commune, window_seq, family)
)""",
    """CREATE TABLE IF NOT EXISTS migration_devices (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    host TEXT NOT NULL,
    site TEXT NOT NULL,
    wave TEXT NOT NULL,
    outcome TEXT NOT NULL,
    rolled_back INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
)""",
)
"""Schema version 2: the kind of each run, and migration runs."""

_STEPS: dict[int, tuple[str, ...]] = {1: _V1, 2: _V2}
"""The statements that bring a store from version ``n - 1`` to version ``n``."""


class RunSummary(BaseModel):
    """The headline figures of one verify run: what a trend line is drawn from.

    A commune counts as connected over a family when it has at least one reachability
    check in that family and every one of them passed (``skip`` and ``error`` prove
    nothing); *dual-stack connected* means connected over both IPv4 and IPv6.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: int | None
    started: str
    finished: str
    target: str
    province: str
    sha256: str = ""
    communes_total: int
    communes_dual_stack: int
    communes_ipv4: int
    communes_ipv6: int
    isolation_total: int
    isolation_holding: int
    findings: int
    checks_total: int
    checks_pass: int
    checks_fail: int
    checks_error: int
    checks_skip: int


@dataclass(frozen=True)
class StoredRun:
    """A verify run as stored: the parsed run, its canonical JSON text and that text's SHA-256."""

    run: VerifyRun
    raw_json: str
    sha256: str


@dataclass(frozen=True)
class StoredMigration:
    """A migration run as stored: the parsed run, its canonical JSON and that JSON's SHA-256."""

    run: MigrationRun
    raw_json: str
    sha256: str


def canonical_json(run: VerifyRun | MigrationRun) -> str:
    """The canonical serialisation of a run: sorted keys, compact separators, a final newline.

    Examples:
        >>> from netauto.verify.models import RunInfo
        >>> info = RunInfo(started="t0", finished="t1", target="lab", province="Cà Mau",
        ...                province_code=96, inventory="inventory")
        >>> text = canonical_json(VerifyRun(info=info, sites=[], services=[], checks=[]))
        >>> text[:60]
        '{"checks":[],"info":{"finished":"t1","inventory":"inventory"'
        >>> "Cà Mau" in text, text.endswith("}\\n")
        (True, True)
    """
    data = run.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def sha256_hex(text: str) -> str:
    """SHA-256 of ``text`` encoded as UTF-8 (what ``sha256sum`` prints for the same bytes).

    Examples:
        >>> sha256_hex("")
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def commune_connectivity(run: VerifyRun) -> dict[str, dict[str, bool]]:
    """For each commune slug: family -> connected (every reachability check passed, >= 1).

    Examples:
        >>> from netauto.verify.models import RunInfo, SiteInfo
        >>> info = RunInfo(started="t0", finished="t1", target="lab", province="P",
        ...                province_code=1, inventory="i")
        >>> site = SiteInfo(slug="xa-a", site_id=1, name="Xã A", kind="commune")
        >>> def reach(fam, status):
        ...     return CheckResult(id=f"r:{fam}", kind="reachability", probe="ping",
        ...         site="xa-a", host="r1", target="lgsp", family=fam, expect="reach",
        ...         status=status)
        >>> run = VerifyRun(info=info, sites=[site], services=["lgsp"],
        ...                 checks=[reach("ipv4", "pass"), reach("ipv6", "skip")])
        >>> commune_connectivity(run)
        {'xa-a': {'ipv4': True, 'ipv6': False}}
    """
    result: dict[str, dict[str, bool]] = {}
    seen: dict[tuple[str, str], bool] = {}
    communes = [s.slug for s in run.sites if s.kind == "commune"]
    wanted = set(communes)
    for check in run.checks:
        if check.kind != "reachability" or check.site not in wanted or check.family is None:
            continue
        key = (check.site, check.family)
        seen[key] = seen.get(key, True) and check.status == "pass"
    for slug in communes:
        result[slug] = {fam: seen.get((slug, fam), False) for fam in ("ipv4", "ipv6")}
    return result


def summarise(run: VerifyRun, sha256: str = "") -> RunSummary:
    """The headline figures of ``run`` (pure; the store keeps them per run for trends)."""
    connectivity = commune_connectivity(run)
    isolation = [c for c in run.checks if c.kind == "isolation"]
    statuses = [c.status for c in run.checks]
    return RunSummary(
        run_id=run.info.run_id,
        started=run.info.started,
        finished=run.info.finished,
        target=run.info.target,
        province=run.info.province,
        sha256=sha256,
        communes_total=len(connectivity),
        communes_dual_stack=sum(all(f.values()) for f in connectivity.values()),
        communes_ipv4=sum(f["ipv4"] for f in connectivity.values()),
        communes_ipv6=sum(f["ipv6"] for f in connectivity.values()),
        isolation_total=len(isolation),
        isolation_holding=sum(c.status == "pass" for c in isolation),
        findings=sum(is_finding(c) for c in run.checks),
        checks_total=len(statuses),
        checks_pass=statuses.count("pass"),
        checks_fail=statuses.count("fail"),
        checks_error=statuses.count("error"),
        checks_skip=statuses.count("skip"),
    )


def is_finding(check: CheckResult) -> bool:
    """A routing or drift check that did not pass (a skip is not a finding)."""
    return check.kind in ("routing", "drift") and check.status in ("fail", "error")


def db_path(state_dir: Path) -> Path:
    """Where the history of ``state_dir`` lives.

    Examples:
        >>> db_path(Path(".netauto")).as_posix()
        '.netauto/history.sqlite'
    """
    return state_dir / DB_NAME


def _no_history(path: Path, hint: str = "run `netauto verify` first") -> InputError:
    return InputError(Problem(path, None, "", "no verification history yet", hint=hint))


@contextmanager
def _connect(state_dir: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    path = db_path(state_dir)
    if not create and not path.exists():
        raise _no_history(path, "run `netauto verify` first; every run is recorded here")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise InputError(Problem(path, None, "", f"cannot open history: {exc}")) from exc
    with closing(conn):
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise InputError(
                Problem(path, None, "", f"not a netauto history database: {exc}")
            ) from exc
        _check_version(path, version)
        if version < SCHEMA_VERSION:
            if version == 0 and not create:
                raise _no_history(path)
            _upgrade(conn, path)
        yield conn


def _check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise InputError(
            Problem(
                path,
                None,
                "",
                f"history schema version {version} is newer than this netauto "
                f"understands ({SCHEMA_VERSION})",
                hint="upgrade netauto to read it",
            )
        )


def _upgrade(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the store to :data:`SCHEMA_VERSION` in one transaction (a new store included).

    The version is read again under the write lock: of two netautos opening an old store
    at once, the second finds it upgraded and does nothing.
    """
    version = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            _check_version(path, version)
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _STEPS[step]:
                    conn.execute(statement)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        raise InputError(
            Problem(
                path,
                None,
                "",
                f"cannot upgrade the history from schema version {version} to "
                f"{SCHEMA_VERSION}: {exc}",
                hint="netauto upgrades an older history in place the first time it opens "
                "it; that needs write access to the file and its directory",
            )
        ) from exc


@contextmanager
def _transaction(state_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection inside one write transaction: committed at the end, else rolled back."""
    with _connect(state_dir, create=True) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


_CHECK_COLUMNS = (
    "run_id, seq, check_id, kind, probe, site, host, source, target, target_address, family, "
    "port, expect, status, rtt_ms, evidence, duration_s"
)
_SUMMARY_COLUMNS = (
    "communes_total",
    "communes_dual_stack",
    "communes_ipv4",
    "communes_ipv6",
    "isolation_total",
    "isolation_holding",
    "findings",
    "checks_total",
    "checks_pass",
    "checks_fail",
    "checks_error",
    "checks_skip",
)
_MIGRATION_COLUMNS = (
    "run_id, max_loss, communes, communes_migrated, communes_rolled_back, "
    "communes_reachable_before, communes_ipv4_loss, waves, waves_rolled_back, ipv4_sent, "
    "ipv4_lost, ipv6_sent, ipv6_lost, stopped"
)


def _insert_run(
    conn: sqlite3.Connection, kind: RunKind, info: RunInfo, summary: RunSummary | None
) -> int:
    """The ``runs`` row of a new run (its JSON and hash come once its id is known)."""
    figures = [0 if summary is None else getattr(summary, n) for n in _SUMMARY_COLUMNS]
    cur = conn.execute(
        "INSERT INTO runs (kind, started, finished, target, province, province_code, inventory,"
        " sot_sha256, netauto_version, operator, "
        + ", ".join(_SUMMARY_COLUMNS)
        + ", raw_json, sha256) VALUES ("
        + ", ".join("?" * (10 + len(_SUMMARY_COLUMNS) + 2))
        + ")",
        (
            kind,
            info.started,
            info.finished,
            info.target,
            info.province,
            info.province_code,
            info.inventory,
            info.sot_sha256,
            info.netauto_version,
            info.operator,
            *figures,
            "",
            "",
        ),
    )
    run_id = cur.lastrowid
    assert run_id is not None
    return run_id


def _seal(conn: sqlite3.Connection, run_id: int, raw: str) -> None:
    """Store the run's canonical JSON and its SHA-256."""
    conn.execute(
        "UPDATE runs SET raw_json = ?, sha256 = ? WHERE id = ?", (raw, sha256_hex(raw), run_id)
    )


def _insert_sites(conn: sqlite3.Connection, run_id: int, sites: list[SiteInfo]) -> None:
    conn.executemany(
        "INSERT INTO sites (run_id, slug, site_id, name, kind, hub, commune_code)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(run_id, s.slug, s.site_id, s.name, s.kind, s.hub, s.commune_code) for s in sites],
    )


def _with_id(info: RunInfo, run_id: int) -> RunInfo:
    return info.model_copy(update={"run_id": run_id})


def save_run(state_dir: Path, run: VerifyRun) -> int:
    """Store ``run`` in one transaction and return its run id.

    The stored JSON carries the new id in ``info.run_id`` and is hashed as
    :func:`canonical_json` describes.
    """
    with _transaction(state_dir) as conn:
        run_id = _insert_run(conn, "verify", run.info, summarise(run))
        _seal(conn, run_id, canonical_json(run.model_copy(
            update={"info": _with_id(run.info, run_id)})))  # fmt: skip
        _insert_sites(conn, run_id, run.sites)
        conn.executemany(
            f"INSERT INTO checks ({_CHECK_COLUMNS}) VALUES ({', '.join('?' * 17)})",
            [
                (
                    run_id,
                    seq,
                    c.id,
                    c.kind,
                    c.probe,
                    c.site,
                    c.host,
                    c.source,
                    c.target,
                    c.target_address,
                    c.family,
                    c.port,
                    c.expect,
                    c.status,
                    c.rtt_ms,
                    c.evidence,
                    c.duration_s,
                )
                for seq, c in enumerate(run.checks)
            ],
        )
        return run_id


def save_migration(state_dir: Path, run: MigrationRun) -> int:
    """Store a migration run in one transaction and return its run id (shared with verify
    runs); hashed like a verify run (:func:`canonical_json`), ``info.run_id`` included."""
    summary = summarise_migration(run)
    with _transaction(state_dir) as conn:
        run_id = _insert_run(conn, "migration", run.info, None)
        _seal(conn, run_id, canonical_json(run.model_copy(
            update={"info": _with_id(run.info, run_id)})))  # fmt: skip
        _insert_sites(conn, run_id, run.sites)
        conn.execute(
            f"INSERT INTO migrations ({_MIGRATION_COLUMNS}) VALUES ({', '.join('?' * 14)})",
            (
                run_id, run.guard.max_loss, summary.communes, summary.communes_migrated,
                summary.communes_rolled_back, summary.communes_reachable_before,
                summary.communes_ipv4_loss, summary.waves, summary.waves_rolled_back,
                summary.ipv4.sent, summary.ipv4.lost, summary.ipv6.sent, summary.ipv6.lost,
                run.stopped,
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO migration_probes (run_id, commune, router, window_seq, window_name,"
            " window_kind, family, sent, lost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(_probe_rows(run_id, run)),
        )
        conn.executemany(
            "INSERT INTO migration_devices (run_id, seq, host, site, wave, outcome, rolled_back)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (run_id, seq, d.host, d.site, d.wave, d.outcome, int(d.rolled_back))
                for seq, d in enumerate(run.devices)
            ],
        )
        return run_id


def _probe_rows(run_id: int, run: MigrationRun) -> Iterator[tuple[object, ...]]:
    """The ``migration_probes`` rows of ``run``: commune × window × family."""
    families: tuple[Family, ...] = ("ipv4", "ipv6")
    for commune in run.communes:
        for seq, window in enumerate(run.windows()):
            counts = commune.window(window.name)
            for family in families:
                probes = counts.family(family)
                yield (run_id, commune.commune, commune.router, seq, window.name, window.kind,
                       family, probes.sent, probes.lost)  # fmt: skip


def _fetch(
    conn: sqlite3.Connection, path: Path, run_id: int | None
) -> tuple[int, RunKind, str, str]:
    """Id, kind, raw JSON and hash of run ``run_id`` (``None``: the latest verify run)."""
    if run_id is None:
        found = conn.execute(
            "SELECT id, kind, raw_json, sha256 FROM runs WHERE kind = 'verify'"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
    else:
        found = conn.execute(
            "SELECT id, kind, raw_json, sha256 FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
    if found is not None:
        kind: RunKind = "migration" if found[1] == "migration" else "verify"
        return int(found[0]), kind, str(found[2]), str(found[3])
    if run_id is None:
        others = [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY id")]
        if others:
            raise _no_history(
                path,
                f"only migration runs so far ({_ids(others)}): `netauto report --run "
                f"{others[-1]}` reports the last one; `netauto verify` records a verify run",
            )
        raise _no_history(path)
    known = [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY id")]
    raise InputError(
        Problem(path, None, "--run", f"no run {run_id} in the history", hint=_known_hint(known))
    )


def _ids(known: list[int]) -> str:
    """Examples:
    >>> _ids([3]), _ids([2, 5])
    ('run 3', 'runs 2..5')
    """
    return f"run {known[0]}" if len(known) == 1 else f"runs {known[0]}..{known[-1]}"


def _parse(
    path: Path, run_id: int, kind: RunKind, raw: str, digest: str
) -> StoredRun | StoredMigration:
    """The stored run, checked against its hash."""
    if sha256_hex(raw) != digest:
        raise InputError(
            Problem(
                path,
                None,
                f"runs[{run_id}]",
                "stored results do not match their SHA-256: the history was altered",
                hint="restore the history from a backup; do not sign this run",
            )
        )
    try:
        if kind == "migration":
            return StoredMigration(MigrationRun.model_validate_json(raw), raw, digest)
        return StoredRun(VerifyRun.model_validate_json(raw), raw, digest)
    except ValidationError as exc:
        raise InputError(
            Problem(path, None, f"runs[{run_id}]", f"stored run is unreadable: {exc}")
        ) from exc


def load_entry(state_dir: Path, run_id: int | None = None) -> StoredRun | StoredMigration:
    """The stored run ``run_id`` of either kind (``None``: the latest verify run), checked
    against its hash."""
    path = db_path(state_dir)
    with _connect(state_dir, create=False) as conn:
        found = _fetch(conn, path, run_id)
    return _parse(path, *found)


def load_stored(state_dir: Path, run_id: int | None = None) -> StoredRun:
    """The stored verify run ``run_id`` (``None``: the latest), checked against its hash."""
    entry = load_entry(state_dir, run_id)
    if not isinstance(entry, StoredRun):
        raise InputError(Problem(db_path(state_dir), None, "--run",
                                 f"run {run_id} is a migration run, not a verify run"))  # fmt: skip
    return entry


def load_migration(state_dir: Path, run_id: int) -> StoredMigration:
    """The stored migration run ``run_id``, checked against its hash."""
    entry = load_entry(state_dir, run_id)
    if not isinstance(entry, StoredMigration):
        raise InputError(Problem(db_path(state_dir), None, "--run",
                                 f"run {run_id} is a verify run, not a migration run"))  # fmt: skip
    return entry


def verify_after(state_dir: Path, migration: MigrationRun) -> StoredRun | None:
    """The first verify run stored after ``migration`` on the same target, province and SoT
    (the same SHA-256 of the SoT files), or None when there is none yet."""
    info = migration.info
    if info.run_id is None or not db_path(state_dir).exists():
        return None
    path = db_path(state_dir)
    with _connect(state_dir, create=False) as conn:
        found = conn.execute(
            "SELECT id FROM runs WHERE kind = 'verify' AND id > ? AND target = ? AND "
            "province_code = ? AND sot_sha256 = ? ORDER BY id LIMIT 1",
            (info.run_id, info.target, info.province_code, info.sot_sha256),
        ).fetchone()
        if found is None:
            return None
        entry = _parse(path, *_fetch(conn, path, int(found[0])))
    assert isinstance(entry, StoredRun)
    return entry


def _known_hint(known: list[int]) -> str:
    """Tell the user which run ids exist.

    Examples:
        >>> _known_hint([1, 2, 3])
        'runs 1..3 exist; `netauto report` without --run shows the latest'
        >>> _known_hint([4])
        'only run 4 exists; `netauto report` without --run shows it'
        >>> _known_hint([])
        'the history is empty'
    """
    if not known:
        return "the history is empty"
    if len(known) == 1:
        return f"only run {known[0]} exists; `netauto report` without --run shows it"
    return f"runs {known[0]}..{known[-1]} exist; `netauto report` without --run shows the latest"


def load_run(state_dir: Path, run_id: int | None = None) -> VerifyRun:
    """The verify run ``run_id`` from the history (``None``: the latest)."""
    return load_stored(state_dir, run_id).run


def _summaries(conn: sqlite3.Connection, where: str, args: tuple[object, ...]) -> list[RunSummary]:
    columns = "id, started, finished, target, province, sha256, " + ", ".join(_SUMMARY_COLUMNS)
    rows = conn.execute(
        f"SELECT {columns} FROM runs WHERE kind = 'verify' {where} ORDER BY id", args
    ).fetchall()
    names = ["run_id", "started", "finished", "target", "province", "sha256", *_SUMMARY_COLUMNS]
    return [RunSummary.model_validate(dict(zip(names, row, strict=True))) for row in rows]


def list_runs(state_dir: Path) -> list[RunSummary]:
    """Every stored verify run, oldest first (empty when there is no history yet)."""
    if not db_path(state_dir).exists():
        return []
    with _connect(state_dir, create=False) as conn:
        return _summaries(conn, "", ())


def summaries(state_dir: Path, up_to: int | None = None, limit: int = 10) -> list[RunSummary]:
    """Headline figures of the last ``limit`` verify runs up to run ``up_to`` (inclusive),
    oldest first.

    This is the trend a report shows next to a run (migration runs are not in it).
    """
    if not db_path(state_dir).exists():
        return []
    with _connect(state_dir, create=False) as conn:
        if up_to is None:
            found = _summaries(conn, "", ())
        else:
            found = _summaries(conn, "AND id <= ?", (up_to,))
    return found[-limit:] if limit > 0 else found
