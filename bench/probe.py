"""`python -m bench.probe URL`: GET a URL on a fixed schedule until stdin closes.

Open loop: request n is due at start + n x interval whatever happened to the ones before,
and its latency counts from when it was due. A server whose event loop stalls for 300 ms
cannot make the probe wait politely and hide the stall (coordinated omission): every request
due in that time answers late, and says so. Prints one JSON line: the latencies in ms.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx

INTERVAL = 0.005  # 200 requests a second


async def _probe(url: str, stop: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one(due: float) -> None:
            nonlocal failures
            answer = await client.get(url)
            if answer.status_code != 200:
                failures += 1
            latencies.append((time.perf_counter() - due) * 1000)

        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter()
        n = 0
        while not stop.is_set():
            due = start + n * INTERVAL
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(due)))
            n += 1
        await asyncio.gather(*tasks)
    if failures:
        raise SystemExit(f"{failures} of {n} probes were not 200")
    return latencies


async def main(url: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def closed() -> None:
        if not sys.stdin.read():  # at end of file: the bench closed it
            stop.set()

    loop.add_reader(sys.stdin.fileno(), closed)
    print(json.dumps(await _probe(url, stop)), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
