"""Student copies in a git repository, for students to pull with nbgitpuller (``make distribute``).

    python -m course_tools.hub.distribute --repo ../rnn-course-students --hub-url https://hub.example.edu

writes the student copies of every notebook (exercises stubbed, outputs cleared: ``make student``)
into ``--repo`` (made with ``git init`` the first time; a local path or a clone of a repository on a
git server), removes notebooks that are no longer in the course, and commits. Push that commit to
wherever the hub's students pull from. With ``--hub-url`` it prints the nbgitpuller link to hand out:
opening it logs the student in, starts their server, and pulls (first time: clones) the copies into
their folder. The README ("What a pull does to a student's copies") says what a pull does to a
student's own edits.
"""
import argparse
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from course_tools.student import NOTEBOOKS, write_student_copies

BRANCH = "main"
TARGET = "rnn-course"  # the folder the copies land in, in every student's home
FIRST_NOTEBOOK = "00_start_here.ipynb"
README = """# RNN course: your copies of the notebooks

This folder is kept up to date from your instructor's repository by nbgitpuller. Open the course
link again to get the latest version: notebooks you have not changed are updated, and your own
changes are kept.
"""
# Used only where git has no identity configured (a fresh server, CI).
IDENTITY = ["-c", "user.name=course instructor", "-c", "user.email=instructor@localhost"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _identity(repo: Path) -> list[str]:
    named = subprocess.run(["git", "config", "user.email"], cwd=repo, capture_output=True, text=True)
    return [] if named.stdout.strip() else IDENTITY


def distribute(repo: Path, notebooks: Path = NOTEBOOKS, message: str = "Update the course notebooks") -> str | None:
    """Write the student copies into ``repo`` and commit them; returns the new commit, or None if
    nothing changed."""
    repo = Path(repo)
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q", "-b", BRANCH)
    elif git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() != BRANCH:
        raise SystemExit(f"--repo: {repo} is not on branch {BRANCH}; check it out first")
    written = write_student_copies(notebooks, repo)
    for old in repo.glob("*.ipynb"):  # a notebook renamed or removed from the course
        if old.name not in written:
            old.unlink()
    (repo / "README.md").write_text(README, encoding="utf-8")
    git(repo, "add", "-A")
    if not git(repo, "status", "--porcelain").strip():
        return None
    git(repo, *_identity(repo), "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def pull_link(hub_url: str, repo: str, notebook: str = FIRST_NOTEBOOK) -> str:
    """The nbgitpuller link that logs a student in, pulls ``repo`` and opens ``notebook``."""
    query = urlencode({"repo": repo, "branch": BRANCH, "targetpath": TARGET,
                       "urlpath": f"lab/tree/{TARGET}/{notebook}"})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m course_tools.hub.distribute", description=__doc__.split("\n")[0])
    p.add_argument("--repo", type=Path, required=True, help="the git repository students pull from")
    p.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="the course notebooks (default notebooks/)")
    p.add_argument("--message", default="Update the course notebooks", help="the commit message")
    p.add_argument("--hub-url", help="the hub's address, to print the nbgitpuller link for students")
    p.add_argument("--repo-url", help="where the hub pulls from, if not --repo (e.g. the https address it is pushed to)")
    args = p.parse_args(argv)
    if not args.notebooks.is_dir():
        p.error(f"--notebooks: no folder {args.notebooks}")
    commit = distribute(args.repo, args.notebooks, args.message)
    print(f"{args.repo}: " + (f"committed {commit[:10]}" if commit else "nothing changed, no commit"))
    if args.hub_url:
        print("link for students:", pull_link(args.hub_url, args.repo_url or str(args.repo.resolve())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
