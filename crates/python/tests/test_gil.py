"""The GIL is released during blocking calls: other Python threads keep running."""

from __future__ import annotations

import threading
import time

import ssokit
from ssokit.testing import Emulator


class Ticker:
    """A Python thread that counts while the main thread is blocked."""

    def __init__(self) -> None:
        self.ticks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.ticks += 1
            time.sleep(0.001)

    def __enter__(self) -> "Ticker":
        self._thread.start()
        time.sleep(0.05)
        self.ticks = 0
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_network_call_releases_the_gil(logged_in: Emulator) -> None:
    logged_in.inject_fault("latency", operation="GetRoleCredentials", delay=1.0)
    with Ticker() as ticker:
        started = time.monotonic()
        ssokit.get_credentials("dev")
        elapsed = time.monotonic() - started
    assert elapsed >= 1.0
    # With the GIL held the ticker would not tick at all during the second.
    assert ticker.ticks > 100, ticker.ticks


def test_waiting_for_approval_releases_the_gil() -> None:
    with Emulator(auto_approve=False) as idc:
        with Ticker() as ticker:
            threading.Timer(1.0, lambda: idc.approve()).start()
            ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
        assert ticker.ticks > 100, ticker.ticks


def test_list_calls_release_the_gil(logged_in: Emulator) -> None:
    logged_in.inject_fault("latency", operation="ListAccounts", delay=0.5)
    with Ticker() as ticker:
        ssokit.list_accounts("dev")
    assert ticker.ticks > 50, ticker.ticks
