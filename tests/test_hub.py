"""The course on JupyterHub (``make hub``), with real logins: a hub on a free loopback port, three
students on its class list, two of them logging in through Chromium with the nbgitpuller link.

- each student gets their own copy (the student copies ``make distribute`` commits), runs
  00_start_here in JupyterLab and moves its widget; the copies live in separate folders and one
  student's edit does not reach the other;
- the instructor commits a fix; a student's next pull brings it and keeps the student's edits,
  by nbgitpuller's rules (the README's "What a pull does to a student's copies");
- the offline guard holds in the students' kernels (the hub passes the course's variables on);
- an idle server is culled (a second hub with a 10 s timeout), and Ctrl+C stops that hub, its proxy
  and a student's server;
- everything is stopped at the end, even after a failure, and no process is left behind.

Without Node.js (configurable-http-proxy) the module is skipped with the reason, and without
Chromium the login test is (like the browser test); nothing here needs the network.
"""
import json
import os
import shutil
import signal
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

import hub_client as hc
import lab_browser as lb
from course_tools.hub.distribute import TARGET, distribute, pull_link
from course_tools.hub.proxy import proxy_missing

TESTS = Path(__file__).resolve().parent
USERS = ["ana", "ben", "chen"]
START = "00_start_here.ipynb"
FIVE = "05_recurrent_networks.ipynb"
ANSWER = "n_types = 5  # ana's answer"
FIX = "**Erratum (week 3):** a fix the instructor committed during the term."
CODE_FIX = "# week 3: fixed by the instructor"

pytestmark = pytest.mark.hub


@dataclass
class Classroom:
    hub: hc.Hub
    repo: Path          # the git repository students pull from (a local path here)
    instructor: Path    # the instructor's notebooks, which make distribute copies from
    offline_log: Path   # the offline guard's log for the hub's kernels

    def copy(self, user: str, notebook: str) -> Path:
        return self.hub.home(user) / TARGET / notebook


def _offline_startup(folder: Path) -> Path:
    """An IPython folder whose startup file installs the offline guard (as the test session's does,
    without its value records: the hub's runs are not the determinism check's)."""
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-offline-guard.py").write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\nimport offline_guard\noffline_guard.install()\n")
    return folder


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    missing = proxy_missing()
    if missing:
        pytest.skip(f"{missing}; the hub tests did not run")
    scratch = tmp_path_factory.mktemp("hub")
    instructor = scratch / "instructor"
    shutil.copytree(hc.NOTEBOOKS_DIR, instructor)
    repo = scratch / "course-repo"
    assert distribute(repo, instructor, "The course notebooks for this term")
    log = scratch / "network-attempts.log"
    log.touch()
    env = {"IPYTHONDIR": str(_offline_startup(scratch / "ipython")), "COURSE_OFFLINE_LOG": str(log)}
    try:
        with hc.start_hub(scratch, USERS, env=env) as hub:
            yield Classroom(hub, repo, instructor, log)
    except hc.HubError as error:
        pytest.fail(str(error))
    assert not hub.leftovers, f"processes left running after the hub stopped: {hub.leftovers}"


def _pulled(room: Classroom, user: str) -> None:
    """The student's server runs and holds their copy (what the link does; idempotent)."""
    hc.start_server(room.hub, user)
    hc.git_pull(room.hub, user, str(room.repo), TARGET)


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def test_the_class_list_makes_three_students_and_no_server_runs_yet(classroom):
    users = {u["name"]: u for u in hc.api(classroom.hub, "users")}
    assert set(users) == set(USERS)
    assert not any(u["servers"] for u in users.values())


def test_two_students_log_in_with_the_link_run_start_here_and_move_its_widget(classroom):
    missing = lb.chromium_missing()
    if missing:
        pytest.skip(f"{missing}; the login test did not run")
    hub = classroom.hub
    link = pull_link("", str(classroom.repo), START)  # a path on the hub: /hub/user-redirect/git-pull?...
    with lb.launch_chromium() as browser:
        for user in ("ana", "ben"):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})  # own cookies
            page = context.new_page()
            try:
                with lb.screenshot_on_failure(page, hub.state.parent / f"{user}-failure.png"):
                    _log_in_and_use_start_here(page, hub, user, link)
            finally:
                context.close()
    for user in ("ana", "ben"):
        copy = classroom.copy(user, START)
        assert copy.exists(), f"{user} has no copy at {copy}"
        assert (copy.parent / ".git").is_dir(), "the copy is a clone nbgitpuller can update"
    assert classroom.copy("ana", START).parent != classroom.copy("ben", START).parent


def _log_in_and_use_start_here(page, hub: hc.Hub, user: str, link: str) -> None:
    page.goto(f"{hub.url}/hub/login?next={urllib.parse.quote(link)}")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.password)
    page.click("#login_submit")
    # the hub starts the server, nbgitpuller clones the copies and opens 00 in JupyterLab
    page.wait_for_url(f"**/user/{user}/lab/**", timeout=lb.REACT_MS)
    source = hub.home(user) / TARGET
    assert (source / START).exists(), f"nbgitpuller sent {user} to JupyterLab without a copy in {source}"
    lb.wait_until_ready(page, START, source)
    lb.run_all(page, START, source)
    # The copy's exercise is a stub, so Run All stops there with its message; the cells above it ran.
    errors = lb.tracebacks(page)
    assert errors.count() == 1 and "not implemented yet" in errors.first.inner_text(), \
        [errors.nth(i).inner_text()[:500] for i in range(errors.count())]
    move = lb.Move("slider", "n", "7", "n = 7")
    widget = lb.widget_of(page, move)
    readout = widget.locator(".course-readout")
    expect(readout).to_contain_text("n = 3", timeout=lb.REACT_MS)  # the widget's first state is drawn
    lb.apply(lb.control(widget, move), move)
    expect(readout).to_contain_text(move.expect, timeout=lb.REACT_MS)
    page.screenshot(path=str(hub.state.parent / f"{user}-after.png"))


def test_a_students_edit_stays_in_their_own_folder(classroom):
    hub = classroom.hub
    for user in ("ana", "ben"):
        _pulled(classroom, user)
    path = f"{TARGET}/{START}"
    model = hc.user_api(hub, "ana", f"contents/{urllib.parse.quote(path)}")
    cells = model["content"]["cells"]
    stub = next(i for i, c in enumerate(cells) if "not implemented yet" in "".join(c["source"]))
    cells[stub]["source"] = ANSWER + "\n" + "".join(cells[stub]["source"]).split("\n", 2)[-1]
    hc.user_api(hub, "ana", f"contents/{urllib.parse.quote(path)}", method="PUT",
                data={"type": "notebook", "format": "json", "content": model["content"]})
    assert ANSWER in classroom.copy("ana", START).read_text(encoding="utf-8")
    assert ANSWER not in classroom.copy("ben", START).read_text(encoding="utf-8")
    theirs = hc.user_api(hub, "ben", f"contents/{urllib.parse.quote(path)}")["content"]
    assert ANSWER not in json.dumps(theirs)
    # ana's answer passes the exercise's check: her whole copy now runs, in her own server
    run = hc.run_notebook(hub, "ana", path)
    assert run.errors == [], run.errors


def _edit_cell(path: Path, index: int, text: str) -> None:
    nb = _read(path)
    nb.cells[index].source = text
    nbformat.write(nb, path)


def _save_as_run(path: Path) -> None:
    """The notebook as JupyterLab saves it after the student ran it: execution counts and outputs."""
    nb = _read(path)
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"output of cell {count}\n")]
    nbformat.write(nb, path)


def test_an_instructor_fix_arrives_and_the_students_edits_stay(classroom):
    """nbgitpuller's rules, as the README states them, on one pull."""
    hub = classroom.hub
    one, two, four = "01_one_hot_vs_embeddings.ipynb", "02_word2vec_from_scratch.ipynb", "04_language_models.ipynb"
    for user in ("ana", "ben"):
        _pulled(classroom, user)
    # ana ran 01 (JupyterLab saved its outputs) and keeps her answer in 00; ben edits 01 (a cell the
    # instructor does not touch) and 04 (the cell the instructor fixes), and renames 02
    _save_as_run(classroom.copy("ana", one))
    last = len(_read(classroom.copy("ben", one)).cells) - 1
    _edit_cell(classroom.copy("ben", one), last, "ben's notes on 01")
    _edit_cell(classroom.copy("ben", four), 0, "# 04 · ben's own title")
    hc.user_api(hub, "ben", f"contents/{urllib.parse.quote(f'{TARGET}/{two}')}", method="PATCH",
                data={"path": f"{TARGET}/my_02.ipynb"})
    hc.user_api(hub, "ben", f"contents/{urllib.parse.quote(f'{TARGET}/{FIVE}')}", method="DELETE")
    assert not classroom.copy("ben", FIVE).exists()
    # the instructor fixes the opening cell of 01 and of 04, and a code cell of 01, and commits (make distribute)
    for name in (one, four):
        nb = _read(classroom.instructor / name)
        nb.cells[0].source += "\n\n" + FIX
        if name == one:
            code = [c for c in nb.cells if c.cell_type == "code"]
            code[len(code) // 2].source += "\n" + CODE_FIX
        nbformat.write(nb, classroom.instructor / name)
    assert distribute(classroom.repo, classroom.instructor, "Erratum in 01 and 04")

    for user in ("ana", "ben"):
        hc.git_pull(hub, user, str(classroom.repo), TARGET)
    ana = {name: classroom.copy("ana", name).read_text(encoding="utf-8") for name in (START, one, four)}
    assert FIX in ana[four], "a notebook the student did not touch is updated"
    assert FIX in ana[one] and CODE_FIX in ana[one] and "output of cell" in ana[one], \
        "a notebook the student ran: the fixes arrive and the student's outputs stay"
    assert ANSWER in ana[START], "the student's own edit is kept"
    ben_one, ben_four = _read(classroom.copy("ben", one)), _read(classroom.copy("ben", four))
    assert FIX in ben_one.cells[0].source and ben_one.cells[-1].source == "ben's notes on 01", \
        "both edited 01, in different cells: the student gets both"
    assert ben_four.cells[0].source == "# 04 · ben's own title", \
        "both edited the same cell of 04: the student's version is kept, the fix of that cell is not applied"
    for nb in (_read(classroom.copy("ana", one)), ben_one, ben_four):
        nbformat.validate(nb)  # the merge left valid notebooks
    assert classroom.copy("ben", "my_02.ipynb").exists() and classroom.copy("ben", two).exists(), \
        "a renamed notebook: the student's renamed copy stays and the original comes back"
    assert classroom.copy("ben", FIVE).exists(), "a deleted notebook comes back"


def test_the_offline_guard_holds_in_a_students_kernel(classroom):
    hub = classroom.hub
    assert classroom.offline_log.read_text() == "", \
        "running the notebooks in the hub's kernels tried to use the network:\n" + classroom.offline_log.read_text()
    hc.start_server(hub, "ana")
    kernel = hc.user_api(hub, "ana", "kernels", method="POST", data={"name": "python3"})
    code = ("import os, socket\n"
            "print('mode', os.environ.get('COURSE_FAST'))\n"
            "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=2)\n    print('connected')\n"
            "except OSError as e:\n    print(type(e).__name__)\n")
    try:
        errors, text = hc.execute(hub, "ana", kernel["id"], code)
    finally:
        hc.user_api(hub, "ana", f"kernels/{kernel['id']}", method="DELETE")
    assert errors == [] and "NetworkBlocked" in "".join(text), text
    assert "blocked connection to 192.0.2.1:80" in classroom.offline_log.read_text()
    import os
    assert f"mode {os.environ.get('COURSE_FAST')}" in "".join(text), "COURSE_FAST reached the kernel"


def test_an_idle_server_is_culled_and_ctrl_c_stops_everything(tmp_path):
    missing = proxy_missing()
    if missing:
        pytest.skip(f"{missing}; the hub tests did not run")
    with hc.start_hub(tmp_path, ["chen"], idle_timeout=10, cull_every=2) as hub:
        hc.start_server(hub, "chen")
        started = time.time()
        while hc.server_of(hub, "chen") and time.time() - started < 90:
            time.sleep(1)
        assert not hc.server_of(hub, "chen"), "chen's idle server was not culled within 90 s:\n" + hc.log_tail(hub)
        assert "Culling server chen" in hub.log.read_text(), hc.log_tail(hub)
        deadline = time.time() + 15  # the culled server's processes end too
        while hc.processes_in(hub.home("chen")) and time.time() < deadline:
            time.sleep(0.5)
        assert not hc.processes_in(hub.home("chen"))
        # Ctrl+C in the terminal of `make hub` (SIGINT to its process group): the hub stops the student's
        # server (in a session of its own, so the signal does not reach it), the proxy and the culler
        hc.start_server(hub, "chen")
        os.killpg(hub.process.pid, signal.SIGINT)
        hub.process.wait(timeout=60)
        deadline = time.time() + 15
        while hc.processes_in(hub.state) and time.time() < deadline:
            time.sleep(0.5)
        assert not hc.processes_in(hub.state), [p.cmdline() for p in hc.processes_in(hub.state)]
    assert not hub.leftovers, hub.leftovers
