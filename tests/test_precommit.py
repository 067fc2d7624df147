"""The `safelint` pre-commit hook, run for real: `pre-commit run --all-files` in a scratch git
repository whose `.pre-commit-config.yaml` points at this checkout as the hook repository.

pre-commit can only install hooks from a commit, and the working tree under test may hold
uncommitted changes, so the checkout's files (tracked, plus untracked but not ignored) are
copied into a temporary repository and committed there; its HEAD is the `rev`.  pre-commit
then builds its own virtualenv and pip-installs safelint from that commit, exactly as users
get it.  PRE_COMMIT_HOME is a temporary directory shared by the tests of this module, so the
environment is built once.

Skipped only when `git` or `pre-commit` is not installed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures"
RULE_CODE = re.compile(r"\b(AGE|GEN|RAC|EYE|WGT)\d{3}\b")
# Never copied into the hook repository when the checkout is not a git work tree.
_IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.pyc", "*.egg-info", "build", "dist",
                                 ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", ".whl", ".gl")


def _pre_commit_cmd() -> list[str] | None:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    exe = shutil.which("pre-commit")
    return [exe] if exe else None


PRE_COMMIT = _pre_commit_cmd()
GIT = shutil.which("git")

pytestmark = [
    pytest.mark.skipif(GIT is None, reason="git is not installed"),
    pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install pre-commit)"),
]


def _env(pre_commit_home: Path | None = None) -> dict[str, str]:
    """A clean environment: nothing from an enclosing git hook or pre-commit run leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "PRE_COMMIT")) and k not in ("SKIP", "VIRTUAL_ENV")}
    env.update(GIT_AUTHOR_NAME="safelint tests", GIT_AUTHOR_EMAIL="tests@safelint.invalid",
               GIT_COMMITTER_NAME="safelint tests", GIT_COMMITTER_EMAIL="tests@safelint.invalid",
               GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_COLOR="never", NO_COLOR="1")
    if pre_commit_home is not None:
        env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    return env


def _git(cwd: Path, *args: str) -> str:
    assert GIT is not None
    out = subprocess.run([GIT, "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=cwd,
                         env=_env(), capture_output=True, text=True, check=True)
    return out.stdout


def _checkout_files() -> list[Path]:
    """Files of the checkout as a fresh clone plus the uncommitted work would have them."""
    if (ROOT / ".git").exists():
        try:
            listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        except subprocess.CalledProcessError:
            listed = ""
        files = [ROOT / p for p in listed.split("\0") if p]
        files = [p for p in files if p.is_file()]  # drops tracked files deleted in the work tree
        if files:
            return files
    return []


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed copy of this checkout: (path, HEAD sha)."""
    assert (ROOT / ".pre-commit-hooks.yaml").is_file(), "the checkout has no .pre-commit-hooks.yaml"
    repo = tmp_path_factory.mktemp("hook-repo") / "safelint"
    files = _checkout_files()
    if files:
        for src in files:
            dst = repo / src.relative_to(ROOT)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    else:  # an sdist or a copy without .git
        shutil.copytree(ROOT, repo, ignore=_IGNORE, symlinks=True)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-verify", "-m", "safelint under test")
    return repo, _git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("pre-commit-home")


def run_pre_commit(tmp_path: Path, hook_repo: tuple[Path, str], home: Path,
                   files: dict[str, Path | str], hook_id: str = "safelint") -> subprocess.CompletedProcess[str]:
    """Make a git repo holding ``files`` (name -> fixture path or text) and run all its hooks."""
    proj = tmp_path / "project"
    proj.mkdir()
    _git(proj, "init", "-q")
    repo, sha = hook_repo
    config = {"repos": [{"repo": str(repo), "rev": sha, "hooks": [{"id": hook_id}]}]}
    (proj / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for name, content in files.items():
        dst = proj / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, dst)
        else:
            dst.write_text(content, encoding="utf-8")
    _git(proj, "add", "-A")
    assert PRE_COMMIT is not None
    return subprocess.run([*PRE_COMMIT, "run", "--all-files", "--color", "never"], cwd=proj, env=_env(home),
                          capture_output=True, text=True, timeout=1200)


def _out(r: subprocess.CompletedProcess[str]) -> str:
    return r.stdout + r.stderr


def test_manifest() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "safelint")
    assert hook["entry"] == "safelint check"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    assert files.search("data/train.json") and files.search("captions.jsonl")
    assert not files.search("notes.txt") and not files.search("data.json.bak")


def test_hook_fails_on_leaky_llava_json(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    r = run_pre_commit(tmp_path, hook_repo, pre_commit_home,
                       {"data/leaky.json": FIX / "precommit_leaky.json",
                        "data/clean.json": FIX / "precommit_clean.json"})
    out = _out(r)
    assert r.returncode != 0, out
    assert "Failed" in out and "- hook id: safelint" in out, out
    assert RULE_CODE.search(out), out
    assert "data/leaky.json" in out
    assert "data/clean.json:" not in out  # no findings placed in the clean file


def test_hook_passes_on_clean_files(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    # A leaky sentence in a file the hook does not match (not .json/.jsonl) must not fail it.
    r = run_pre_commit(tmp_path, hook_repo, pre_commit_home,
                       {"data/clean.json": FIX / "precommit_clean.json",
                        "notes.txt": "A 25-year-old woman with blue eyes.\n"})
    out = _out(r)
    assert r.returncode == 0, out
    assert "Passed" in out, out
    assert not RULE_CODE.search(out), out


def test_hook_checks_jsonl(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    r = run_pre_commit(tmp_path, hook_repo, pre_commit_home,
                       {"captions.jsonl": '{"caption": "A 25-year-old woman with blue eyes."}\n'})
    out = _out(r)
    assert r.returncode != 0, out
    assert RULE_CODE.search(out) and "captions.jsonl" in out, out


def test_fix_hook_rewrites_files(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    r = run_pre_commit(tmp_path, hook_repo, pre_commit_home,
                       {"captions.jsonl": '{"caption": "A young woman walks her dog.", "n": 1}\n'}, hook_id="safelint-fix")
    out = _out(r)
    assert r.returncode != 0, out  # files were modified: the hook fails so the change is seen
    assert "- hook id: safelint-fix" in out and "files were modified by this hook" in out, out
    fixed = (tmp_path / "project" / "captions.jsonl").read_text(encoding="utf-8")
    assert fixed == '{"caption": "A person walks their dog.", "n": 1}\n'
