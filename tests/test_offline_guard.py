"""The offline guard blocks and records non-loopback connections, here and in kernels."""
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

import offline_guard

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def private_log(tmp_path, monkeypatch):
    """Record this test's (deliberate) attempts in its own log, not the session's."""
    log = tmp_path / "attempts.log"
    monkeypatch.setenv("COURSE_OFFLINE_LOG", str(log))
    return log


def test_internet_connections_are_blocked_and_recorded(private_log):
    with pytest.raises(offline_guard.NetworkBlocked, match="192.0.2.1:80"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET: never routable anyway
    with pytest.raises(offline_guard.NetworkBlocked, match="example.org"):
        socket.getaddrinfo("example.org", 443)
    assert [line.split(": ", 1)[1] for line in private_log.read_text().splitlines() if line.startswith("pid ")] == [
        "blocked connection to 192.0.2.1:80", "blocked name lookup of 'example.org'"]


def test_loopback_still_works(private_log):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    threading.Thread(target=lambda: server.accept()[0].sendall(b"hi"), daemon=True).start()
    with socket.create_connection(server.getsockname(), timeout=5) as client:
        assert client.recv(2) == b"hi"
    server.close()
    assert not private_log.exists()


@pytest.mark.parametrize("host, local", [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True),
                                         ("localhost", True), ("10.0.0.1", False), ("8.8.8.8", False),
                                         ("pypi.org", False)])
def test_is_local(host, local):
    assert offline_guard.is_local(host) is local


def test_guard_is_active_inside_notebook_kernels(tmp_path):
    log = tmp_path / "kernel-attempts.log"
    km, kc = start_new_kernel(kernel_name="python3", env={**os.environ, "COURSE_OFFLINE_LOG": str(log),
                                                                       "COURSE_RUN_KIND": "other"})
    try:
        reply = kc.execute_interactive("import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)",
                                       timeout=60, output_hook=lambda msg: None)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NetworkBlocked"
    assert "192.0.2.1:80" in log.read_text()


def test_a_network_attempt_in_a_worker_fails_a_two_worker_run(tmp_path):
    """xdist's controller never sees a worker's exit status: the attempt must still fail the whole run."""
    (tmp_path / "test_net.py").write_text(
        "import socket\n\n"
        "def test_hides_its_attempt():\n"
        "    try:\n"
        "        socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "    except OSError:\n"
        "        pass  # a library that swallows the error\n\n"
        "def test_something_else():\n"
        "    assert True\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COURSE_TEST_SESSION"))}
    env["PYTHONPATH"] = str(ROOT)  # -p conftest: the project's conftest, as a plugin of this run
    plugins = ["-p", "conftest", "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:hypothesispytest"]
    run = subprocess.run([sys.executable, "-m", "pytest", *plugins, "-n", "2", "test_net.py"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert "offline guard: FAILED" in run.stdout and "192.0.2.1:80" in run.stdout
    assert "1 failed, 2 passed" in run.stdout  # the two tests pass; the closing check fails
