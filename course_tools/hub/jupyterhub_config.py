"""JupyterHub for the course, on one machine: ``jupyterhub -f course_tools/hub/jupyterhub_config.py``.

``make hub`` (``python -m course_tools.hub``) sets the ``COURSE_HUB_*`` variables read here. To start a
hub of your own from a copy, set them yourself or replace them with values: COURSE_HUB_STATE,
COURSE_HUB_API_PORT, COURSE_HUB_PROXY_API_PORT, COURSE_HUB_PROXY and COURSE_HUB_PASSWORD are required.
What it sets up:

- the proxy, configurable-http-proxy (from npm, see proxy.py), in front of the hub and the students'
  servers; the hub's own API and the proxy's API on loopback ports;
- a trial login: JupyterHub's SharedPasswordAuthenticator. Every student on the class list logs in
  with their name and the one shared password; anyone with that password can log in under any
  name on the list. For a real class use a university login (OAuthenticator) instead;
- the trial spawner, SimpleLocalProcessSpawner: every student's server runs as the hub's own Unix
  user, in a folder of its own (``<state>/home/<name>``). That separates folders, not accounts:
  a student's code can read and change every other folder, the hub's database and cookie secret, and
  stop the hub; run as root, every student is root. For a real class use LocalProcessSpawner with a
  system account per student, or KubeSpawner (README, "A class on JupyterHub");
- every student's server is JupyterLab in this environment, so every kernel has the course's
  packages; the course's variables reach the kernels (``env_keep``: JupyterHub passes no other);
- jupyterhub-idle-culler stops servers idle for ``COURSE_HUB_IDLE_TIMEOUT`` seconds.
"""
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub defines get_config in the config file's namespace)

STATE = Path(os.environ["COURSE_HUB_STATE"])
VENV_BIN = Path(sys.executable).parent
# What the course's kernels read, passed from the hub's environment when set there: the mode, where the
# data caches live, torch's threads, and the offline guard's startup folder and log (used by the tests).
COURSE_VARIABLES = ["COURSE_FAST", "COURSE_DATA_DIR", "COURSE_THREADS", "IPYTHONDIR", "COURSE_OFFLINE_LOG"]
LAB_OFFLINE = ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]

# ---- addresses: the public one students open, and two on loopback for the hub and the proxy's API
c.JupyterHub.ip = os.environ.get("COURSE_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("COURSE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["COURSE_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['COURSE_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["COURSE_HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
if os.environ.get("COURSE_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["COURSE_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["COURSE_HUB_SSL_KEY"]

# ---- who may log in
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["COURSE_HUB_PASSWORD"]
c.Authenticator.allowed_users = {u for u in os.environ.get("COURSE_HUB_USERS", "").split(",") if u}
c.Authenticator.allow_existing_users = False  # the class list decides: a name taken off it cannot log in
if os.environ.get("COURSE_HUB_ADMIN_PASSWORD"):
    c.Authenticator.admin_users = {u for u in os.environ.get("COURSE_HUB_ADMINS", "").split(",") if u}
    c.SharedPasswordAuthenticator.admin_password = os.environ["COURSE_HUB_ADMIN_PASSWORD"]

# ---- the students' servers
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.args = LAB_OFFLINE + (["--allow-root"] if os.geteuid() == 0 else [])
c.Spawner.env_keep = c.LocalProcessSpawner.env_keep = [
    "PATH", "LANG", "LC_ALL", "LD_LIBRARY_PATH", "VIRTUAL_ENV", "CONDA_DEFAULT_ENV", "CONDA_ROOT",
    "JUPYTERHUB_SINGLEUSER_APP", *COURSE_VARIABLES]
# One core per student: torch already uses one thread (course_utils.config); numpy's BLAS would take all.
c.Spawner.environment = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# A loaded server starts a student's JupyterLab slowly: wait longer than the defaults (60 s, 30 s).
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90

# ---- services: the idle culler, and (for the tests and the bench) an admin token
IDLE_TIMEOUT = int(os.environ.get("COURSE_HUB_IDLE_TIMEOUT", "3600"))
CULL_EVERY = int(os.environ.get("COURSE_HUB_CULL_EVERY", str(max(1, min(300, IDLE_TIMEOUT // 2)))))
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={IDLE_TIMEOUT}", f"--cull-every={CULL_EVERY}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
if os.environ.get("COURSE_HUB_API_TOKEN"):
    c.JupyterHub.services.append({"name": "course-admin", "api_token": os.environ["COURSE_HUB_API_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["course-admin"]})
