"""CPU per request: the server's, PostgreSQL's and the client's CPU milliseconds per request over a fixed
sequence of the load mix (``load.py``: pages, API reads, comments), a few requests in flight, no think time.

    python benchmarks/request_cpu.py [--db sqlite|postgres] [--requests 3000] [--in-flight 8] [--rounds 3]
    python benchmarks/request_cpu.py --url http://127.0.0.1:8000   # a running server (TANDEM_* set for tokens)

Latency under load moves with whatever else the machine does; CPU per request hardly does, so this is the
figure to compare two versions of the server by (run it for each, alternating). One warm-up round (templates,
prepared statements, the connection pool), then each round prints its figures. Builds and serves a demo
workspace as ``load.py`` does; Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random

import httpx2 as httpx
from load import MIX, PEOPLE, Person, _cpu_seconds, checked, headers, server, sign_in, workspace


async def one_round(base: str, people: list[Person], tasks: list[int], pages: list[str], reads: list[str],
                    n: int, in_flight: int) -> dict[str, float]:
    rng = random.Random(1)  # the same sequence every round
    plan = []
    for i in range(n):
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        path = rng.choice(pages if kind == "page" else reads).format(task=rng.choice(tasks))
        plan.append((kind, path, people[i % len(people)], rng.choice(tasks)))
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        async def worker() -> None:
            while plan:
                kind, path, person, task = plan.pop()
                if kind == "write":
                    response = await client.post(f"/api/v1/agenda/tasks/{task}/comments", headers=headers(person),
                                                 json={"body": "CPU per request"})
                else:
                    response = await client.get(path, headers=headers(person))
                if response.status_code >= 400:
                    raise SystemExit(f"{kind} {path}: {response.status_code}")

        before = _cpu_seconds()
        await asyncio.gather(*[worker() for _ in range(in_flight)])
        after = _cpu_seconds()
    return {k: 1000 * (after[k] - before[k]) / n for k in ("server", "database", "client") if k in after}


def measure(base: str, people: list[Person], args: argparse.Namespace) -> None:
    with httpx.Client(base_url=base, headers=headers(people[0])) as client:
        tasks = [t["id"] for t in client.get("/api/v1/agenda/tasks").json()][:50]
    pages, reads = checked(base, people[0], tasks)
    asyncio.run(one_round(base, people, tasks, pages, reads, args.requests, args.in_flight))  # warm-up
    for number in range(1, args.rounds + 1):
        ms = asyncio.run(one_round(base, people, tasks, pages, reads, args.requests, args.in_flight))
        print(f"  round {number}: CPU ms per request  " + "  ".join(f"{k} {v:.2f}" for k, v in ms.items()),
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="tandem serve --workers")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--pg-admin", default=os.environ.get("TANDEM_TEST_PG",
                                                            "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--password", default="tandem-demo-2026")
    args = parser.parse_args()
    if args.url:
        env = {k: v for k, v in os.environ.items() if k.startswith("TANDEM_")} or None
        measure(args.url, [sign_in(args.url, email, args.password, env) for email in PEOPLE], args)
        return
    print(f"{args.db}: {args.requests} requests a round, {args.in_flight} in flight", flush=True)
    with workspace(args.db, args.customers, args.pg_admin) as env, server(env, args.workers) as base:
        measure(base, [sign_in(base, email, "tandem-demo-2026", env) for email in PEOPLE], args)


if __name__ == "__main__":
    main()
