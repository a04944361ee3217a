"""The project's own promises: clean notebooks, one environment, notebook order."""
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")


def test_there_are_notebooks_in_course_order():
    names = [p.name for p in NOTEBOOKS]
    assert names[:2] == ["00_start_here.ipynb", "01_one_hot_vs_embeddings.ipynb"]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n) for n in names)
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(len(names))], "numbered 00, 01, ... without gaps"



def test_every_title_carries_its_file_number():
    for path in NOTEBOOKS:
        title = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"]).splitlines()[0]
        assert title.startswith(f"# {path.name[:2]} · "), f"{path.name} opens with {title!r}"

def test_every_notebook_is_listed_and_linked_where_the_course_lists_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = (ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8")
    for path in NOTEBOOKS[1:]:
        assert f"](notebooks/{path.name})" in readme, f"README's notebook table has no row for {path.name}"
        assert f"]({path.name})" in start, f"the map in 00_start_here has no row for {path.name}"
    linked = set(re.findall(r"\]\((?:notebooks/)?(\d\d_[a-z0-9_]+\.ipynb)\)", readme + start))
    for path in NOTEBOOKS:
        linked |= set(re.findall(r"\]\((\d\d_[a-z0-9_]+\.ipynb)\)", path.read_text(encoding="utf-8")))
    assert linked <= {p.name for p in NOTEBOOKS}, f"links to notebooks that do not exist: {linked - {p.name for p in NOTEBOOKS}}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_nbformat(path):
    """JupyterLab and nbgitpuller's student copies read it without a validation error (cell ids need 4.5)."""
    import nbformat

    nbformat.validate(nbformat.read(path, as_version=4))


def _pyproject_pins() -> dict:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    pins = {}
    for dep in deps:
        spec, _, marker = dep.partition(";")
        if marker and "< '3.11'" in marker:
            continue  # environment.yml pins Python 3.11
        name, version = spec.strip().split("==")
        pins[name.lower()] = version
    return pins


def _environment_pins() -> dict:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.-]+)\s*(==?)\s*([0-9][^\s#]*)\s*(#.*)?", line)
        if m and m.group(1).lower() != "python":
            pins[m.group(1).lower()] = m.group(3)
    return pins


def test_environment_yml_and_pyproject_pin_the_same_packages():
    assert _environment_pins() == _pyproject_pins()


def test_environment_yml_installs_the_package():
    assert re.search(r"^\s*-\s*-e\s+\.\s*$", (ROOT / "environment.yml").read_text(), re.M)


@pytest.mark.parametrize("path", sorted((ROOT / "course_utils").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_defines_a_name_twice(path):
    """A second ``def`` of the same name silently replaces the first (easy to do when merging)."""
    import ast
    from collections import Counter

    names = Counter(node.name for node in ast.parse(path.read_text()).body
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef)))
    assert not [n for n, c in names.items() if c > 1], f"defined more than once: {names.most_common(3)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_links_between_notebooks_resolve(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    targets = re.findall(r"\]\(([^)#\s]+\.ipynb)", text)
    missing = [t for t in targets if not (path.parent / t).is_file()]
    assert not missing, f"{path.name} links to missing notebooks: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_using_torch_follow_the_one_thread_policy(path):
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
    assert "set_num_threads" not in code, "threads are set through config.set_threads(), not torch directly"
    if re.search(r"^import torch$", code, re.MULTILINE):
        assert "config.set_threads()" in code, f"{path.name} imports torch but never calls config.set_threads()"


def _project_text_files():
    """Every tracked text file of the project (git ls-files), as (path, text)."""
    import subprocess
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".ipynb", ".toml", ".yml", ".cfg", ".txt", ".j2", ".json"} or path.name in {"Makefile", "run"}:
            yield name, path.read_text(encoding="utf-8", errors="replace")


def test_the_project_documents_itself():
    """CONTRIBUTING.md exists and the README links it; nothing points at the course's private planning files."""
    assert "](CONTRIBUTING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    private = ("CONVENTIONS" + ".md", "COURSE" + ".md")   # split so this file does not name them itself
    named = [name for name, text in _project_text_files() if any(p in text for p in private)]
    assert not named, f"these files refer to planning documents a user's clone does not have: {named}"


def test_course_utils_top_level_holds_reference_modules_and_layer_folders():
    """The package's layers are folders: data/, ui/ and checks/ beside the flat reference modules and config."""
    package = ROOT / "course_utils"
    folders = {p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {"checks", "data", "ui"}
    top = {p.stem for p in package.glob("*.py")} - {"__init__", "config"}
    layer_names = {p.stem for folder in ("data", "ui") for p in (package / folder).glob("*.py")}
    assert not top & layer_names, f"modules in two layers: {top & layer_names}"
    assert not (package / "publish").exists() and (ROOT / "course_tools" / "runner.py").exists()
    imports_ui = [p.name for p in package.glob("*.py") if "course_utils.ui" in p.read_text(encoding="utf-8")]
    assert not imports_ui, f"reference modules must not import the ui layer: {imports_ui}"
