"""Test-wide set-up and closing checks: see tests/course_session.py (fast mode, one thread, the offline
guard in this process and in every kernel, determinism and execution counts checked at the end)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

pytest_plugins = ["course_session"]
