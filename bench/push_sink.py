"""A stand-in push service for `afterline bench --fan-out`: answers every POST with 201.

It runs in its own process so the benchmark measures the dispatcher (encryption, VAPID,
HTTP, bookkeeping), not a receiver sharing its event loop.
"""

from __future__ import annotations

import sys

from aiohttp import web


async def _accept(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(status=201)


def main() -> None:
    app = web.Application()
    app.router.add_post("/push/{token}", _accept)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
