"""Load: a real `tandem serve` on loopback under 50, 100 and 200 concurrent users; prints throughput,
p50/p95/p99 latency and errors per level, for SQLite and PostgreSQL.

    python benchmarks/load.py [--db sqlite|postgres|both] [--levels 50,100,200] [--seconds 20]
        [--workers 2] [--think 0.5] [--customers 2000] [--pg-admin URL]
    python benchmarks/load.py --url http://127.0.0.1:8000 --password tandem-demo-2026   # a server already running
        (with its TANDEM_* settings in the environment, API tokens are made for the writes; without, writes
        go through the cookie without a CSRF token and count as errors)

Per backend it builds a demo workspace (`tandem demo --no-serve`) in a temporary folder (PostgreSQL: a new
database created through --pg-admin and dropped afterwards), starts `tandem serve --workers N`, and signs in
the demo people once each (a web session and an API token, shared by the virtual users, as several tabs of one
person would). Each level runs that many virtual users for --seconds. A user loops over a weighted mix —
pages 35% (home, agenda, a task, pulse, portfolio, customers, activity …), API reads 50%, writes 15% (a
comment on a task through the API) — waiting a think time of uniform(0, 2 × --think) seconds between two
requests, and one live-feed subscription (server-sent events) per 10 users stays open for the whole level.

After the demo is built the database gets its routine maintenance (VACUUM ANALYZE / ANALYZE), so the first
level does not measure autovacuum catching up with a bulk load. Per level the report also gives the CPU cores
kept busy by the server processes, PostgreSQL, this client and the whole machine (Linux), so what the client
took from the server is visible.

An error is a status of 400 or more, a transport error, or a live feed that dropped before the level ended.
The client is asyncio + httpx2 (already a dev dependency; one process drives hundreds of connections without
a thread each — locust would add a dependency and its own web UI for the same numbers). The client runs on the
same machine as the server and takes CPU from it: figures are a floor, not a ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import sqlalchemy as sa

PEOPLE = ["maya.chen@northwind.example", "daniel.okafor@northwind.example", "hannah.schulz@northwind.example",
          "alex.kim@northwind.example"]
PAGES = ["/", "/agenda", "/agenda/tasks/{task}", "/pulse", "/portfolio", "/customers", "/activity", "/scorecard",
         "/questions", "/customers/sources"]
READS = ["/api/v1/agenda/tasks", "/api/v1/agenda/tasks/{task}", "/api/v1/activity", "/api/v1/me",
         "/api/v1/notifications", "/api/v1/portfolio/projects", "/api/v1/pulse/waves", "/api/v1/agenda/decisions"]
MIX = (("page", 0.35), ("read", 0.50), ("write", 0.15))
SESSION_COOKIE = "tandem_session"


@dataclass
class Person:
    cookie: str
    token: str


@dataclass
class Level:
    users: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    streams: int = 0
    streams_ok: int = 0
    events: int = 0
    elapsed: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by who used them, during the level

    def fail(self, what: str) -> None:
        self.errors[what] += 1


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of the server processes (``tandem serve`` and its workers), PostgreSQL's processes,
    this client, and the whole machine (Linux /proc; empty elsewhere). The client shares the machine with
    the server: the report shows how much it took."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "database": 0.0}
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            seconds = (int(fields[11]) + int(fields[12])) / tick
            if b"tandem serve" in cmd or b"multiprocessing.spawn" in cmd:
                used["server"] += seconds
            elif cmd.startswith(b"postgres"):
                used["database"] += seconds
        line = Path("/proc/stat").read_text().splitlines()[0].split()
        used["machine"] = sum(int(x) for x in (line[1], line[2], line[3], line[6], line[7])) / tick
    except OSError:
        return {}
    me = os.times()
    used["client"] = me.user + me.system
    return used


def tandem(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "tandem", *args], env={**os.environ, **env, "COLUMNS": "200"},
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"tandem {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def workspace(db: str, customers: int, pg_admin: str) -> Iterator[dict[str, str]]:
    """A fresh demo workspace on ``db``; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tandem-load-") as home:
        env = {"TANDEM_HOME": home, "TANDEM_DEMO_CUSTOMERS": str(customers)}
        admin = None
        if db == "postgres":
            name = f"tandem_load_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(pg_admin, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            env["TANDEM_DATABASE_URL"] = sa.make_url(pg_admin).set(database=name).render_as_string(
                hide_password=False)
        else:
            env["TANDEM_DATABASE_URL"] = f"sqlite:///{home}/tandem.db"
        try:
            started = time.perf_counter()
            tandem(env, "demo", "--no-serve")
            settle(env["TANDEM_DATABASE_URL"])
            print(f"  demo workspace built in {time.perf_counter() - started:.0f} s", flush=True)
            yield env
        finally:
            if admin is not None:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()


def settle(url: str) -> None:
    """Routine maintenance after the demo's bulk load (planner statistics, PostgreSQL's visibility map), so
    the first level does not measure autovacuum catching up with a database filled a second ago."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    finally:
        engine.dispose()


@contextmanager
def server(env: dict[str, str], workers: int) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = Path(tempfile.gettempdir()) / f"tandem-load-{os.getpid()}-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed below)
    print(f"  server log: {log_path}", flush=True)
    proc = subprocess.Popen([sys.executable, "-m", "tandem", "serve", "--port", str(port), "--workers", str(workers)],
                            env={**os.environ, **env}, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("tandem serve did not start: " + log_path.read_text())
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:  # open live feeds keep a graceful shutdown waiting
            proc.kill()
            proc.wait(15)
        log.close()


def sign_in(base: str, email: str, password: str, env: dict[str, str] | None) -> Person:
    with httpx.Client(base_url=base) as client:
        form = client.get("/login")
        csrf = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
        done = client.post("/login", data={"email": email, "password": password, "next": "/",
                                           "login_csrf": csrf.group(1) if csrf else ""})
        cookie = done.cookies.get(SESSION_COOKIE) or client.cookies.get(SESSION_COOKIE)
        if done.status_code != 303 or not cookie:
            raise SystemExit(f"could not sign in as {email}: {done.status_code}")
    token = ""
    if env is not None:  # a token from the CLI, as an integration would hold one
        found = re.search(r"tdm_\S+", tandem(env, "users", "token", email, "--name", f"load-{uuid.uuid4().hex[:6]}"))
        token = found.group(0) if found else ""
    return Person(cookie=cookie, token=token)


def checked(base: str, person: Person, tasks: list[int]) -> tuple[list[str], list[str]]:
    """The pages and API reads of the mix that this workspace answers (a module may be absent)."""
    keep_pages, keep_reads = [], []
    with httpx.Client(base_url=base, headers=headers(person)) as client:
        for path in PAGES:
            if client.get(path.format(task=tasks[0])).status_code == 200:
                keep_pages.append(path)
        for path in READS:
            if client.get(path.format(task=tasks[0])).status_code == 200:
                keep_reads.append(path)
    return keep_pages, keep_reads


def headers(person: Person) -> dict[str, str]:
    auth = {"Authorization": f"Bearer {person.token}"} if person.token else {}
    return {"Cookie": f"{SESSION_COOKIE}={person.cookie}", **auth}


async def user(client: httpx.AsyncClient, level: Level, person: Person, tasks: list[int], pages: list[str],
               reads: list[str], deadline: float, think: float, n: int) -> None:
    hdrs = headers(person)
    rng = random.Random(n)
    await asyncio.sleep(rng.uniform(0, 2 * think))  # users arrive spread out, not in one burst
    while time.perf_counter() < deadline:
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        task = rng.choice(tasks)
        started = time.perf_counter()
        try:
            if kind == "write":
                response = await client.post(f"/api/v1/agenda/tasks/{task}/comments", headers=hdrs,
                                             json={"body": f"Load test note {n}-{rng.randrange(10**6)}"})
            else:
                path = rng.choice(pages if kind == "page" else reads).format(task=task)
                response = await client.get(path, headers=hdrs)
            if response.status_code >= 400:
                level.fail(f"{kind} {response.status_code}")
        except httpx.HTTPError as exc:
            level.fail(f"{kind} {type(exc).__name__}")
        level.latencies[kind].append(time.perf_counter() - started)
        await asyncio.sleep(rng.uniform(0, 2 * think))


async def feed(client: httpx.AsyncClient, level: Level, person: Person, deadline: float) -> None:
    level.streams += 1
    try:
        async with client.stream("GET", "/activity/stream", headers={**headers(person), "Accept": "text/event-stream"},
                                 timeout=httpx.Timeout(10, read=60)) as response:
            if response.status_code != 200:
                level.fail(f"feed {response.status_code}")
                return
            lines = response.aiter_lines()
            while time.perf_counter() < deadline:
                try:
                    line = await asyncio.wait_for(anext(lines), timeout=max(0.1, deadline - time.perf_counter()))
                except TimeoutError:
                    break
                except StopAsyncIteration:
                    level.fail("feed dropped")
                    return
                level.events += line.startswith("event: activity")
        level.streams_ok += 1
    except httpx.HTTPError as exc:
        level.fail(f"feed {type(exc).__name__}")


async def run_level(base: str, users: int, people: list[Person], tasks: list[int], pages: list[str],
                    reads: list[str], seconds: float, think: float) -> Level:
    level = Level(users)
    limits = httpx.Limits(max_connections=users + users // 10 + 10, max_keepalive_connections=users + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        before = _cpu_seconds()
        started = time.perf_counter()
        deadline = started + seconds
        jobs = [user(client, level, people[n % len(people)], tasks, pages, reads, deadline, think, n)
                for n in range(users)]
        jobs += [feed(client, level, people[n % len(people)], deadline) for n in range(max(1, users // 10))]
        await asyncio.gather(*jobs)
        level.elapsed = time.perf_counter() - started
        after = _cpu_seconds()
        level.cpu = {k: after[k] - before[k] for k in after if k in before}
    return level


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def report(db: str, levels: list[Level], workers: int, think: float) -> None:
    print(f"\n{db}: {workers} worker(s), think time mean {think:.2f} s; latency in ms")
    print(f"{'users':>5} {'requests':>8} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}  "
          f"{'p95 page':>8} {'p95 read':>8} {'p95 write':>9}  live feeds (ok/open, events)  "
          f"CPU cores busy: server/database/client/machine")
    for lv in levels:
        every = [x for xs in lv.latencies.values() for x in xs]
        errors = sum(lv.errors.values())
        print(f"{lv.users:>5} {len(every):>8} {len(every) / lv.elapsed:>7.1f} {pct(every, 50):>6.0f} "
              f"{pct(every, 95):>6.0f} {pct(every, 99):>6.0f} {errors:>6}  {pct(lv.latencies['page'], 95):>8.0f} "
              f"{pct(lv.latencies['read'], 95):>8.0f} {pct(lv.latencies['write'], 95):>9.0f}  "
              f"{lv.streams_ok}/{lv.streams}, {lv.events}  " + "/".join(
                  f"{lv.cpu[k] / lv.elapsed:.2f}" if k in lv.cpu else "-" for k in ("server", "database", "client",
                                                                                   "machine")))
        if errors:
            print("        errors: " + ", ".join(f"{k} ×{v}" for k, v in sorted(lv.errors.items())))


def drive(base: str, people: list[Person], args: argparse.Namespace) -> list[Level]:
    with httpx.Client(base_url=base, headers=headers(people[0])) as client:
        tasks = [t["id"] for t in client.get("/api/v1/agenda/tasks").json()][:50]
    if not tasks:
        raise SystemExit("the workspace has no agenda task to comment on")
    pages, reads = checked(base, people[0], tasks)
    levels = []
    for users in (int(x) for x in args.levels.split(",")):
        print(f"  {users} users for {args.seconds:.0f} s …", flush=True)
        levels.append(asyncio.run(run_level(base, users, people, tasks, pages, reads, args.seconds, args.think)))
        time.sleep(2)
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--levels", default="50,100,200")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="tandem serve --workers")
    parser.add_argument("--think", type=float, default=0.5, help="mean think time between a user's requests (s)")
    parser.add_argument("--customers", type=int, default=2000, help="synthetic customers in the demo workspace")
    parser.add_argument("--pg-admin", default=os.environ.get("TANDEM_TEST_PG",
                                                            "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--url", help="drive this running server instead of starting one")
    parser.add_argument("--password", default="tandem-demo-2026", help="the demo people's password (with --url)")
    args = parser.parse_args()
    print(f"load: levels {args.levels}, {args.seconds:.0f} s each, {os.cpu_count()} CPU(s), "
          f"load average {os.getloadavg()[0]:.1f} before start")
    if args.url:
        # The running server's workspace, when this shell has its TANDEM_* settings: API tokens for the writes.
        env = {k: v for k, v in os.environ.items() if k.startswith("TANDEM_")} or None
        people = [sign_in(args.url, email, args.password, env) for email in PEOPLE]
        report(args.url, drive(args.url, people, args), 0, args.think)
        return
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        print(f"{db}:", flush=True)
        with workspace(db, args.customers, args.pg_admin) as env, server(env, args.workers) as base:
            people = [sign_in(base, email, "tandem-demo-2026", env) for email in PEOPLE]
            report(db, drive(base, people, args), args.workers, args.think)


if __name__ == "__main__":
    main()
