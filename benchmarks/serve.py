"""The web directory under load, on loopback only: signed-in users each doing search +
who-else against `tacgraph serve` on the embedded store (one process) and on Neo4j
(several workers), then `audit verify` on the access log. Every search and every
who-else page writes one durable access-log entry before it answers: each is an
audited lookup.

Two kinds of round, on the same server build, because one closed-loop run cannot test
both targets (p99 at most 50 ms at 50 users, at least 300 audited lookups a second): by
Little's law, 50 users with no pause at 300 lookups/s would each wait 167 ms on average.

- **Saturating** (``--users 1 10 50``): closed loop, no think time; each user sends its
  next request when the last is answered. Measures the most the server answers a second
  (the throughput target) and the latency when it is kept full.
- **Paced** (``--paced-users 50 --rates 300 ...``): 50 signed-in users who think between
  actions, together offering ``rate`` audited lookups a second (open loop: each user
  starts a search + who-else pair at the times of a Poisson process of rate
  ``rate / 2 / users``, whether or not their last pair is done). Latency is timed from
  the moment the pair was due, so a server that falls behind shows it (no coordinated
  omission). Measures the who-else p99 at 50 users at a stated offered load (the latency
  target at 300 lookups/s), and the lookups a second the server then answered.

Prints requests a second, p50 and p99 per page, errors (a refused or failed request, or
a child's page without its answer), misses (a search answered without the child
searched for), the server's CPU milliseconds per audited lookup (its processes' user
and system time over the round, from /proc: steadier than latency on a machine others
share; for Neo4j, the tacgraph workers' only), the load generator's own CPU milliseconds
per audited lookup (it shares the machine's cores with the server), and whether the
access log is intact afterwards. Every request goes to
127.0.0.1; each round is bounded in requests and in time.

    python benchmarks/serve.py --children 2000 --engines embedded neo4j --users 1 10 50 \
        --paced-users 50 --rates 300 100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from tacgraph import accounts, audit, devserver
from tacgraph.config import StoreConfig
from tacgraph.store import Store, open_store

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ROOT = Path(__file__).resolve().parents[1]
TACGRAPH = [sys.executable, "-m", "tacgraph"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class User:
    account: str
    password: str
    secret: str
    # (child id, name, date of birth, NHS number, postcode): what a practitioner
    # searches by
    children: list[tuple[str, str, Any, str, str]]


@dataclass
class Timings:
    pages: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # what each error was
    misses: int = 0  # searches answered without the child searched for
    wall: float = 0.0
    server_cpu: float | None = None  # CPU seconds the server's processes used meanwhile
    client_cpu: float = 0.0  # CPU seconds this load generator used meanwhile

    def error(self, reason: str) -> None:
        self.errors += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def add(self, page: str, seconds: float) -> None:
        self.pages.setdefault(page, []).append(seconds)


def _cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user and system) a process and its children have used so far: the
    server's share of a round, steadier than its latency on a machine others share.
    None where /proc cannot say (not Linux)."""
    ticks, pending, seen = 0, [pid], set()
    try:
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError, IndexError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _env(store: StoreConfig) -> dict[str, str]:
    env = dict(os.environ)
    env["TACGRAPH_STORE"] = store.kind
    if store.kind == "neo4j":
        env["NEO4J_URI"] = store.uri
    return env


def _build(children: int, config: StoreConfig, work: Path) -> None:
    data = work / "la.jsonl"
    if not data.exists():
        subprocess.run(
            [*TACGRAPH, "synth", "--children", str(children), "--seed", "7", "--out", str(data)],
            check=True,
            capture_output=True,
        )
    args = [*TACGRAPH, "import", str(data)]
    if config.kind == "embedded":
        args += ["--db", str(config.db_path)]
    else:
        args += ["--store", "neo4j"]
    subprocess.run(args, check=True, capture_output=True, env=_env(config))


def _users(store: Store, count: int) -> list[User]:
    accounts.init(store)
    made = accounts.create_demo(store, limit=count)
    users = []
    for demo in made:
        rows = store.query("casework_mine", {"practitioner_id": demo.practitioner_id})
        ids = [str(r["child_id"]) for r in rows if r["ended_on"] is None][:5]
        names = store.nodes_by_id("Child", ids)
        children = [
            (
                cid,
                f"{names[cid].get('given_name') or ''} {names[cid]['family_name']}".strip(),
                names[cid].get("date_of_birth"),
                str(names[cid].get("nhs_number") or ""),
                str(names[cid].get("postcode") or ""),
            )
            for cid in ids
        ]
        users.append(User(demo.account_id, demo.password, demo.totp_secret, children))
    return users


async def _sign_in(client: httpx2.AsyncClient, user: User, clock_step: int) -> str:
    page = await client.get("/sign-in")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    code = accounts.current_code(user.secret)
    answer = await client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "account": user.account,
            "password": user.password,
            "code": code,
        },
    )
    if answer.status_code != 303:
        raise RuntimeError(f"{user.account} could not sign in ({answer.status_code})")
    page = await client.get("/search")
    return CSRF.search(page.text).group(1)  # type: ignore[union-attr]


async def _pair(
    client: httpx2.AsyncClient,
    token: str,
    child: tuple[str, str, Any, str, str],
    timings: Timings,
    due: float | None = None,
) -> None:
    """One search + who-else. The search is timed from ``due`` (when the pair was meant
    to start: a paced round) or from when it is sent; the who-else page from when it is
    sent, as a practitioner clicks a result."""
    child_id, name, born, nhs, postcode = child
    form = {"csrf_token": token, "name": name, "nhs_number": nhs}
    if born is not None:  # as a practitioner would: the name and the date of birth
        form |= {
            "dob_day": str(born.day),
            "dob_month": str(born.month),
            "dob_year": str(born.year),
        }
    else:  # an unborn child: the name and the postcode, as the page asks
        form["postcode"] = postcode
    start = time.perf_counter() if due is None else due
    try:
        found = await client.post("/search", data=form)
    except httpx2.HTTPError as exc:
        timings.error(f"search {type(exc).__name__}")
        return
    timings.add("search", time.perf_counter() - start)
    if found.status_code != 200:
        timings.error(f"search {found.status_code}")
    elif child_id not in found.text:  # answered, but the child was not among the results
        timings.misses += 1
    start = time.perf_counter()
    try:
        page = await client.post("/child", data={"csrf_token": token, "child_id": child_id})
    except httpx2.HTTPError as exc:
        timings.error(f"who-else {type(exc).__name__}")
        return
    timings.add("who-else", time.perf_counter() - start)
    if page.status_code != 200 or "Who else is working with this child" not in page.text:
        timings.error(f"who-else {page.status_code}")


async def _one_user(
    client: httpx2.AsyncClient,
    token: str,
    user: User,
    rounds: int,
    deadline: float,
    timings: Timings,
) -> None:
    """Closed loop: the next pair as soon as the last is answered."""
    for i in range(rounds):
        if time.monotonic() > deadline:
            return
        await _pair(client, token, user.children[i % len(user.children)], timings)


async def _paced_user(
    client: httpx2.AsyncClient,
    token: str,
    user: User,
    pairs_per_second: float,
    seconds: float,
    rng: random.Random,
    timings: Timings,
) -> None:
    """Open loop: pairs start at the times of a Poisson process (exponential pauses
    between them), each in a task of its own, whether or not the last is answered."""
    begun = time.perf_counter()
    due = begun + rng.expovariate(pairs_per_second)
    tasks = []
    i = 0
    while due < begun + seconds:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        child = user.children[i % len(user.children)]
        tasks.append(asyncio.create_task(_pair(client, token, child, timings, due)))
        i += 1
        due += rng.expovariate(pairs_per_second)
    await asyncio.gather(*tasks)


async def _signed_in(base: str, users: list[User]) -> tuple[list[httpx2.AsyncClient], list[str]]:
    """A client per user, each signed in (argon2id is slow on purpose, and not what is
    measured; four at a time), then handed the session's cookie on fresh connections:
    a connection left idle while the others sign in outlives the server's keep-alive
    (5 s) and fails the request that next uses it (a ReadError, not the server's)."""
    gate = asyncio.Semaphore(4)

    async def sign_in(user: User, index: int) -> tuple[httpx2.Cookies, str]:
        async with gate, httpx2.AsyncClient(base_url=base, timeout=60.0) as client:
            token = await _sign_in(client, user, index)
            return client.cookies, token

    signed = await asyncio.gather(*(sign_in(u, i) for i, u in enumerate(users)))
    # Idle connections are dropped before the server's keep-alive (5 s) can close them
    # under a request being sent (a ReadError that the server never saw).
    limits = httpx2.Limits(max_connections=20, max_keepalive_connections=20, keepalive_expiry=2.0)
    clients = [
        httpx2.AsyncClient(base_url=base, timeout=60.0, limits=limits, cookies=cookies)
        for cookies, _ in signed
    ]
    return clients, [token for _, token in signed]


async def _timed(
    base: str,
    users: list[User],
    each: Callable[[httpx2.AsyncClient, str, User], Awaitable[None]],
    timings: Timings,
    server: int,
) -> Timings:
    """Sign every user in first, then run ``each`` for all of them at once, timing the
    whole (``timings.wall``) and the CPU the server (process ``server``) used for it."""
    clients, tokens = await _signed_in(base, users)
    try:
        start, used = time.perf_counter(), _cpu_seconds(server)
        mine = time.process_time()
        await asyncio.gather(
            *(each(c, t, u) for c, t, u in zip(clients, tokens, users, strict=True))
        )
        timings.wall = time.perf_counter() - start
        timings.client_cpu = time.process_time() - mine
        after = _cpu_seconds(server)
        if used is not None and after is not None:
            timings.server_cpu = after - used
    finally:
        for client in clients:
            await client.aclose()
    return timings


async def _paced_round(
    base: str, users: list[User], rate: float, seconds: float, server: int
) -> Timings:
    """Every user signed in, then ``rate`` audited lookups a second offered by all of
    them together (a search + who-else pair is two), for ``seconds``; the round ends
    when the last pair due in that time is answered."""
    timings = Timings()
    rng = random.Random(7)
    per_user = rate / 2 / len(users)

    def each(c: httpx2.AsyncClient, t: str, u: User) -> Awaitable[None]:
        return _paced_user(c, t, u, per_user, seconds, random.Random(rng.random()), timings)

    return await _timed(base, users, each, timings, server)


async def _round(base: str, users: list[User], rounds: int, seconds: float, server: int) -> Timings:
    """Sign every user in first, then run search + who-else for all of them at once,
    each user's next pair as soon as its last is answered (closed loop)."""
    timings = Timings()

    def each(c: httpx2.AsyncClient, t: str, u: User) -> Awaitable[None]:
        # the round's seconds count from when every user is signed in
        return _one_user(c, t, u, rounds, time.monotonic() + seconds, timings)

    return await _timed(base, users, each, timings, server)


def _serve(config: StoreConfig, port: int, workers: int, work: Path) -> subprocess.Popen[bytes]:
    args = [*TACGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if config.kind == "embedded":
        args += ["--db", str(config.db_path)]
    else:
        args += ["--store", "neo4j", "--workers", str(workers)]
    log = (work / "server.log").open("ab")  # the server's own log, shown if it fails
    proc = subprocess.Popen(args, env=_env(config), stdout=log, stderr=log)
    deadline = time.monotonic() + 240  # several workers each import the application
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/sign-in", timeout=1.0).status_code == 200:
                return proc
        except httpx2.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


@dataclass(frozen=True)
class Round:
    users: int
    rate: float | None = None  # audited lookups a second offered (paced); None: saturating

    @property
    def name(self) -> str:
        return "saturating" if self.rate is None else f"paced {self.rate:,.0f}/s"


def run(
    engine: str,
    children: int,
    plan: list[Round],
    rounds: int,
    seconds: float,
    paced_seconds: float,
    workers: int,
) -> list[list[Any]]:
    work = Path(tempfile.mkdtemp(prefix="tacgraph-serve-bench-"))
    home = work / "neo4j"
    rows: list[list[Any]] = []
    try:
        if engine == "embedded":
            config = StoreConfig(kind="embedded", db_path=work / "db")
        else:
            info = devserver.start(home, heap="1g", page_cache="512m")
            config = StoreConfig(kind="neo4j", uri=info.uri)
        _build(children, config, work)
        with open_store(config) as store:
            users = _users(store, sum(r.users for r in plan))
        users = [u for u in users if u.children]
        largest = max(r.users for r in plan)
        if len(users) < largest:
            # A TOTP code signs an account in once: a round cannot hold one account twice.
            raise SystemExit(
                f"Error: the {children:,}-child store gives {len(users)} accounts with"
                f" children to look up, and a round of {largest} users needs {largest}"
                " different ones; try a larger --children (2,000 gives enough for 50)"
            )
        port = _free_port()
        used = 0
        for spec in plan:
            # Fresh accounts each round where there are enough (a TOTP code is good once
            # per account; a round takes longer than a code's 30 s step, so reuse is safe).
            group = [users[(used + i) % len(users)] for i in range(spec.users)]
            used += spec.users
            server = _serve(config, port, workers if engine == "neo4j" else 1, work)
            base = f"http://127.0.0.1:{port}"
            try:
                if spec.rate is None:
                    timings = asyncio.run(_round(base, group, rounds, seconds, server.pid))
                else:
                    timings = asyncio.run(
                        _paced_round(base, group, spec.rate, paced_seconds, server.pid)
                    )
            except httpx2.HTTPError:
                print((work / "server.log").read_text()[-3000:], file=sys.stderr)
                raise
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            if timings.reasons:
                print(f"{engine}, {spec.name}, errors: {timings.reasons}", file=sys.stderr)
            total = sum(len(v) for v in timings.pages.values())
            for page, values in sorted(timings.pages.items()):
                rows.append(
                    [
                        engine,
                        spec.name,
                        spec.users,
                        page,
                        len(values),
                        f"{len(values) / timings.wall:,.0f}",
                        f"{statistics.median(values) * 1000:.1f}",
                        f"{_percentile(values, 99) * 1000:.1f}",
                        timings.errors if page == "who-else" else "",
                        timings.misses if page == "search" else "",
                        f"{total / timings.wall:,.0f}" if page == "who-else" else "",
                        f"{timings.server_cpu / total * 1000:.1f}"
                        if page == "who-else" and timings.server_cpu is not None and total
                        else "",
                        f"{timings.client_cpu / total * 1000:.1f}"
                        if page == "who-else" and total
                        else "",
                    ]
                )
            time.sleep(2)  # a moment between rounds: sockets
        with open_store(config) as store:
            verified = audit.verify(store)
        rows.append(
            [
                engine,
                "-",
                "-",
                "audit verify",
                verified.entries,
                "",
                "",
                "",
                "intact" if verified.ok else f"BROKEN: {len(verified.problems)}",
                "",
                "",
                "",
                "",
            ]
        )
    finally:
        if engine == "neo4j":
            devserver.stop(home)
        shutil.rmtree(work, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--engines", nargs="+", default=["embedded", "neo4j"])
    parser.add_argument(
        "--users", type=int, nargs="*", default=[1, 10, 50], help="saturating rounds"
    )
    parser.add_argument("--rounds", type=int, default=40, help="pairs per user (saturating)")
    parser.add_argument("--seconds", type=float, default=30.0, help="bound on each round")
    parser.add_argument("--paced-users", type=int, default=50)
    parser.add_argument(
        "--paced-seconds", type=float, default=10.0, help="how long a paced round offers pairs"
    )
    parser.add_argument(
        "--rates",
        type=float,
        nargs="*",
        default=[300.0],
        help="audited lookups a second offered by the paced rounds",
    )
    parser.add_argument("--workers", type=int, default=4, help="Neo4j server workers")
    args = parser.parse_args()
    from common import machine

    plan = [Round(n) for n in args.users] + [Round(args.paced_users, r) for r in args.rates]
    print(f"tacgraph serve under load on {machine()}; {args.children:,} children; loopback")
    header = [
        "engine",
        "round",
        "users",
        "page",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "misses",
        "lookups/s",
        "server CPU ms/lookup",
        "client CPU ms/lookup",
    ]
    rows: list[list[Any]] = []
    for engine in args.engines:
        found = run(
            engine,
            args.children,
            plan,
            args.rounds,
            args.seconds,
            args.paced_seconds,
            args.workers,
        )
        for row in found:
            print("  ".join(str(v) for v in row), flush=True)  # as each engine finishes
        rows += found
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    for row in [header, *rows]:
        print("  ".join(str(v).rjust(w) for v, w in zip(row, widths, strict=False)))


if __name__ == "__main__":
    main()
