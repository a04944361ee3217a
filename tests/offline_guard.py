"""Block and record every network connection that is not to this machine.

Installed in the pytest process by ``course_session.py`` and in every notebook
kernel through an IPython startup file (``IPYTHONDIR``), so both unit tests and
notebooks fail if anything tries to reach the internet. Each blocked attempt is
appended to the file named by ``COURSE_OFFLINE_LOG``, so an attempt that some
library catches and hides still fails the test run.
"""
import ipaddress
import os
import socket
import traceback


class NetworkBlocked(OSError):
    """Raised instead of opening a connection that would leave this machine."""


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def is_local(host) -> bool:
    """True for loopback addresses and names (127.0.0.0/8, ::1, localhost)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]").split("%")[0]
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _block(what: str):
    log = os.environ.get("COURSE_OFFLINE_LOG")
    if log:
        where = "".join(traceback.format_stack(limit=8)[:-2])
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"pid {os.getpid()}: blocked {what}\n{where}\n")
    raise NetworkBlocked(f"offline guard: blocked {what}; the course must never use the network")


def _checked(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
        _block(f"connection to {address[0]}:{address[1]}")


def _connect(self, address):
    _checked(self, address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _checked(self, address)
    return _real_connect_ex(self, address)


def _is_numeric(host) -> bool:
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%")[0])
        return True
    except ValueError:
        return False


def _getaddrinfo(host, *args, **kwargs):
    # A numeric address needs no DNS query; connect() decides about it.
    if not is_local(host) and not _is_numeric(host):
        _block(f"name lookup of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    """Patch the socket module of this process (idempotent)."""
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.getaddrinfo = _getaddrinfo
