"""The set-up writes JupyterLab's overrides.json, so the offline course never prompts about news or updates."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from course_tools import lab_settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_overrides_turn_news_and_update_checks_off(tmp_path):
    path = lab_settings.write_overrides(tmp_path)
    assert path == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    notifications = json.loads(path.read_text())["@jupyterlab/apputils-extension:notification"]
    assert notifications == {"fetchNews": "false", "checkForUpdates": False}


def test_other_overrides_already_there_are_kept(tmp_path):
    path = lab_settings.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                                lab_settings.NOTIFICATIONS: {"doNotDisturbMode": True}}))
    written = json.loads(lab_settings.write_overrides(tmp_path).read_text())
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert written[lab_settings.NOTIFICATIONS] == {"doNotDisturbMode": True, "fetchNews": "false",
                                                   "checkForUpdates": False}


def test_a_file_that_is_not_a_settings_object_is_a_clear_error(tmp_path):
    path = lab_settings.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="must hold a JSON object of settings, found list"):
        lab_settings.write_overrides(tmp_path)


def test_make_setup_writes_them_into_the_environment():
    recipe = (ROOT / "Makefile").read_text().split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "-m course_tools.lab_settings" in recipe
    assert lab_settings.overrides_path(sys.prefix).is_file(), "run make setup: the .venv has no overrides.json"


def test_the_command_line_names_the_file_it_wrote(tmp_path):
    done = subprocess.run([sys.executable, "-m", "course_tools.lab_settings", "--prefix", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == f"wrote {lab_settings.overrides_path(tmp_path)}"
