"""A real Neo4j 5.26 LTS Community server, from Maven Central, started by the project.

``skillgraph db serve --engine neo4j`` and the test suite run it. The
launcher is package data (:data:`LAUNCHER_FILES`: a ``pom.xml`` naming
``org.neo4j:neo4j`` and a short ``Launcher.java``); :func:`build_launcher`
has Maven resolve and compile it once into a cache directory keyed by the
files' hash (``$SKILLGRAPH_CACHE`` or ``~/.cache/skillgraph``), after which a
start needs neither Maven nor the network. :class:`Neo4jServer` runs it in a
child Java process:

- Bolt on 127.0.0.1 only; HTTP off; auth on, user ``neo4j``, whose password
  (the one ``skillgraph db serve`` reads, see :mod:`graph.neo4j.settings`) is
  set when the data directory is created and checked at every start;
- default database ``skillgraph``: Community Neo4j has one user database, so
  its name is fixed when the data directory is created
  (``initial.dbms.default_database``);
- ``LOAD CSV`` file URLs off, a transaction timeout, a bounded page cache and
  Java heap; everything (data, logs) in the data directory;
- SIGTERM, or Ctrl-C, shuts the database down cleanly; the child also stops
  when this process dies (it watches its stdin).

Neo4j is GPLv3; it is downloaded by Maven on the user's machine, not shipped.
Without Java 17+ or Maven, :class:`ToolMissing` says what to install, and
that ``docker run neo4j:5.26`` is the other way.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from graph.errors import PortInUse, StoreUnavailable
from graph.neo4j.local_server import (
    HOST,
    BoltEndpoint,
    bolt_answers,
    check_login,
    claim_data_dir,
    free_port,
    read_lines,
    release_data_dir,
)
from graph.neo4j.settings import DEFAULT_DATABASE, DEFAULT_PORT

__all__ = [
    "DEFAULT_NEO4J_HEAP",
    "DEFAULT_PAGECACHE",
    "DEFAULT_TX_TIMEOUT",
    "NEO4J_USER",
    "NEO4J_VERSION",
    "Neo4jServer",
    "ToolMissing",
    "build_launcher",
    "launcher_dir",
    "missing_tools",
]

NEO4J_VERSION = "5.26.30"
NEO4J_USER = "neo4j"
DEFAULT_NEO4J_HEAP = "1g"
DEFAULT_PAGECACHE = "256m"
DEFAULT_TX_TIMEOUT = 300  # seconds; curator queries carry their own, shorter one
LAUNCHER_FILES = ("pom.xml", "Launcher.java")
_MAIN_CLASS = "org.skillgraph.Launcher"
_DOCKER = ("docker run -p 127.0.0.1:7687:7687 -e NEO4J_AUTH=neo4j/YOUR-PASSWORD "
           "-e NEO4J_initial_dbms_default__database=skillgraph neo4j:5.26")


class ToolMissing(StoreUnavailable):
    """Java or Maven, needed to build and run Neo4j, is not installed."""


def missing_tools() -> list[str]:
    """``java`` and ``mvn`` when not on ``PATH`` (Maven only matters before the first build)."""
    return [t for t in ("java", "mvn") if shutil.which(t) is None]


def _sources() -> dict[str, bytes]:
    pkg = resources.files("graph.neo4j") / "neo4j_launcher"
    return {name: (pkg / name).read_bytes() for name in LAUNCHER_FILES}


def launcher_dir() -> Path:
    """Where the built launcher lives: the cache, keyed by Neo4j's version and the sources' hash."""
    digest = hashlib.sha256(b"".join(_sources()[n] for n in LAUNCHER_FILES)).hexdigest()[:12]
    root = Path(os.environ.get("SKILLGRAPH_CACHE") or Path.home() / ".cache" / "skillgraph")
    return root / f"neo4j-{NEO4J_VERSION}-{digest}"


def build_launcher(*, log: Callable[[str], None] | None = None) -> Path:
    """Build the launcher once (Maven resolves Neo4j, ~150 MB) and return its directory.

    Safe to call from several processes at once (a file lock). ``log`` gets
    progress lines (default: stderr).

    Raises
    ------
    ToolMissing
        No ``java`` (or no ``mvn`` and nothing built yet).
    StoreUnavailable
        Maven failed; the message carries the end of its output.
    """
    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    target = launcher_dir()
    if shutil.which("java") is None:
        raise ToolMissing(_install_advice("java"))
    if (target / "classpath").exists():
        return target
    if shutil.which("mvn") is None:
        raise ToolMissing(_install_advice("mvn"))
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "classpath").exists():  # another process built it while we waited
            return target
        say(f"building Neo4j {NEO4J_VERSION} Community with Maven into {target} (once; downloads ~150 MB) ...")
        started = time.monotonic()
        work = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
        sources = _sources()
        (work / "pom.xml").write_bytes(sources["pom.xml"])
        java_dir = work / "src" / "main" / "java" / "org" / "skillgraph"
        java_dir.mkdir(parents=True)
        (java_dir / "Launcher.java").write_bytes(sources["Launcher.java"])
        proc = subprocess.run(["mvn", "-q", "-B", "compile"], cwd=work, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
            shutil.rmtree(work, ignore_errors=True)
            raise StoreUnavailable(f"Maven could not build the Neo4j launcher (exit {proc.returncode}):\n{tail}")
        (work / "classpath").write_text(os.pathsep.join(
            [str(target / "target" / "classes"), str(target / "target" / "lib" / "*")]))
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
        say(f"built Neo4j {NEO4J_VERSION} in {time.monotonic() - started:.0f} s")
    return target


def _install_advice(tool: str) -> str:
    what = "Java 17 or newer" if tool == "java" else "Maven 3.6 or newer"
    return (f"{tool} not found: the Neo4j server needs {what} (Debian/Ubuntu: apt-get install openjdk-17-jre-headless "
            f"maven; macOS: brew install openjdk@17 maven). Or run Neo4j in Docker: {_DOCKER}, "
            "and point skillgraph at it with NEO4J_URI, NEO4J_USER=neo4j and NEO4J_PASSWORD")


class Neo4jServer:
    """Neo4j 5.26 Community in a child Java process, Bolt on localhost.

    Same shape as :class:`~graph.neo4j.local_server.BoltServer`:
    :meth:`start` returns the :class:`~graph.neo4j.local_server.BoltEndpoint`,
    :meth:`stop` stops it cleanly.

    Parameters
    ----------
    data_dir : path
        Neo4j's home: ``data/`` and ``logs/`` live there.
    password : str
        The password of user ``neo4j``, set when ``data_dir`` is created.
    port : int
        Bolt port; 0 picks a free one.
    database : str
        The default (and only) user database, named when ``data_dir`` is created.
    heap, pagecache : str
        Java heap limit and Neo4j's page cache, e.g. ``"1g"``, ``"256m"``.
    tx_timeout : int
        Seconds any transaction may run.
    """

    def __init__(self, data_dir: str | os.PathLike[str], *, password: str, port: int = DEFAULT_PORT,
                 database: str = DEFAULT_DATABASE, heap: str = DEFAULT_NEO4J_HEAP,
                 pagecache: str = DEFAULT_PAGECACHE, tx_timeout: int = DEFAULT_TX_TIMEOUT) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.password = password
        self.fixed_port = port
        self.port = port or free_port()
        self.database = database
        self.heap = heap
        self.pagecache = pagecache
        self.tx_timeout = tx_timeout
        self.log_path = self.data_dir / "logs" / "launcher.log"
        self.startup_seconds = 0.0
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._lock: int | None = None

    @property
    def endpoint(self) -> BoltEndpoint:
        return BoltEndpoint(f"bolt://{HOST}:{self.port}", NEO4J_USER, self.password, self.database, self.port,
                            str(self.data_dir), engine="neo4j")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, *, timeout: float = 180.0, attempts: int = 3) -> BoltEndpoint:
        """Build the launcher if needed, start Neo4j, wait until it is ready, check the password.

        Raises
        ------
        ToolMissing
            No Java (or Maven, before the first build).
        PortInUse
            The fixed port is taken.
        StoreUnavailable
            It did not start (the message carries the end of its log), or the
            data directory was created with another password or database name.
        """
        if self.running:
            return self.endpoint
        self._check_database_name()
        classpath = (build_launcher() / "classpath").read_text()
        if bolt_answers(HOST, self.port, timeout=0.5):
            if self.fixed_port:
                raise PortInUse(self.port)
            self.port = free_port()
        self._lock = claim_data_dir(self.data_dir)
        try:
            self._start(classpath, timeout=timeout, attempts=attempts)
        except BaseException:
            self.stop()
            raise
        return self.endpoint

    def _check_database_name(self) -> None:
        """Refuse another name than the data directory's: Community Neo4j would make a new, empty database the
        default and take the old one offline."""
        databases = self.data_dir / "data" / "databases"
        names = sorted(p.name for p in databases.iterdir() if p.is_dir() and p.name != "system") \
            if databases.is_dir() else []
        if names and self.database not in names:
            raise StoreUnavailable(
                f"the data directory {self.data_dir} was created with database {names[0]!r}, not "
                f"{self.database!r}; Community Neo4j has one user database, named when its data directory is "
                "created: use that name, or another data directory")

    def _start(self, classpath: str, *, timeout: float, attempts: int) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "SKILLGRAPH_NEO4J_PASSWORD": self.password}
        started = time.monotonic()
        for attempt in range(max(1, attempts)):
            if attempt:
                self.port = free_port()
            command = ["java", f"-Xmx{self.heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                       f"-XX:ErrorFile={self.data_dir / 'logs' / 'hs_err_pid%p.log'}", "-cp", classpath, _MAIN_CLASS,
                       str(self.data_dir), str(self.port), self.database, self.pagecache, str(self.tx_timeout)]
            with open(self.log_path, "a", encoding="utf-8") as log:
                self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                                 text=True, env=env, cwd=str(self.data_dir))
            ready = self._wait_ready(timeout)
            if ready is not None:
                self.startup_seconds = time.monotonic() - started
                got = dict(kv.split("=", 1) for kv in ready.split()[1:] if "=" in kv)
                if got.get("database") != self.database:
                    raise StoreUnavailable(
                        f"the data directory {self.data_dir} was created with database {got.get('database')!r}, "
                        f"not {self.database!r}; Community Neo4j has one user database, named when its data "
                        "directory is created: use that name, or another data directory")
                self._check_login()
                return
            self._end_process()
            if self.fixed_port:
                break
        raise StoreUnavailable(f"Neo4j did not start; end of {self.log_path}:\n{_tail(self.log_path)}")

    def _wait_ready(self, timeout: float) -> str | None:
        proc = self._process
        assert proc is not None and proc.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                return None
            if line.startswith("READY "):
                return line.strip()
        return None

    def _check_login(self) -> None:
        check_login(self.endpoint.uri, NEO4J_USER, self.password, self.database, self.data_dir)

    def _end_process(self, timeout: float = 90.0) -> int | None:
        proc, self._process = self._process, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        if self._reader is not None:
            self._reader.join(10)
            self._reader = None
        return int(proc.returncode)

    def stop(self, timeout: float = 90.0) -> int:
        """Stop Neo4j (SIGTERM: a clean shutdown), wait, kill it after ``timeout`` s; the exit code
        (0 for a clean stop). Safe to call twice."""
        code = self._end_process(timeout)
        fd, self._lock = self._lock, None
        release_data_dir(fd)
        return 0 if code is None else code

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
