"""A local Neo4j-compatible server for development, curators and tests: the zero-setup one.

ArcadeDB from the ``arcadedb-embedded`` wheel (it bundles its own Java
runtime) with ArcadeDB's Bolt plugin; the official ``neo4j`` driver talks to
it as to Neo4j 5. It listens on localhost only. Install it with the
``server`` extra: ``pip install 'skillgraph[server]'``. Real Neo4j 5.26
Community, which needs Java and Maven, is :mod:`graph.neo4j.neo4j_server`.

Two ways to run it:

:class:`BoltServer`
    in this process (the Java VM lives in it): ``skillgraph db serve``.
:func:`spawn`
    in a child process (``python -m graph.neo4j.local_server``), for the test suite
    and the benchmark: the caller stays free of the Java VM, and
    :meth:`ServerProcess.stop` ends it cleanly.

Caveats of this server, compared with Neo4j 5: it does not enforce READ
access mode, nor transaction timeouts, and schema commands (CREATE INDEX,
CREATE CONSTRAINT) take effect even when their transaction is rolled back;
:func:`queries.cypher.run_cypher` accounts for all three. The root password is
fixed when a data directory is first created; :meth:`BoltServer.start` checks
that the given password still opens it. ArcadeDB's own log goes to
``<data>/log``.

Port, database, heap, password precedence and the development password are
those of :mod:`graph.neo4j.settings`. Messages name no command-line option:
the command that runs the server adds that advice, by error type
(:class:`~graph.errors.WeakPassword`, :class:`~graph.errors.PortInUse`).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from graph.errors import AuthFailed, PortInUse, StoreUnavailable, WeakPassword
from graph.neo4j.errors import map_driver_errors
from graph.neo4j.settings import (
    DEFAULT_DATABASE,
    DEFAULT_HEAP,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_USER,
    DEV_PASSWORD,
    password_from_env,
)

__all__ = [
    "HOST",
    "check_login",
    "ROOT_USER",
    "BoltEndpoint",
    "BoltServer",
    "ServerProcess",
    "bolt_answers",
    "check_password",
    "claim_data_dir",
    "free_port",
    "main",
    "read_lines",
    "release_data_dir",
    "serve_until_signal",
    "spawn",
    "wait_for_bolt",
]

ROOT_USER = DEFAULT_USER
HOST = DEFAULT_HOST
_WEAK_PASSWORDS = frozenset({
    "", "password", "password1", "neo4j", "root", "admin", "arcadedb", "skillgraph", DEV_PASSWORD, "changeme",
    "changeit", "secret", "12345678", "123456789", "test", "testtest", "playwithdata", "letmein",
})
_MIN_PASSWORD = 8  # ArcadeDB refuses shorter root passwords
_LOCK_FILE = "skillgraph-server.lock"
_BOLT_MAGIC = b"\x60\x60\xb0\x17"
# Propose Bolt 5.4..5.0 and 4.4; a Bolt server answers with the version it picked.
_BOLT_VERSIONS = b"\x00\x04\x04\x05" + b"\x00\x00\x04\x04" + b"\x00\x00\x00\x00" * 2
_LOG_PROPERTIES = """\
handlers = java.util.logging.ConsoleHandler, java.util.logging.FileHandler
.level = INFO
io.undertow.level = WARNING
org.xnio.level = WARNING
org.jboss.level = WARNING
java.util.logging.ConsoleHandler.level = SEVERE
java.util.logging.FileHandler.level = INFO
java.util.logging.FileHandler.pattern = {pattern}
java.util.logging.FileHandler.formatter = com.arcadedb.log.LogFormatter
java.util.logging.FileHandler.limit = 10000000
java.util.logging.FileHandler.count = 3
"""


@dataclass(frozen=True)
class BoltEndpoint:
    """How to reach a running server (what ``NEO4J_*`` should say)."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str
    port: int
    data_dir: str
    engine: str = "arcadedb"  # or "neo4j" (graph.neo4j.neo4j_server)

    def env(self) -> dict[str, str]:
        """The ``NEO4J_*`` variables that point skillgraph at this server."""
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password,
                "NEO4J_DATABASE": self.database}


def check_password(password: str | None, *, dev: bool = False) -> str:
    """The root password to use; refuses an empty, short or well-known one unless ``dev``.

    Examples
    --------
    >>> check_password("", dev=True)
    'skillgraph-dev'
    >>> check_password("neo4j")
    Traceback (most recent call last):
    ...
    graph.errors.WeakPassword: refusing a default or weak database password; set SKILLGRAPH_DB_PASSWORD to \
at least 8 characters
    """
    password = password or ""
    if dev:
        return password if len(password) >= _MIN_PASSWORD else DEV_PASSWORD
    if password.lower() in _WEAK_PASSWORDS or len(password) < _MIN_PASSWORD:
        raise WeakPassword(
            f"refusing a default or weak database password; set SKILLGRAPH_DB_PASSWORD to at least {_MIN_PASSWORD} "
            "characters"
        )
    return password


def check_login(uri: str, user: str, password: str, database: str, data_dir: Path | str) -> None:
    """Log in to a server just started on ``data_dir``; a refused password means the
    directory was created with another one (the server keeps its first password)."""
    try:
        import neo4j
    except ImportError:  # the driver is optional for the server itself
        return
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        try:
            with map_driver_errors(uri=uri, user=user, database=database):
                driver.verify_connectivity()
        except AuthFailed:
            raise StoreUnavailable(
                f"the data directory {data_dir} was created with a different password; "
                "use that password, or another data directory"
            ) from None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` now (another process may take it later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def bolt_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """True when a Bolt server on ``host:port`` completes the version handshake."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(_BOLT_MAGIC + _BOLT_VERSIONS)
            reply = b""
            while len(reply) < 4:
                chunk = s.recv(4 - len(reply))
                if not chunk:
                    return False
                reply += chunk
            return reply != b"\x00\x00\x00\x00"
    except OSError:
        return False


def wait_for_bolt(host: str, port: int, *, timeout: float = 60.0, alive: Callable[[], bool] | None = None) -> None:
    """Block until Bolt answers on ``host:port``; :class:`StoreUnavailable` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bolt_answers(host, port, timeout=1.0):
            return
        if alive is not None and not alive():
            raise StoreUnavailable(f"the Bolt server on port {port} exited while starting")
        time.sleep(0.2)
    raise StoreUnavailable(f"no Bolt server answered on {host}:{port} within {timeout:g} s")


def claim_data_dir(data_dir: Path) -> int:
    """Lock ``data_dir`` for this process's server (the lock goes with the process) and return the
    descriptor holding it, or say which process holds it: two servers on one directory would corrupt it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / _LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.read(fd, 32).decode(errors="replace").strip()
        os.close(fd)
        pid = f" (pid {holder})" if holder.isdigit() else ""
        raise StoreUnavailable(f"the data directory {data_dir} is in use by another server{pid}") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def release_data_dir(fd: int | None) -> None:
    """Release a lock of :func:`claim_data_dir` (None: nothing to release)."""
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the lock


# -- in this process ------------------------------------------------------------------------------
class BoltServer:
    """ArcadeDB with its Bolt plugin, in this process, on localhost.

    Parameters
    ----------
    data_dir : path
        Persistent: databases, users and logs live there.
    password : str
        The root password (see :func:`check_password`).
    port : int
        Bolt port; 0 picks a free one.
    http_port : int
        ArcadeDB's HTTP port (localhost too); 0 picks a free one.
    database : str
        Created on first start.
    heap : str
        Java heap limit, e.g. ``"2g"``.
    """

    def __init__(self, data_dir: str | os.PathLike[str], *, password: str, port: int = DEFAULT_PORT,
                 http_port: int = 0, database: str = DEFAULT_DATABASE, heap: str = DEFAULT_HEAP) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.password = password
        self.port = port or free_port()
        self.http_port = http_port or free_port()
        self.database = database
        self.heap = heap
        self._server: Any = None
        self._lock: int | None = None  # a descriptor holding the data directory's lock while running

    @property
    def endpoint(self) -> BoltEndpoint:
        return BoltEndpoint(f"bolt://{HOST}:{self.port}", ROOT_USER, self.password, self.database, self.port,
                            str(self.data_dir))

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, *, check_login: bool = True) -> BoltEndpoint:
        """Start, wait until Bolt answers, check the password opens the data directory.

        Raises
        ------
        StoreUnavailable
            The wheel is not installed, the port is taken, or the data
            directory was created with another password.
        """
        if self._server is not None:
            return self.endpoint
        try:
            from arcadedb_embedded.server import ArcadeDBServer
        except ImportError:
            raise StoreUnavailable(
                "the local graph server is not installed: pip install 'skillgraph[server]'"
            ) from None
        if bolt_answers(HOST, self.port, timeout=0.5):
            raise PortInUse(self.port)
        self._claim_data_dir()
        try:
            self._start_server(ArcadeDBServer, check_login=check_login)
        except BaseException:
            self._release_data_dir()
            raise
        return self.endpoint

    def _claim_data_dir(self) -> None:
        self._lock = claim_data_dir(self.data_dir)

    def _release_data_dir(self) -> None:
        fd, self._lock = self._lock, None
        release_data_dir(fd)

    def _start_server(self, server_class: Any, *, check_login: bool) -> None:
        log_dir = self.data_dir / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_config = self.data_dir / "log.properties"
        log_config.write_text(_LOG_PROPERTIES.format(pattern=(log_dir / "arcadedb.log").as_posix()))
        # The wheel writes JVM crash logs to ./log unless told otherwise.
        os.environ.setdefault("ARCADEDB_JVM_ERROR_FILE", str(log_dir / "hs_err_pid%p.log"))
        config = {
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": self.port,
            "http_port": self.http_port,
            "host": HOST,
            "server_defaultDatabases": f"{self.database}[{ROOT_USER}]",
        }
        try:
            server = server_class(
                root_path=str(self.data_dir), root_password=self.password, config=config,
                jvm_kwargs={"heap_size": self.heap, "jvm_args": [f"-Djava.util.logging.config.file={log_config}"]},
            )
            server.start()
        except Exception as err:
            raise StoreUnavailable(f"cannot start the Bolt server on port {self.port}: {err}") from err
        self._server = server
        try:
            wait_for_bolt(HOST, self.port, timeout=30)
            if check_login:
                self._check_login()
        except BaseException:
            self.stop()
            raise

    def _check_login(self) -> None:
        check_login(self.endpoint.uri, ROOT_USER, self.password, self.database, self.data_dir)

    def stop(self) -> None:
        """Stop the server; committed data is on disk. Safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        self._release_data_dir()

    def __enter__(self) -> BoltServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_until_signal(server: Any, on_ready: Callable[[BoltEndpoint], None] | None = None) -> None:
    """Start ``server``, call ``on_ready``, block until SIGINT or SIGTERM, then stop it.

    ``server`` is a :class:`BoltServer` or a :class:`~graph.neo4j.neo4j_server.Neo4jServer`
    (``start``, ``running``, ``stop``).

    Handlers are installed explicitly: a process started in the background
    ignores SIGINT by default, and the Java VM would otherwise take SIGTERM
    and exit without Python's cleanup.
    """
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        endpoint = server.start()
        if on_ready is not None:
            on_ready(endpoint)
        while not stop.wait(0.5):
            if not server.running:
                raise StoreUnavailable("the server stopped on its own; see the log in its data directory")
    finally:
        server.stop()
        for s, h in previous.items():
            signal.signal(s, h)


# -- in a child process ---------------------------------------------------------------------------
@dataclass
class ServerProcess:
    """A server running in a child process started by :func:`spawn`."""

    endpoint: BoltEndpoint
    process: subprocess.Popen[str]
    log_path: Path
    reader: threading.Thread | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 60.0) -> int:
        """Ask the server to stop (SIGTERM), wait, kill it after ``timeout`` s; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        _close_pipe(self.process, self.reader)
        return int(self.process.returncode)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def read_lines(stream: IO[str], out: queue.Queue[str | None]) -> None:
    """Put each line of ``stream`` on ``out``, then None at its end (a reader thread's body)."""
    try:
        for line in stream:
            out.put(line)
    except (OSError, ValueError):  # the pipe was closed under us
        pass
    out.put(None)


def _close_pipe(proc: subprocess.Popen[str], reader: threading.Thread | None) -> None:
    """Close the child's stdout once its reader has seen the end (the child has exited)."""
    if reader is not None:
        reader.join(10)
    if proc.stdout is not None and (reader is None or not reader.is_alive()):
        proc.stdout.close()


def spawn(data_dir: str | os.PathLike[str], *, password: str, port: int = 0, database: str = DEFAULT_DATABASE,
          heap: str = DEFAULT_HEAP, timeout: float = 120.0, attempts: int = 3) -> ServerProcess:
    """Start a server in a child process and wait until it is ready.

    ``port=0`` picks a free port (and retries with another if it was taken
    meanwhile). The child's output goes to ``<data_dir>/serve.log``.

    Raises
    ------
    StoreUnavailable
        It did not start; the message carries the end of its log.
    """
    data = Path(data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    log_path = data / "serve.log"
    last = ""
    for _ in range(max(1, attempts)):
        bolt_port = port or free_port()
        # Every variable of PASSWORD_VARS: whichever the child reads first is this password.
        env = {**os.environ, "NEO4J_PASSWORD": password, "SKILLGRAPH_DB_PASSWORD": password, "PYTHONUNBUFFERED": "1"}
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        with open(log_path, "a", encoding="utf-8") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "graph.neo4j.local_server", "--data", str(data), "--port", str(bolt_port),
                 "--database", database, "--heap", heap],
                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True, env=env, cwd=str(data),
            )
        assert proc.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            if line.startswith("{"):
                info = json.loads(line)
                endpoint = BoltEndpoint(**{**info, "password": password})
                return ServerProcess(endpoint, proc, log_path, reader)
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        _close_pipe(proc, reader)
        last = _tail(log_path)
        if port:  # a fixed port: retrying would fail the same way
            break
    raise StoreUnavailable(f"the local Bolt server did not start; end of {log_path}:\n{last}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m graph.neo4j.local_server``: serve until SIGTERM; print one JSON line when ready.

    The password comes from ``NEO4J_PASSWORD`` (or ``SKILLGRAPH_DB_PASSWORD``).
    """
    ap = argparse.ArgumentParser(prog="python -m graph.neo4j.local_server", description=main.__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--http-port", type=int, default=0)
    ap.add_argument("--database", default=DEFAULT_DATABASE)
    ap.add_argument("--heap", default=DEFAULT_HEAP)
    ap.add_argument("--dev", action="store_true")
    args = ap.parse_args(argv)
    try:
        password = check_password(password_from_env(), dev=args.dev)
        server = BoltServer(args.data, password=password, port=args.port, http_port=args.http_port,
                            database=args.database, heap=args.heap)

        def ready(endpoint: BoltEndpoint) -> None:
            info = {k: v for k, v in asdict(endpoint).items() if k != "password"}
            print(json.dumps(info), flush=True)

        serve_until_signal(server, ready)
    except WeakPassword as err:
        print(f"local_server: error: {err} (or pass --dev for a throwaway local server)", file=sys.stderr)
        return 1
    except PortInUse as err:
        print(f"local_server: error: {err}; choose another --port", file=sys.stderr)
        return 1
    except StoreUnavailable as err:
        print(f"local_server: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
