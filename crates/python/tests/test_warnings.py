"""Warnings from the core (unsafe cache permissions) reach the ``ssokit`` logger, once
per path, on the calling thread."""

from __future__ import annotations

import logging
import stat
import sys
from pathlib import Path

import pytest

import ssokit
from ssokit.testing import Emulator

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix permissions")

CODE = "SSOKIT_UNSAFE_PERMISSIONS"


def unsafe_permission_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "ssokit" and getattr(r, "ssokit_code", None) == CODE]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_world_writable_cache_dir_logs_one_warning(logged_in: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="ssokit")
    first = ssokit.get_credentials("dev")
    role_cache = ssokit.resolve_profile("dev").role_cache_path
    assert role_cache is not None
    assert unsafe_permission_records(caplog) == [], "private caches: no warning"

    cache_dir = role_cache.parent
    cache_dir.chmod(0o777)
    assert ssokit.get_credentials("dev").access_key_id == first.access_key_id
    assert ssokit.get_credentials("dev").access_key_id == first.access_key_id
    records = unsafe_permission_records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.levelno == logging.WARNING
    assert record.ssokit_path == str(cache_dir)  # type: ignore[attr-defined]
    message = record.getMessage()
    assert str(cache_dir) in message
    assert "mode 0777" in message
    assert f"chmod 700 {cache_dir}" in message
    assert first.secret_access_key not in message
    assert mode(cache_dir) == 0o777, "ssokit warns, it does not chmod what it did not create"


def test_group_readable_token_file_logs_one_warning(logged_in: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="ssokit")
    token_path = ssokit.resolve_profile("dev").token_cache_path
    assert token_path is not None
    assert mode(token_path) == 0o600
    token_path.chmod(0o644)
    token = ssokit.get_token("dev")
    ssokit.status()
    records = unsafe_permission_records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    message = records[0].getMessage()
    assert str(token_path) in message
    assert "mode 0644" in message
    assert f"chmod 600 {token_path}" in message
    assert token.access_token not in message
