"""The course on JupyterHub: a trial hub for a class on one machine (``make hub``).

- ``jupyterhub_config.py``: the hub's configuration (read by ``jupyterhub -f``). It takes its
  settings from the ``COURSE_HUB_*`` variables that ``python -m course_tools.hub`` sets.
- ``__main__.py``: the launcher behind ``make hub`` (address, port, class list, password, idle timeout).
- ``proxy.py``: ``configurable-http-proxy``, the Node.js proxy JupyterHub puts in front of the hub
  and the students' servers, installed from npm by ``make setup`` (pinned in ``package.json``).
- ``distribute.py``: the student copies in a git repository that students pull with nbgitpuller.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CONFIG = HERE / "jupyterhub_config.py"
