"""The course's JupyterHub (``make hub``) started for a test or a bench, and driven through its APIs:
the plumbing of tests/test_hub.py and bench/classroom_capacity.py.

    with start_hub(scratch, ["ana", "ben"]) as hub:
        start_server(hub, "ana")
        upload(hub, "ana", NOTEBOOKS_DIR / "00_start_here.ipynb", "00_start_here.ipynb")
        result = run_notebook(hub, "ana", "00_start_here.ipynb")

The hub runs on a free loopback port with its state in ``scratch/state`` (database, students' folders
``state/home/<name>``) and an admin service token (``COURSE_HUB_API_TOKEN``) for these calls. A
notebook runs in a student's own server: a kernel started through that server's API, each code cell
sent over the kernel's websocket as a browser would. On exit every server, the proxy and the hub are
stopped, and any process left in the hub's folders is killed; ``leftovers`` names what was.
"""
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from course_tools.hub.__main__ import free_port

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"


class HubError(RuntimeError):
    """The hub, a student's server or a kernel did not do what was asked in time."""


@dataclass
class Hub:
    url: str
    token: str
    password: str
    state: Path
    log: Path
    process: subprocess.Popen
    leftovers: list = field(default_factory=list)

    def home(self, user: str) -> Path:
        return self.state / "home" / user


def _request(url: str, token: str, method: str = "GET", data=None, timeout: float = 60):
    body = None if data is None else (data if isinstance(data, bytes) else json.dumps(data).encode())
    request = urllib.request.Request(url, method=method, data=body, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        answer = reply.read()
    return json.loads(answer) if answer and answer[:1] in b"[{" else answer


def api(hub: Hub, path: str, method: str = "GET", data=None):
    """The hub's REST API (``/hub/api/<path>``) with the admin token."""
    return _request(f"{hub.url}/hub/api/{path}", hub.token, method, data)


def user_api(hub: Hub, user: str, path: str, method: str = "GET", data=None, timeout: float = 60):
    """A student's own server's REST API (``/user/<name>/api/<path>``), through the proxy."""
    return _request(f"{hub.url}/user/{user}/api/{path}", hub.token, method, data, timeout)


def log_tail(hub: Hub, chars: int = 4000) -> str:
    return hub.log.read_text(errors="replace")[-chars:]


@contextlib.contextmanager
def start_hub(scratch: Path, users: list[str], env: dict | None = None, idle_timeout: int = 3600,
              cull_every: int | None = None, start_timeout: float = 90):
    """``python -m course_tools.hub`` on a free loopback port with state in ``scratch``; yields a ``Hub``.

    ``env`` is added to the hub's environment (what ``env_keep`` passes on reaches the kernels).
    """
    scratch = Path(scratch)
    state, log_path = scratch / "state", scratch / "hub.log"
    state.mkdir(parents=True, exist_ok=True)
    port, token, password = free_port(), secrets.token_hex(16), secrets.token_urlsafe(12)
    hub_env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # kernels show inline plots
    hub_env.update(env or {}, COURSE_HUB_API_TOKEN=token)
    if cull_every is not None:
        hub_env["COURSE_HUB_CULL_EVERY"] = str(cull_every)
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "course_tools.hub", "--state", str(state), "--port", str(port),
         "--users", ",".join(users), f"--password={password}", "--idle-timeout", str(idle_timeout)],
        stdout=log, stderr=subprocess.STDOUT, env=hub_env, cwd=ROOT, start_new_session=True)
    hub = Hub(url=f"http://127.0.0.1:{port}", token=token, password=password, state=state, log=log_path,
              process=process)
    try:
        deadline = time.time() + start_timeout
        while True:
            try:
                api(hub, "")
                break
            except (OSError, urllib.error.HTTPError):
                if process.poll() is not None or time.time() > deadline:
                    raise HubError("the hub did not start:\n" + log_tail(hub)) from None
                time.sleep(0.5)
        yield hub
    finally:
        _stop(hub)
        log.close()


def _stop(hub: Hub) -> None:
    """Stop every server, then the hub (it stops the proxy); kill whatever is left in its folders."""
    if hub.process.poll() is None:
        try:
            for user in api(hub, "users"):
                if user["servers"]:
                    api(hub, f"users/{user['name']}/server", method="DELETE")
            deadline = time.time() + 30
            while time.time() < deadline and any(u["servers"] for u in api(hub, "users")):
                time.sleep(0.5)
        except (OSError, urllib.error.HTTPError):
            pass
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(hub.process.pid, signal.SIGKILL)
            hub.process.wait()
    hub.leftovers = [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in processes_in(hub.state)]
    for p in processes_in(hub.state):
        with contextlib.suppress(psutil.Error):
            p.kill()


def processes_in(folder: Path) -> list:
    """Live processes whose working folder is inside ``folder`` (a student's server, its kernels, the hub)."""
    folder, found = str(Path(folder).resolve()), []
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if p.status() != psutil.STATUS_ZOMBIE and (p.cwd() + "/").startswith(folder + "/"):
                found.append(p)
    return found


def server_of(hub: Hub, user: str) -> dict:
    """The user's default server as the hub sees it (``{}`` when it is not running)."""
    return api(hub, f"users/{user}")["servers"].get("", {})


def start_server(hub: Hub, user: str, timeout: float = 150) -> None:
    """Start the student's server (if it is not running) and wait until it is ready."""
    if not server_of(hub, user).get("ready"):
        with contextlib.suppress(urllib.error.HTTPError):  # 400: already starting
            api(hub, f"users/{user}/server", method="POST")
    deadline = time.time() + timeout
    while not server_of(hub, user).get("ready"):
        if time.time() > deadline:
            raise HubError(f"{user}'s server did not start in {timeout} s:\n" + log_tail(hub))
        time.sleep(0.5)


def upload(hub: Hub, user: str, source: Path, path: str) -> None:
    """Put a notebook into the student's folder through their server's contents API."""
    content = json.loads(Path(source).read_text(encoding="utf-8"))
    user_api(hub, user, f"contents/{urllib.parse.quote(path)}", method="PUT",
             data={"type": "notebook", "format": "json", "content": content})


def git_pull(hub: Hub, user: str, repo: str, targetpath: str, branch: str = "main", timeout: float = 120) -> list[str]:
    """nbgitpuller's pull in the student's server (what its link does after the login); returns the
    progress lines. Raises ``HubError`` if nbgitpuller reports an error."""
    query = urllib.parse.urlencode({"repo": repo, "branch": branch, "targetpath": targetpath})
    url = f"{hub.url}/user/{user}/git-pull/api?{query}"
    request = urllib.request.Request(url, headers={"Authorization": f"token {hub.token}"})
    lines = []
    with urllib.request.urlopen(request, timeout=timeout) as stream:
        for raw in stream:
            if not raw.startswith(b"data:"):
                continue
            event = json.loads(raw[5:])
            lines.append(event.get("output") or event.get("message") or "")
            if event.get("phase") == "error":
                raise HubError(f"nbgitpuller failed for {user}: {event.get('message')}\n" + "".join(lines))
            if event.get("phase") == "finished":
                return lines
    raise HubError(f"nbgitpuller's stream for {user} ended without finishing:\n" + "".join(lines))


@dataclass
class NotebookRun:
    """What running a notebook in a student's kernel gave: seconds, errors (``(cell index, ename,
    evalue)``), the kernel's process id and its peak resident memory (bytes, sampled)."""
    seconds: float
    errors: list
    kernel_pid: int | None
    peak_rss: int


def kernel_pid(kernel_id: str) -> int | None:
    """The process of the kernel whose connection file names ``kernel_id``."""
    for p in psutil.process_iter(["cmdline"]):
        if any(f"kernel-{kernel_id}.json" in part for part in (p.info["cmdline"] or [])):
            return p.pid
    return None


class _Peak:
    """Samples a process's resident memory every ``every`` seconds in a thread; ``peak`` in bytes."""

    def __init__(self, pid: int | None, every: float = 0.2):
        import threading

        self.peak, self._stop = 0, threading.Event()
        try:
            self._process = psutil.Process(pid) if pid else None
        except psutil.NoSuchProcess:  # the kernel died before sampling began: the run will say why
            self._process = None
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while self._process is not None and not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def execute(hub: Hub, user: str, kernel_id: str, code: str, timeout: float = 600) -> tuple[list, list]:
    """Run ``code`` in the kernel over its websocket; returns ``(errors, stream text)``."""
    return _Kernel(hub, user, kernel_id).run([code], timeout)


def run_notebook(hub: Hub, user: str, path: str, timeout: float = 900, stop_on_error: bool = True) -> NotebookRun:
    """Start a kernel for ``path`` in the student's server (a session, as JupyterLab makes one), send
    every code cell in order over the kernel's websocket, shut the kernel down; see ``NotebookRun``."""
    nb = user_api(hub, user, f"contents/{urllib.parse.quote(path)}")["content"]
    session = user_api(hub, user, "sessions", method="POST",
                       data={"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}})
    kernel_id = session["kernel"]["id"]
    pid = None
    deadline = time.time() + 30
    while pid is None and time.time() < deadline:
        pid = kernel_pid(kernel_id)
        time.sleep(0.1)
    if pid is None:
        raise HubError(f"no process found for {user}'s kernel {kernel_id}")
    peak = _Peak(pid)
    start = time.perf_counter()
    try:
        cells = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
                 for c in nb["cells"] if c["cell_type"] == "code"]
        errors, _ = _Kernel(hub, user, kernel_id).run(cells, timeout, stop_on_error)
        seconds = time.perf_counter() - start
    finally:
        rss = peak.stop()
        with contextlib.suppress(OSError, urllib.error.HTTPError):
            user_api(hub, user, f"sessions/{session['id']}", method="DELETE")
    return NotebookRun(seconds=seconds, errors=errors, kernel_pid=pid, peak_rss=rss)


class _Kernel:
    """A kernel's websocket (``/user/<name>/api/kernels/<id>/channels``, JSON messages)."""

    def __init__(self, hub: Hub, user: str, kernel_id: str):
        self.url = f"{hub.url.replace('http', 'ws', 1)}/user/{user}/api/kernels/{kernel_id}/channels"
        self.token, self.session = hub.token, uuid.uuid4().hex

    def _message(self, code: str, stop_on_error: bool) -> dict:
        header = {"msg_id": uuid.uuid4().hex, "username": "course-tests", "session": self.session,
                  "msg_type": "execute_request", "version": "5.3"}
        return {"header": header, "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": stop_on_error}}

    def run(self, cells: list[str], timeout: float, stop_on_error: bool = True) -> tuple[list, list]:
        import websocket

        ws = websocket.create_connection(self.url, header=[f"Authorization: token {self.token}"],
                                         timeout=timeout)
        errors, text = [], []
        try:
            for index, code in enumerate(cells):
                if not code.strip():
                    continue
                message = self._message(code, stop_on_error)
                ws.send(json.dumps(message))
                if not self._wait(ws, message["header"]["msg_id"], index, errors, text, timeout) and stop_on_error:
                    break
        finally:
            ws.close()
        return errors, text

    @staticmethod
    def _wait(ws, msg_id: str, index: int, errors: list, text: list, timeout: float) -> bool:
        """Read until the cell's reply and its idle status; True if the cell ran without error."""
        replied = idle = False
        ok = True
        deadline = time.time() + timeout
        while not (replied and idle):
            if time.time() > deadline:
                raise HubError(f"cell {index} did not finish in {timeout} s")
            raw = ws.recv()
            if isinstance(raw, bytes):  # a binary message (widget buffers): not ours to read
                continue
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "error":
                errors.append((index, content["ename"], content["evalue"]))
                ok = False
            elif kind == "stream":
                text.append(content["text"])
            elif kind == "execute_reply":
                replied = True
                ok = ok and content["status"] == "ok"
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return ok
