"""Node packages some tests need (a real OpenID Connect provider, axe-core), each pinned in a
folder's package.json and package-lock.json and installed there with `npm ci` on first use.

A file lock keeps parallel test runs (two checkouts, pytest-xdist workers) from installing into
the same folder at once; an install that is already there and pinned is used as it is.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import subprocess
from pathlib import Path

NPM_TIMEOUT = 600


class NodePackageError(RuntimeError):
    """Node.js is missing, or `npm ci` failed or took too long."""


def pinned_version(folder: Path, package: str) -> str:
    return json.loads((folder / "package.json").read_text("utf-8"))["dependencies"][package]


def installed_version(folder: Path, package: str) -> str | None:
    if not (folder / "node_modules" / ".package-lock.json").exists():
        return None  # npm writes it last: without it the install is missing or unfinished
    with contextlib.suppress(OSError, ValueError, KeyError):
        return json.loads((folder / "node_modules" / package / "package.json")
                          .read_text("utf-8"))["version"]
    return None


def ensure_installed(folder: Path, package: str) -> None:
    """Runs `npm ci` in `folder` unless its node_modules holds the pinned `package`."""
    if installed_version(folder, package) == pinned_version(folder, package):
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise NodePackageError(f"these tests need Node.js (node and npm, version 20 or later) "
                               f"on PATH for {package} in {folder}")
    with open(folder / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if installed_version(folder, package) == pinned_version(folder, package):
                return  # another process installed it while we waited
            try:
                done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=folder,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, timeout=NPM_TIMEOUT, check=False)
            except subprocess.TimeoutExpired as error:
                raise NodePackageError(
                    f"`npm ci` in {folder} took longer than {NPM_TIMEOUT} s") from error
            if done.returncode != 0 or (installed_version(folder, package)
                                        != pinned_version(folder, package)):
                output = done.stdout.decode("utf-8", errors="replace")[-4000:]
                raise NodePackageError(
                    f"`npm ci --no-audit --no-fund` in {folder} failed (exit "
                    f"{done.returncode}); the npm registry must be reachable to install "
                    f"{package} {pinned_version(folder, package)}:\n{output}")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
