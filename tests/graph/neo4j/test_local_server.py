"""The local Bolt server: start, answer, persist, stop cleanly, refuse weak passwords."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.errors import PortInUse, StoreUnavailable, WeakPassword
from graph.neo4j.local_server import (
    BoltEndpoint,
    BoltServer,
    bolt_answers,
    check_password,
    free_port,
    spawn,
    wait_for_bolt,
)
from graph.neo4j.settings import DEV_PASSWORD
from graph.neo4j.store import Neo4jStore
from tests.bolt import assert_same_catalog, read_until, rich_catalog

ROOT = Path(__file__).resolve().parents[3]


def test_the_session_server_answers_bolt(bolt_server: BoltEndpoint) -> None:
    assert bolt_server.uri == f"bolt://localhost:{bolt_server.port}"
    assert bolt_answers("localhost", bolt_server.port)
    wait_for_bolt("localhost", bolt_server.port, timeout=5)


def test_nothing_answers_on_a_free_port() -> None:
    port = free_port()
    assert not bolt_answers("localhost", port, timeout=0.5)
    with pytest.raises(StoreUnavailable, match=f"no Bolt server answered on localhost:{port}"):
        wait_for_bolt("localhost", port, timeout=0.5)


def test_free_ports_are_bindable() -> None:
    import socket

    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


@pytest.mark.parametrize("weak", ["", "neo4j", "password", "root", "short", "skillgraph"])
def test_weak_passwords_are_refused_without_dev(weak: str) -> None:
    with pytest.raises(StoreUnavailable, match="SKILLGRAPH_DB_PASSWORD"):
        check_password(weak)


def test_a_weak_password_is_its_own_error_and_names_no_option() -> None:
    with pytest.raises(WeakPassword) as info:
        check_password("neo4j")
    assert "--" not in str(info.value)


def test_a_taken_port_is_its_own_error_and_names_no_option(bolt_server: BoltEndpoint, tmp_path: Path) -> None:
    pytest.importorskip("arcadedb_embedded")
    with pytest.raises(PortInUse) as info:
        BoltServer(tmp_path, password="a-real-password", port=bolt_server.port).start()
    assert info.value.port == bolt_server.port and "--" not in str(info.value)
    assert not any(tmp_path.iterdir())


def test_dev_mode_allows_a_default_password() -> None:
    assert check_password("", dev=True) == DEV_PASSWORD
    assert check_password("a-real-password", dev=True) == "a-real-password"
    assert check_password("a-real-password") == "a-real-password"


def _serve_cli(data: Path, port: int, password: str, cwd: Path) -> subprocess.Popen[str]:
    """``skillgraph db serve`` in a child process, through the real CLI entry point."""
    code = "import sys; from api import cli; sys.exit(cli.main(sys.argv[1:]))"
    env = {**os.environ, "SKILLGRAPH_DB_PASSWORD": password, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    env.pop("NEO4J_PASSWORD", None)
    return subprocess.Popen([sys.executable, "-c", code, "db", "serve", "--data", str(data), "--port", str(port),
                             "--heap", "1g"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=str(cwd), stdin=subprocess.DEVNULL)


def test_db_serve_keeps_data_across_a_clean_stop_and_refuses_another_password(tmp_path: Path) -> None:
    data, port, password = tmp_path / "db", free_port(), "curator-password-1"
    data.mkdir()
    proc = _serve_cli(data, port, password, cwd=tmp_path)
    try:
        lines = read_until(proc, "press Ctrl-C")
        out = "".join(lines)
        said = proc.stderr.read() if proc.poll() and proc.stderr else ""
        assert f"Bolt server ready at bolt://localhost:{port}" in out, out + said
        assert password not in out  # the password is never printed
        env = {"NEO4J_URI": f"bolt://localhost:{port}", "NEO4J_PASSWORD": password}
        with Neo4jStore.from_env(env) as store:
            store.load(rich_catalog())
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        rest, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "stopped; data kept in" in rest
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert not bolt_answers("localhost", port, timeout=0.5)
    # ArcadeDB's log goes to the data directory, not to ./log where serve was started
    assert (data / "log" / "arcadedb.log.0").exists()
    assert not (tmp_path / "log").exists()

    server = spawn(data, password=password, port=port, heap="1g")
    try:
        with Neo4jStore.from_env(server.endpoint.env()) as store:
            assert_same_catalog(store.snapshot(), rich_catalog())
    finally:
        assert server.stop() == 0
    with pytest.raises(StoreUnavailable, match="different password"):
        spawn(data, password="another-password-2", port=port, heap="1g", timeout=60)


def test_db_serve_refuses_a_weak_password_before_starting(tmp_path: Path, capsys: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from api import cli

    monkeypatch.setenv("SKILLGRAPH_DB_PASSWORD", "neo4j")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    assert cli.main(["db", "serve", "--data", str(tmp_path), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing a default or weak database password" in err
    assert err.rstrip().endswith("(or pass --dev for a throwaway local server)")  # the CLI names its option
    assert not any(tmp_path.iterdir())  # nothing was started or created


def test_the_fixture_fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.bolt import _unavailable

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _unavailable("no server")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _unavailable("no server")


def test_a_data_directory_in_use_is_refused_in_one_line(bolt_server: BoltEndpoint) -> None:
    """A second server on the session server's directory stops before Java starts, naming the holder."""
    second = BoltServer(bolt_server.data_dir, password=bolt_server.password, port=free_port())
    with pytest.raises(StoreUnavailable) as info:
        second.start()
    message = str(info.value)
    assert message.startswith(f"the data directory {Path(bolt_server.data_dir).resolve()} is in use by another server")
    assert "(pid " in message and "\n" not in message
    assert not second.running
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
           "SKILLGRAPH_DB_PASSWORD": bolt_server.password}
    proc = subprocess.run([sys.executable, "-m", "api.cli", "db", "serve", "--data", bolt_server.data_dir,
                           "--port", str(free_port())], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "is in use by another server (pid " in proc.stderr, proc.stderr
    assert "SEVERE" not in proc.stderr + proc.stdout
