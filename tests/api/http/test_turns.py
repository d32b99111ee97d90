"""api.http.snapshots.Turns: inline plans run one per loop iteration, in arrival order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from api.http.snapshots import Turns


def _work(log: list[str], name: str, fail: bool = False) -> Callable[[], str]:
    def run() -> str:
        log.append(name)
        if fail:
            raise ValueError(name)
        return name
    return run


def test_turns_run_in_arrival_order_with_the_loop_running_in_between() -> None:
    """Five requests queued in one go run in the order they came; a callback scheduled
    during the first one (what a socket read does) runs before the second, and a request
    that arrives during the first queues behind the four already waiting."""
    log: list[str] = []

    async def main() -> list[str]:
        turns = Turns()
        loop = asyncio.get_running_loop()
        late: list[asyncio.Task[str]] = []

        def first() -> str:
            log.append("a")
            loop.call_soon(log.append, "io")
            late.append(loop.create_task(turns.run(_work(log, "late"))))
            return "a"

        tasks = [loop.create_task(turns.run(first))]
        tasks += [loop.create_task(turns.run(_work(log, name))) for name in "bcde"]
        done = await asyncio.gather(*tasks)
        return [*done, await late[0]]

    assert asyncio.run(main()) == ["a", "b", "c", "d", "e", "late"]
    assert log == ["a", "io", "b", "c", "d", "e", "late"]


def test_a_failed_or_cancelled_turn_does_not_stop_the_queue() -> None:
    """An error in one piece of work reaches its own caller only; a waiter cancelled
    before its turn is skipped; one cancelled after its turn was granted passes it on."""
    log: list[str] = []
    tasks: list[asyncio.Task[str]] = []
    grants: list[int] = []

    class Spy(Turns):
        def _grant(self) -> None:
            super()._grant()
            grants.append(len(grants))
            if len(grants) == 2:  # c's turn (b was cancelled): c is cancelled before it resumes
                tasks[2].cancel()

    async def main() -> list[str | BaseException]:
        turns = Spy()
        loop = asyncio.get_running_loop()
        tasks.extend(loop.create_task(turns.run(_work(log, name, fail=name == "a"))) for name in "abcd")
        await asyncio.sleep(0)  # every task is queued
        tasks[1].cancel()  # before its turn
        out = await asyncio.gather(*tasks, return_exceptions=True)
        assert not turns._active  # the queue drained and went idle
        return out

    out = asyncio.run(main())
    assert isinstance(out[0], ValueError) and str(out[0]) == "a"
    assert isinstance(out[1], asyncio.CancelledError) and isinstance(out[2], asyncio.CancelledError)
    assert out[3] == "d"
    assert log == ["a", "d"]


@pytest.mark.parametrize("n", [1, 3])
def test_turns_go_idle_and_start_again(n: int) -> None:
    async def main() -> list[str]:
        turns = Turns()
        out = []
        for round_ in range(2):
            out += await asyncio.gather(*(turns.run(_work([], f"{round_}{i}")) for i in range(n)))
            assert not turns._active
        return out

    assert asyncio.run(main()) == [f"{r}{i}" for r in range(2) for i in range(n)]
