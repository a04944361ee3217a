"""The hub's pieces without a running hub: the launcher's arguments, the configuration it produces,
the proxy's absence explained, and the student-copy repository that nbgitpuller pulls from."""
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from course_tools.hub import CONFIG
from course_tools.hub import __main__ as launcher
from course_tools.hub import distribute as dist
from course_tools.hub import proxy

ROOT = Path(__file__).resolve().parent.parent


def test_class_list_reads_names_from_the_option_and_a_file(tmp_path):
    roster = tmp_path / "class.txt"
    roster.write_text("dana\n# a comment\n\neli  # second term\n")
    assert launcher.class_list("ana, ben,", roster) == ["ana", "ben", "dana", "eli"]


@pytest.mark.parametrize("users, message", [("Ana", "lower-case"), ("a b", "lower-case"), ("", "at least one")])
def test_class_list_rejects_bad_names_clearly(users, message):
    with pytest.raises(SystemExit, match=message):
        launcher.class_list(users, None)


def test_a_missing_users_file_is_named(tmp_path):
    with pytest.raises(SystemExit, match="--users-file: no file"):
        launcher.class_list("ana", tmp_path / "nope.txt")


@pytest.mark.parametrize("argv, message", [(["--password", "short"], "--password must be 8"),
                                           (["--port", "0"], "--port must be"),
                                           (["--idle-timeout", "5"], "--idle-timeout must be at least 10")])
def test_bad_launcher_arguments_name_the_option(argv, message, capsys):
    with pytest.raises(SystemExit):
        launcher.parse(argv)
    assert message in capsys.readouterr().err


def test_a_users_file_alone_adds_no_trial_names(tmp_path):
    roster = tmp_path / "class.txt"
    roster.write_text("dana\n")
    args = launcher.parse(["--users-file", str(roster)])
    assert launcher.class_list(args.users, args.users_file) == ["dana"]
    assert launcher.parse([]).users == "student1,student2,student3"


def test_https_needs_both_files(tmp_path, capsys):
    with pytest.raises(SystemExit):
        launcher.parse(["--ssl-cert", str(tmp_path / "cert.pem")])
    assert "--ssl-cert and --ssl-key go together" in capsys.readouterr().err


def test_the_hub_binds_to_loopback_unless_told_otherwise():
    args = launcher.parse([])
    assert args.ip == "127.0.0.1" and launcher.is_loopback(args.ip)
    assert not launcher.is_loopback("0.0.0.0") and launcher.is_loopback("localhost")


def test_without_node_the_launcher_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(proxy.shutil, "which", lambda name: None)
    assert "Node.js 18 or newer" in proxy.proxy_missing() and "`node` was not found" in proxy.proxy_missing()
    assert launcher.main(["--password", "long enough"]) == 2
    assert "make hub: configurable-http-proxy needs Node.js" in capsys.readouterr().err
    assert proxy.install() == 0, "make setup goes on without npm (only the hub needs it)"


def test_an_old_node_is_named_with_its_version(monkeypatch):
    monkeypatch.setattr(proxy, "node_major", lambda: 12)
    assert "this `node` is version 12" in proxy.proxy_missing()
    assert proxy.install() == 0


def _config(monkeypatch, tmp_path, **extra):
    env = dict(COURSE_HUB_STATE=str(tmp_path), COURSE_HUB_API_PORT="18081", COURSE_HUB_PROXY_API_PORT="18001",
               COURSE_HUB_PROXY="/usr/bin/configurable-http-proxy", COURSE_HUB_PASSWORD="a trial password",
               COURSE_HUB_USERS="ana,ben", **extra)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return PyFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config()


def test_the_configuration_keeps_the_course_variables_for_the_kernels(monkeypatch, tmp_path):
    c = _config(monkeypatch, tmp_path)
    kept = set(c.Spawner.env_keep)
    assert {"COURSE_FAST", "COURSE_DATA_DIR", "IPYTHONDIR", "COURSE_OFFLINE_LOG", "PATH"} <= kept
    assert not any("TOKEN" in name or "CONFIGPROXY" in name for name in kept), "secrets stay in the hub"
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.Authenticator.allowed_users == {"ana", "ben"}
    assert c.JupyterHub.spawner_class == "simple"
    assert c.SimpleLocalProcessSpawner.home_dir_template == str(tmp_path / "home" / "{username}")
    assert ("--allow-root" in c.Spawner.args) == (os.geteuid() == 0)
    culler = next(s for s in c.JupyterHub.services if s["name"] == "idle-culler")
    assert "--timeout=3600" in culler["command"]
    assert [s["name"] for s in c.JupyterHub.services] == ["idle-culler"], "no admin token unless asked for"
    assert c.Authenticator.allow_existing_users is False, "a name taken off the class list cannot log in"


def test_the_idle_timeout_and_an_admin_token_reach_the_configuration(monkeypatch, tmp_path):
    c = _config(monkeypatch, tmp_path, COURSE_HUB_IDLE_TIMEOUT="40", COURSE_HUB_API_TOKEN="t" * 32)
    culler = next(s for s in c.JupyterHub.services if s["name"] == "idle-culler")
    assert "--timeout=40" in culler["command"] and "--cull-every=20" in culler["command"]
    assert {"name": "admin", "services": ["course-admin"]} in c.JupyterHub.load_roles


def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _two_notebooks(folder: Path) -> Path:
    folder.mkdir()
    for name in ("00_start_here.ipynb", "01_one_hot_vs_embeddings.ipynb"):
        (folder / name).write_bytes((ROOT / "notebooks" / name).read_bytes())
    return folder


def test_distribute_commits_student_copies_and_nothing_when_nothing_changed(tmp_path):
    source, repo = _two_notebooks(tmp_path / "src"), tmp_path / "repo"
    first = dist.distribute(repo, source, "first")
    assert first and _git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == dist.BRANCH
    code = "".join(c.source for c in nbformat.read(repo / "00_start_here.ipynb", 4).cells if c.cell_type == "code")
    assert "not implemented yet" in code and "BEGIN SOLUTION" not in code, "the exercises are stubbed"
    assert dist.distribute(repo, source, "again") is None
    (source / "01_one_hot_vs_embeddings.ipynb").rename(source / "02_renamed.ipynb")
    assert dist.distribute(repo, source, "renamed")
    assert sorted(p.name for p in repo.glob("*.ipynb")) == ["00_start_here.ipynb", "02_renamed.ipynb"]
    assert _git(repo, "status", "--porcelain") == ""


def test_distribute_refuses_a_repository_on_another_branch(tmp_path):
    source, repo = _two_notebooks(tmp_path / "src"), tmp_path / "repo"
    dist.distribute(repo, source)
    _git(repo, "checkout", "-q", "-b", "drafts")
    with pytest.raises(SystemExit, match="not on branch main"):
        dist.distribute(repo, source)


def test_the_link_logs_in_pulls_and_opens_the_first_notebook():
    link = dist.pull_link("https://hub.example.edu/", "/srv/course repo")
    assert link.startswith("https://hub.example.edu/hub/user-redirect/git-pull?")
    assert "repo=%2Fsrv%2Fcourse+repo" in link and "branch=main" in link
    assert "urlpath=lab%2Ftree%2Frnn-course%2F00_start_here.ipynb" in link
