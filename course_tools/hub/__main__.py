"""``make hub``: JupyterHub for a class on this machine (see jupyterhub_config.py for what it sets up).

    python -m course_tools.hub --users ana,ben,chen --password 'a trial password'
    make hub HUB_ARGS="--users-file class.txt --idle-timeout 1800"

Bound to 127.0.0.1 unless ``--ip`` says otherwise. Without ``--password`` (or ``$COURSE_HUB_PASSWORD``)
a random one is made at every start and printed. ``--admin NAME`` makes NAME an admin of the hub (the
admin page: start, stop and open students' servers), logging in with a separate admin password
(``$COURSE_HUB_ADMIN_PASSWORD``, 32 characters or more, else a random one, printed). Stop the hub with
Ctrl+C: it stops the proxy and every student's server with it; the students' folders stay.
"""
import argparse
import ipaddress
import os
import re
import secrets
import socket
import sys
from pathlib import Path

from course_tools.hub import CONFIG, ROOT
from course_tools.hub.proxy import proxy_command, proxy_missing

USER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def class_list(users: str | None, users_file: Path | None) -> list[str]:
    """The student names from ``--users`` (comma-separated) and ``--users-file`` (one per line)."""
    names = [u.strip() for u in (users or "").split(",")]  # the default list only when no file is given
    if users_file is not None:
        if not users_file.is_file():
            raise SystemExit(f"--users-file: no file {users_file}")
        names += [line.split("#")[0].strip() for line in users_file.read_text(encoding="utf-8").splitlines()]
    names = [n for n in names if n]
    bad = [n for n in names if not USER_NAME.match(n)]
    if bad:
        raise SystemExit(f"--users: names must be lower-case letters, digits, '.', '_' or '-' "
                         f"(at most 64), got {bad}")
    if not names:
        raise SystemExit("--users or --users-file: give at least one student name")
    return sorted(set(names))


def is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return ip == "localhost"


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m course_tools.hub", description=__doc__.split("\n")[0])
    p.add_argument("--ip", default="127.0.0.1",
                   help="address students connect to (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port students connect to (default 8000)")
    p.add_argument("--users", help="comma-separated student names: lower-case letters, digits, '.', '_', '-' "
                                   "(default, without --users-file: student1,student2,student3)")
    p.add_argument("--users-file", type=Path, help="a file with one student name per line (# starts a comment)")
    p.add_argument("--password", default=os.environ.get("COURSE_HUB_PASSWORD"),
                   help="the shared trial password, 8 characters or more (default: $COURSE_HUB_PASSWORD, "
                        "else a random one, printed)")
    p.add_argument("--admin", default="", help="comma-separated admin names (the instructor)")
    p.add_argument("--idle-timeout", type=int, default=3600,
                   help="stop a student's server after this many idle seconds (default 3600)")
    p.add_argument("--state", type=Path, default=ROOT / "classroom" / "hub",
                   help="the hub's database, cookie secret and the students' folders (default classroom/hub; "
                        "make clean leaves it)")
    p.add_argument("--ssl-cert", type=Path, help="HTTPS certificate (with --ssl-key), for a hub open to the network")
    p.add_argument("--ssl-key", type=Path, help="the certificate's private key")
    args = p.parse_args(argv)
    if not 1 <= args.port <= 65535:
        p.error(f"--port must be 1-65535, got {args.port}")
    if args.idle_timeout < 10:
        p.error(f"--idle-timeout must be at least 10 seconds, got {args.idle_timeout}")
    if args.password is not None and len(args.password) < 8:
        p.error(f"--password must be 8 characters or more, got {len(args.password)}")
    if (args.ssl_cert is None) != (args.ssl_key is None):
        p.error("--ssl-cert and --ssl-key go together")
    for name in ("ssl_cert", "ssl_key"):
        if getattr(args, name) is not None and not getattr(args, name).is_file():
            p.error(f"--{name.replace('_', '-')}: no file {getattr(args, name)}")
    if args.users is None and args.users_file is None:
        args.users = "student1,student2,student3"
    return args


def hub_environment(args, users: list[str], proxy: str) -> dict:
    """The variables jupyterhub_config.py reads (the current environment plus COURSE_HUB_*)."""
    admins = [a for a in args.admin.split(",") if a]
    env = dict(os.environ, COURSE_HUB_STATE=str(args.state.resolve()), COURSE_HUB_IP=args.ip,
               COURSE_HUB_PORT=str(args.port), COURSE_HUB_API_PORT=str(free_port()),
               COURSE_HUB_PROXY_API_PORT=str(free_port()), COURSE_HUB_PROXY=proxy,
               COURSE_HUB_USERS=",".join(users), COURSE_HUB_PASSWORD=args.password,
               COURSE_HUB_IDLE_TIMEOUT=str(args.idle_timeout))
    if admins:
        admin_password = os.environ.get("COURSE_HUB_ADMIN_PASSWORD") or secrets.token_urlsafe(32)
        if len(admin_password) < 32:
            raise SystemExit(f"COURSE_HUB_ADMIN_PASSWORD must be 32 characters or more, got {len(admin_password)}")
        env.update(COURSE_HUB_ADMINS=",".join(admins), COURSE_HUB_ADMIN_PASSWORD=admin_password)
    if args.ssl_cert is not None:
        env.update(COURSE_HUB_SSL_CERT=str(args.ssl_cert.resolve()), COURSE_HUB_SSL_KEY=str(args.ssl_key.resolve()))
    return env


def main(argv=None) -> int:
    args = parse(argv)
    missing = proxy_missing()
    if missing:
        print(f"make hub: {missing}", file=sys.stderr)
        return 2
    users = class_list(args.users, args.users_file)
    if not is_loopback(args.ip):
        print(f"WARNING: --ip {args.ip} makes the hub reachable from other machines"
              + ("" if args.ssl_cert else " over plain HTTP (give --ssl-cert and --ssl-key, or put a reverse "
                 "proxy with HTTPS in front)") + "; the trial login is one shared password.", file=sys.stderr)
    if os.geteuid() == 0:
        print("WARNING: running as root. With this trial spawner every student's code runs as this user, "
              "so every student is root on this machine. Run the hub as an ordinary user for a class.",
              file=sys.stderr)
    if args.password is None:
        args.password = secrets.token_urlsafe(9)
    args.state.mkdir(parents=True, exist_ok=True)
    env = hub_environment(args, users, proxy_command())
    host = "127.0.0.1" if is_loopback(args.ip) else (socket.getfqdn() if args.ip in ("0.0.0.0", "::") else args.ip)
    scheme = "https" if args.ssl_cert else "http"
    print(f"JupyterHub for the course at {scheme}://{host}:{args.port}/  (state in {args.state})")
    print(f"  students: {', '.join(users)}; shared password: {args.password}")
    if "COURSE_HUB_ADMINS" in env:
        print(f"  admins: {env['COURSE_HUB_ADMINS']}; admin password: {env['COURSE_HUB_ADMIN_PASSWORD']}")
    print(f"  idle servers are stopped after {args.idle_timeout} s; mode: "
          f"{'fast' if os.environ.get('COURSE_FAST', '0') not in ('', '0') else 'full'} (COURSE_FAST)")
    sys.stdout.flush()
    jupyterhub = Path(sys.executable).parent / "jupyterhub"
    os.chdir(args.state)
    os.execve(str(jupyterhub), [str(jupyterhub), "-f", str(CONFIG)], env)


if __name__ == "__main__":
    sys.exit(main())
