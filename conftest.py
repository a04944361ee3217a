"""Test-wide set-up: fast mode, and the offline guard in this process and in every kernel."""
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))
import offline_guard  # noqa: E402
import pytest  # noqa: E402

# Fast mode unless the caller asked otherwise (COURSE_FAST=0 make test runs full mode).
os.environ.setdefault("COURSE_FAST", "1")
os.environ.setdefault("MPLBACKEND", "agg")

_tmp = Path(tempfile.mkdtemp(prefix="course-tests-"))
_OFFLINE_LOG = _tmp / "network-attempts.log"
_OFFLINE_LOG.touch()
os.environ["COURSE_OFFLINE_LOG"] = str(_OFFLINE_LOG)

# Every IPython kernel started from here (nbval, the browser test) runs this first.
_startup = _tmp / "ipython" / "profile_default" / "startup"
_startup.mkdir(parents=True)
(_startup / "00-offline-guard.py").write_text(
    "import sys\n"
    f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
    "import offline_guard\n"
    "offline_guard.install()\n"
    "del offline_guard\n"
)
os.environ["IPYTHONDIR"] = str(_tmp / "ipython")
offline_guard.install()


@pytest.fixture
def one_thread():
    """Tiny models train faster on one CPU thread than on several competing for a shared machine.

    Opt in with ``pytestmark = pytest.mark.usefixtures("one_thread")``.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def pytest_sessionfinish(session, exitstatus):
    attempts = _OFFLINE_LOG.read_text(encoding="utf-8")
    if attempts.strip():
        sys.stderr.write("\nOFFLINE GUARD: something tried to use the network:\n" + attempts + "\n")
        session.exitstatus = 1
    shutil.rmtree(_tmp, ignore_errors=True)
