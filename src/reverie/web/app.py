"""The app factory: one opened workspace, the security middleware, the routers, static files and Plotly's bundle.

``create_app`` opens the workspace once (checking its key) and keeps it on
``app.state.web``; each request then acts through ``Workspace.acting_as`` for the
logged-in user (see ``auth.py``). Nothing here reads clinical data itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from reverie.workspace.accounts import IDLE, LOCK_AFTER, Accounts
from reverie.web.auth import Throttle, csrf_guard
from reverie.web.errors import install_error_pages
from reverie.web.head import HeadAsGet
from reverie.web.jobs import Jobs
from reverie.web.security import SecurityHeaders
from reverie.workspace import Workspace

STATIC = Path(str(files("reverie.web") / "static"))


@dataclass
class WebState:
    """What every request shares: the opened workspace, its accounts, cookie policy and the login throttle."""

    ws: Workspace
    accounts: Accounts
    secure_cookies: bool = False
    throttle: Throttle = field(default_factory=Throttle)
    jobs: Jobs = field(default_factory=Jobs)
    analyzers: list[str] | None = None  # what an import analyses (None: every analyser the profile allows)


def create_app(workspace: Path | None, *, db: str | None = None, key_file: Path | None = None, secure_cookies: bool = False,
               passphrase: str | None = None, idle: timedelta = IDLE, lock_after: int = LOCK_AFTER,
               analyzers: list[str] | None = None) -> FastAPI:
    """The web app over the workspace at ``workspace``; ``secure_cookies`` for TLS (set it behind HTTPS)."""
    import reverie.workspace as rw
    from reverie.web.routes import auth as auth_routes
    from reverie.web.routes import imports as import_routes
    from reverie.web.routes import measures as measure_routes
    from reverie.web.routes import safety as safety_routes
    from reverie.web.routes import workspace as workspace_routes

    ws = rw.open(workspace, db=db, key_file=key_file, passphrase=passphrase, user=None, origin="web")
    app = FastAPI(title="Reverie", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(csrf_guard)])
    app.state.web = WebState(ws, Accounts(ws, idle=idle, lock_after=lock_after), secure_cookies, analyzers=analyzers)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    install_error_pages(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_bundle() -> FileResponse:
        """Plotly's own bundle from the installed ``plotly`` package: not copied into Reverie, not from a CDN."""
        return FileResponse(_plotly_js(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """Browsers ask for it on pages that name no icon (the case report): answer rather than log a 404."""
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    app.include_router(auth_routes.router)
    app.include_router(workspace_routes.router)
    app.include_router(import_routes.router)
    app.include_router(safety_routes.router)
    app.include_router(measure_routes.router)
    _include_optional(app, "reverie.web.routes.portal")
    app.router.on_shutdown.append(ws.close)
    return app


def _plotly_js() -> Path:
    import plotly
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _include_optional(app: FastAPI, module: str) -> None:
    """Mount a router module when it exists (the client portal lives in its own module)."""
    import importlib
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return
    app.include_router(mod.router)
