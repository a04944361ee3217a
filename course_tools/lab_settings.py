"""Write JupyterLab's settings overrides so that the course's lab never asks to fetch news or check for updates.

    python -m course_tools.lab_settings [--prefix PREFIX]

The course works offline, so JupyterLab's prompt "Would you like to get notified about official
Jupyter news?" and its update check have nothing to reach. Server flags do not silence the prompt;
an ``overrides.json`` in the environment's ``share/jupyter/lab/settings`` does. This writes (or
merges into) ``PREFIX/share/jupyter/lab/settings/overrides.json``; PREFIX defaults to this Python's
environment (``sys.prefix``: the ``.venv`` of `make setup`, or the conda environment). Other
overrides already in the file are kept.
"""
import argparse
import json
import sys
from pathlib import Path

NOTIFICATIONS = "@jupyterlab/apputils-extension:notification"
OFFLINE = {NOTIFICATIONS: {"fetchNews": "false", "checkForUpdates": False}}


def overrides_path(prefix) -> Path:
    """Where JupyterLab reads the environment's settings overrides."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_overrides(prefix=sys.prefix) -> Path:
    """Merge ``OFFLINE`` into the overrides file under ``prefix``; returns its path."""
    path = overrides_path(prefix)
    current = json.loads(path.read_text()) if path.is_file() else {}
    if not isinstance(current, dict):
        raise ValueError(f"{path} must hold a JSON object of settings, found {type(current).__name__}")
    for plugin, settings in OFFLINE.items():
        current.setdefault(plugin, {}).update(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n")
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default=sys.prefix, help="the environment (default: this Python's)")
    print("wrote", write_overrides(parser.parse_args(argv).prefix))


if __name__ == "__main__":
    main()
