"""configurable-http-proxy: where it is, why it is missing, and its installation from npm.

JupyterHub starts this Node.js program in front of itself and the students' servers. ``make setup``
installs the version pinned in ``package.json`` / ``package-lock.json`` into ``.venv/hub-proxy``
(``python -m course_tools.hub.proxy``); without ``node`` and ``npm`` it says so and the rest of the
set-up goes on (the hub, and the hub tests, need it; nothing else does).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from course_tools.hub import HERE

PROXY_DIR = Path(sys.prefix) / "hub-proxy"
NO_NODE = ("configurable-http-proxy needs Node.js and npm, and `{}` was not found: install them "
           "(Debian/Ubuntu: apt-get install nodejs npm), then run `make setup` again")


def proxy_command() -> str | None:
    """The proxy's executable: the one ``make setup`` installed, else one on PATH; None if neither."""
    local = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists() and shutil.which("node"):
        return str(local)
    return shutil.which("configurable-http-proxy")


def proxy_missing() -> str | None:
    """Why the hub cannot start its proxy here, or None when it can."""
    if shutil.which("node") is None:
        return NO_NODE.format("node")
    if proxy_command() is None:
        return ("configurable-http-proxy is not installed: run `make setup` "
                f"(it runs `npm ci` in {PROXY_DIR})")
    return None


def install() -> int:
    """``npm ci`` the pinned proxy into ``PROXY_DIR``; without npm, explain and return 0."""
    for program in ("node", "npm"):
        if shutil.which(program) is None:
            print("note: " + NO_NODE.format(program) + ". Only `make hub` and the hub tests need it.")
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
    sys.exit(install())
