"""ssokit.aio: the awaitable versions, the event loop keeps running, cancellation."""

from __future__ import annotations

import asyncio
import time

import ssokit
import ssokit.aio
from ssokit.testing import Emulator


def test_aio_flow(idc: Emulator) -> None:
    async def main() -> None:
        token = await ssokit.aio.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
        assert token.access_token
        assert (await ssokit.aio.get_token("dev")).access_token == token.access_token
        creds = await ssokit.aio.get_credentials("dev")
        assert creds.account_id == "111122223333"
        accounts = await ssokit.aio.list_accounts("dev")
        assert len(accounts) == 2
        roles = await ssokit.aio.list_roles("dev", account_id="111122223333")
        assert {r.role_name for r in roles} == {"ReadOnly", "Admin"}
        [state] = await ssokit.aio.status()
        assert state.logged_in
        report = await ssokit.aio.logout()
        assert len(report.tokens_removed) == 1

    asyncio.run(main())


def test_aio_provider_shared_by_many_tasks(logged_in: Emulator) -> None:
    logged_in.inject_fault("latency", operation="GetRoleCredentials", delay=0.3)

    async def main() -> set[str]:
        provider = ssokit.aio.CredentialProvider("dev")
        assert "dev" in repr(provider)
        results = await asyncio.gather(*(provider() for _ in range(20)))
        return {c.access_key_id for c in results}

    assert len(asyncio.run(main())) == 1
    assert logged_in.count("GetRoleCredentials") == 1


def test_event_loop_runs_during_login() -> None:
    with Emulator(auto_approve=False) as idc:

        async def main() -> int:
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.01)

            async def approver() -> None:
                while not idc.pending_user_codes():
                    await asyncio.sleep(0.02)
                idc.approve()

            tick = asyncio.ensure_future(ticker())
            approve = asyncio.ensure_future(approver())
            await ssokit.aio.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
            await approve
            tick.cancel()
            return ticks

        assert asyncio.run(main()) > 20


def test_cancelling_aio_login_cancels_the_login() -> None:
    with Emulator(auto_approve=False) as idc:

        async def main() -> None:
            try:
                await asyncio.wait_for(ssokit.aio.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60), 1.5)
            except asyncio.TimeoutError:
                return
            raise AssertionError("the login should have been cancelled")

        asyncio.run(main())
        polls = idc.count("CreateToken")
        time.sleep(1.5)
        assert idc.count("CreateToken") == polls  # the poll loop has stopped
        assert not ssokit.status()[0].logged_in
