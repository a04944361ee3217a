"""configurable-http-proxy: where it is, why it is missing, and its installation from npm.

JupyterHub starts this Node.js program in front of itself and the students' servers. ``make setup``
installs the version pinned in ``package.json`` / ``package-lock.json`` into ``.venv/hub-proxy``
(``python -m course_tools.hub.proxy``); without ``node`` and ``npm`` it says so and the rest of the
set-up goes on (the hub, and the hub tests, need it; nothing else does). ``make hub`` runs
``python -m course_tools.hub.proxy --if-missing`` first, so installing Node.js later is enough.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from course_tools.hub import HERE

PROXY_DIR = Path(sys.prefix) / "hub-proxy"
NODE_MAJOR = 18  # configurable-http-proxy 5.1.0 needs Node.js 18 or newer
NO_NODE = (f"configurable-http-proxy needs Node.js {NODE_MAJOR} or newer and npm, and {{}}: install them "
           "(from your system's packages if they are recent enough, else from nodejs.org or NodeSource), "
           "then run `make hub` again (it installs the proxy)")


def proxy_command() -> str | None:
    """The proxy's executable: the one ``make setup`` installed, else one on PATH; None if neither."""
    local = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists() and shutil.which("node"):
        return str(local)
    return shutil.which("configurable-http-proxy")


def node_major() -> int | None:
    """The major version of ``node`` on PATH, or None when there is none."""
    if shutil.which("node") is None:
        return None
    done = subprocess.run(["node", "--version"], capture_output=True, text=True)
    version = done.stdout.strip().lstrip("v").split(".")[0]
    return int(version) if version.isdigit() else None


def _node_problem() -> str | None:
    major = node_major()
    if major is None:
        return NO_NODE.format("`node` was not found")
    if major < NODE_MAJOR:
        return NO_NODE.format(f"this `node` is version {major}")
    if shutil.which("npm") is None:
        return NO_NODE.format("`npm` was not found")
    return None


def proxy_missing() -> str | None:
    """Why the hub cannot start its proxy here, or None when it can."""
    major = node_major()
    if major is None or major < NODE_MAJOR:
        return _node_problem()
    if proxy_command() is None:
        return _node_problem() or ("configurable-http-proxy is not installed: run `make hub` or `make setup` "
                                   f"(`npm ci` in {PROXY_DIR})")
    return None


def install(if_missing: bool = False) -> int:
    """``npm ci`` the pinned proxy into ``PROXY_DIR``; without a usable Node.js, explain and return 0."""
    if if_missing and proxy_command() is not None:
        return 0
    problem = _node_problem()
    if problem:
        print("note: " + problem + ". Only `make hub` and the hub tests need it.")
        return 0
    PROXY_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / name, PROXY_DIR / name)
    done = subprocess.run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
                          cwd=PROXY_DIR, env={**os.environ, "NODE_ENV": "production"})
    if done.returncode != 0:
        print(f"npm ci failed in {PROXY_DIR}: the hub cannot start until it succeeds", file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(install(if_missing="--if-missing" in sys.argv[1:]))
