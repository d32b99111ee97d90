"""Load benchmark of the HTTP API: ``POST /plan`` against a static ``GET /health`` baseline.

Usage::

    python -m benchmarks.bench_api [--requests 6000] [--duration 20] [--concurrency 16]
                                   [--catalog FILE] [--no-uncached] [--json OUT]

It starts uvicorn with one worker on a free port of 127.0.0.1 (the app from
:func:`api.http.app.create_app`, settings from the environment plus the options
here), waits for ``/health``, and drives load from this process: an asyncio
client on raw sockets, ``--concurrency`` keep-alive HTTP/1.1 connections,
closed loop (each connection sends its next request when the answer is in).
Every phase stops after ``--requests`` requests or ``--duration`` seconds,
whichever comes first, after a short warm-up that is not counted.

Phases, each on the same server run unless said otherwise:

* ``GET /health``: the static baseline (framework + loop + client cost);
* ``POST /plan``: the catalog's learner situations (``situations`` in the
  seed catalog: have + role or cert + objective) round-robin, with the
  service's default response cache (plans are pure functions of catalog and
  request, so repeats are answered from the snapshot's cache);
* ``POST /plan uncached``: the same requests on a second server started with
  ``SKILLGRAPH_PLAN_CACHE_SIZE=0`` and ``SKILLGRAPH_SOLVED_CACHE_SIZE=0``, so
  every request runs the whole planner, solver included (skip with
  ``--no-uncached``), then the distinct learners again on that server
  (``no memory``: the baseline for the planner's memory of solved problems,
  :mod:`queries._memo`);
* ``POST /plan, N learners``: ``--learners`` distinct learners (seeded random
  skills held, at random levels, and a random role), each sent once, so no
  answer comes from the cache; target: at least 0.15 x the ``GET /health``
  throughput of the same run, p99 <= 50 ms, 0 errors.

For each it prints requests, req/s, p50 / p99 / max latency in ms and the
error count (any status other than 200, a broken connection or a timeout),
and PASS/MISS against DESIGN.md's target (>= 500 req/s, p99 <= 50 ms, 0
errors). Traffic goes to 127.0.0.1 only. Exit status 1 when the cached
``/plan`` row misses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders import load_catalog

ROOT = Path(__file__).resolve().parents[1]

TARGET_RPS = 500.0
TARGET_P99_MS = 50.0


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    first_error: str | None = None

    @property
    def count(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000

    def row(self) -> dict[str, Any]:
        return {"phase": self.name, "requests": self.count, "rps": round(self.rps, 1),
                "p50_ms": round(self.pct(0.50), 2), "p99_ms": round(self.pct(0.99), 2),
                "max_ms": round(max(self.latencies, default=0.0) * 1000, 2), "errors": self.errors,
                "mean_ms": round(statistics.fmean(self.latencies) * 1000, 2) if self.latencies else None}


def _request(method: str, path: str, body: bytes | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + (body or b"")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


async def _drive(port: int, name: str, requests: list[bytes], total: int, duration: float, concurrency: int,
                 timeout: float = 10.0) -> Result:
    result = Result(name)
    counter = iter(range(total))
    deadline = time.perf_counter() + duration

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for n in counter:
                if time.perf_counter() > deadline:
                    break
                payload = requests[(n + offset) % len(requests)]
                started = time.perf_counter()
                try:
                    writer.write(payload)
                    status, body = await asyncio.wait_for(_read_response(reader), timeout)
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as err:
                    result.errors += 1
                    result.first_error = result.first_error or f"{type(err).__name__}: {err}"
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                if status != 200:
                    result.errors += 1
                    result.first_error = result.first_error or f"HTTP {status}: {body[:200]!r}"
                else:
                    result.latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    result.elapsed = time.perf_counter() - began
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn with one worker in a child process, stopped on exit."""

    def __init__(self, env: dict[str, str]):
        self.port = _free_port()
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.http.app:create_app", "--host", "127.0.0.1",
               "--port", str(self.port), "--workers", "1", "--no-access-log", "--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with status {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(_request("GET", "/health"))
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("the server did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _plan_requests(catalog_path: str | None) -> list[bytes]:
    catalog = load_catalog(catalog_path)
    out = []
    for s in catalog.situations:
        target = {k: v for k, v in (("role", s.role), ("cert", s.cert), ("skills", s.skills)) if v}
        body = json.dumps({"have": s.have, "target": target, "objective": s.objective}).encode()
        out.append(_request("POST", "/plan", body))
    if not out:
        raise SystemExit("the catalog has no situations to plan")
    return out


def _learner_requests(catalog_path: str | None, n: int, seed: int = 0) -> list[bytes]:
    """``n`` distinct learners: 0-6 skills held (at levels 1-3) and a role, seeded."""
    catalog = load_catalog(catalog_path)
    rng = random.Random(seed)
    skills = [s.id for s in catalog.skills if s.teachable]
    roles = [r.id for r in catalog.roles]
    seen: set[bytes] = set()
    out: list[bytes] = []
    while len(out) < n and roles:
        have = sorted(f"{s}:{rng.randint(1, 3)}" for s in rng.sample(skills, rng.randint(0, min(6, len(skills)))))
        body = json.dumps({"have": have, "target": {"role": rng.choice(roles)}}).encode()
        if body not in seen:
            seen.add(body)
            out.append(_request("POST", "/plan", body))
    return out


async def _phases(port: int, args: argparse.Namespace, plans: list[bytes], names: list[str]) -> list[Result]:
    health = [_request("GET", "/health")]
    out = []
    # Warm-up: every distinct request once, plus a little of each phase; not counted.
    await _drive(port, "warm-up", plans, len(plans) * 2, 30, 1)
    await _drive(port, "warm-up", health, 200, 10, args.concurrency)
    for name in names:
        if name.startswith("POST /plan,"):  # distinct learners, each once: nothing from the cache
            learners = _learner_requests(args.catalog, args.learners)
            out.append(await _drive(port, name, learners, len(learners), args.duration * 3, args.concurrency))
            continue
        reqs = health if name.startswith("GET") else plans
        out.append(await _drive(port, name, reqs, args.requests, args.duration, args.concurrency))
    return out


def _run(env: dict[str, str], args: argparse.Namespace, plans: list[bytes], names: list[str]) -> list[Result]:
    server = Server(env)
    try:
        server.wait_ready()
        return asyncio.run(_phases(server.port, args, plans, names))
    finally:
        server.stop()


def _relative(r: Result, health: Result) -> str:
    ok = r.rps >= 0.15 * health.rps and r.pct(0.99) <= TARGET_P99_MS and r.errors == 0
    return f"{'PASS' if ok else 'MISS'} ({r.rps / health.rps:.2f} x health; target >= 0.15 x, p99 <= 50 ms)"


def _verdict(r: Result) -> str:
    ok = r.rps >= TARGET_RPS and r.pct(0.99) <= TARGET_P99_MS and r.errors == 0
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=6000, help="requests per phase (default 6000)")
    ap.add_argument("--duration", type=float, default=20.0, help="most seconds per phase (default 20)")
    ap.add_argument("--concurrency", type=int, default=16, help="keep-alive connections (default 16)")
    ap.add_argument("--catalog", help="catalog file with situations (default: the seed)")
    ap.add_argument("--no-uncached", action="store_true", help="skip the run with the response cache off")
    ap.add_argument("--learners", type=int, default=3000, help="distinct learners, each planned once (0: skip)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    if not (1 <= args.concurrency <= 256 and 1 <= args.requests <= 1_000_000 and 0 < args.duration <= 600):
        ap.error("--concurrency 1-256, --requests 1-1000000, --duration up to 600 s")

    plans = _plan_requests(args.catalog)
    before = os.getloadavg()[0]
    env = {"SKILLGRAPH_REFRESH_INTERVAL_S": "0"}
    if args.catalog:
        env["SKILLGRAPH_CATALOG"] = str(Path(args.catalog).resolve())
    phases = ["GET /health", "POST /plan"] + ([f"POST /plan, {args.learners} learners"] if args.learners else [])
    results = _run(env, args, plans, phases)
    if not args.no_uncached:
        # No response cache and no memory of solved problems: every request runs the whole planner.
        cold = ["POST /plan uncached"] + ([f"POST /plan, {args.learners} learners, no memory"] if args.learners else [])
        results += _run({**env, "SKILLGRAPH_PLAN_CACHE_SIZE": "0", "SKILLGRAPH_SOLVED_CACHE_SIZE": "0"}, args, plans,
                        cold)

    try:
        import httptools  # noqa: F401
        http = "httptools"
    except ImportError:
        http = "h11"
    try:
        import uvloop  # noqa: F401
        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    print(f"one uvicorn worker ({http}, {loop}), {args.concurrency} keep-alive connections, "
          f"{len(plans)} learner situations, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {before:.2f} before / {os.getloadavg()[0]:.2f} after (other work on the machine skews it)")
    header = f"{'phase':<22}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}  target"
    print(header)
    print("-" * len(header))
    for r in results:
        row = r.row()
        verdict = "baseline" if not r.name.startswith("POST") else _relative(r, results[0]) \
            if r.name.startswith("POST /plan,") else _verdict(r)
        print(f"{row['phase']:<22}{row['requests']:>9}{row['rps']:>9.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
              f"{row['max_ms']:>9.2f}{row['errors']:>8}  {verdict}")
        if r.first_error:
            print(f"  first error: {r.first_error}")
    print(f"target: >= {TARGET_RPS:.0f} req/s, p99 <= {TARGET_P99_MS:.0f} ms, 0 errors (DESIGN.md)")
    if args.json:
        Path(args.json).write_text(json.dumps([r.row() for r in results], indent=2) + "\n", encoding="utf-8")
    plan_row = next(r for r in results if r.name == "POST /plan")
    return 0 if _verdict(plan_row) == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
