"""HEAD answered as GET without the body (RFC 9110 §9.3.2): FastAPI routes declare GET only, so monitors and link
checkers that send HEAD got 405. The page runs as for GET (its reads are scoped and audited the same way); only the
body is dropped, and the headers (Content-Length included) stay those of the GET."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Pure ASGI middleware: a HEAD request runs the GET route; every body chunk is sent empty."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)
        await self.app({**scope, "method": "GET"}, receive, send_without_body)
