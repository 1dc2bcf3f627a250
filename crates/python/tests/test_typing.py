"""The stubs are complete enough for ``mypy --strict`` on an example that uses the
whole API, and the example runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ssokit

HERE = Path(__file__).parent
PACKAGE = Path(ssokit.__file__).parent


def test_mypy_strict_on_the_example(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            str(HERE / "typed_example.py"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_on_the_package(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(HERE.parent / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "-p",
            "ssokit",
        ],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(HERE))
    try:
        import typed_example
    finally:
        sys.path.remove(str(HERE))
    typed_example.main()
    out = capsys.readouterr().out
    assert "GetRoleCredentials calls: 1" in out
    assert "ConfigError" in out


def test_package_files_are_typed() -> None:
    assert (PACKAGE / "py.typed").exists()
    assert (PACKAGE / "_ssokit.pyi").exists()
    for name in ssokit.__all__:
        assert getattr(ssokit, name).__doc__ or name == "__version__", name


def test_stubs_match_the_compiled_module(tmp_path: Path) -> None:
    pytest.importorskip("mypy.stubtest")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "ssokit._ssokit",
            "--allowlist",
            str(HERE / "stubtest-allowlist.txt"),
            "--mypy-config-file",
            str(HERE.parent / "pyproject.toml"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_import_loads_no_typing_machinery() -> None:
    """``import ssokit`` imports what runs, not what annotates: ``typing`` (and the
    ``re``, ``enum`` and ``collections`` it pulls in) costs more than all of ssokit.
    Annotations live in the stubs and under ``TYPE_CHECKING``."""
    probe = (
        "import sys; before = set(sys.modules); import ssokit; "
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert "ssokit" in out
    for heavy in ("typing", "re", "enum", "collections", "asyncio", "datetime"):
        assert heavy not in out, f"import ssokit imported {heavy}: {out}"
    # What the annotations name still works at run time, built on first use.
    assert ssokit.LoginPrompt.__doc__ is not None and "on_prompt" in ssokit.LoginPrompt.__doc__
