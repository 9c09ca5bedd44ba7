"""Screenshots of the web workspace's main pages for the README, taken from the fictional demo in real Chromium.

Builds the demo in a temporary folder (`reverie demo --no-serve`), serves it with `reverie serve`, logs in as the demo
therapist and the demo client and saves each page listed in PAGES as docs/screenshots/NAME.png (1280x800, or a phone's
390x844), reduced to a 256-colour palette so the images stay small. Run from the repository root::

    .venv/bin/python docs/screenshots/make_screenshots.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PASSWORD = "screenshots-demo-pass"  # the demo's accounts are fiction, like its client
THERAPIST = "therapist@demo.local"
CLIENT = "client@demo.local"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

MANY_MARKERS = ".turn.client:has(details.marker ~ details.marker ~ details.marker)"  # a client turn, 3+ markers
# (file name, who is logged in, path, viewport, what to scroll to the top: a CSS selector or None), in README order
PAGES = [
    ("caseload", THERAPIST, "/", LAPTOP, None),
    ("case-overview", THERAPIST, "/clients/demo", LAPTOP, "#progress-h"),
    ("session", THERAPIST, "/clients/demo/sessions/{session}", LAPTOP, MANY_MARKERS),
    ("import", THERAPIST, "/import", LAPTOP, None),
    ("safety", THERAPIST, "/safety", LAPTOP, "main h1"),
    ("portal", CLIENT, "/portal", LAPTOP, None),
    ("free-association", CLIENT, "/portal/write/free_association", PHONE, None),
    ("check-in", CLIENT, "/portal/checkins/{checkin}", PHONE, None),
]
SESSION = "8"  # the demo's session shown: a middle one, with markers of several analysers


def reverie(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from reverie.cli import run; sys.argv[0] = 'reverie'; run()", *args]


def serve_demo(tmp: Path) -> tuple[subprocess.Popen, str]:
    """Build the demo and serve it; return the server process and its base URL once it answers."""
    import httpx

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
           "XDG_CONFIG_HOME": str(tmp / "xdg")}
    workspace, key = tmp / "demo", tmp / "keys" / "demo.key"
    subprocess.run(reverie("demo", "--workspace", str(workspace), "--key-file", str(key), "--password", PASSWORD,
                           "--no-serve"), check=True, env=env, stdout=subprocess.DEVNULL)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(reverie("serve", "--workspace", str(workspace), "--key-file", str(key),
                                    "--host", "127.0.0.1", "--port", str(port)), env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("reverie serve did not answer within a minute")


def log_in(page, email: str) -> None:  # noqa: ANN001 - a Playwright page
    page.goto("/login")
    page.get_by_label("Login", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(portal)?$"))


def session_id(page) -> str:  # noqa: ANN001
    """The id of the demo's session number SESSION, from the case overview's links."""
    page.goto("/clients/demo")
    return page.locator("a[href*='/sessions/']", has_text=re.compile(f"^{SESSION}$")).first.get_attribute(
        "href").rsplit("/", 1)[-1]


def assign_checkin(page) -> None:  # noqa: ANN001
    """The therapist asks the demo client for a GAD-7 on the case page (the check-in screenshot answers it)."""
    page.goto("/clients/demo")
    page.get_by_label("Ask for a check-in").select_option("gad7")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()


def show(page, selector: str) -> None:  # noqa: ANN001
    """Scroll the first match to the top of the screen; a marker in it is opened on its evidence."""
    target = page.locator(selector).first
    marker = target.locator("details.marker summary")
    if marker.count():
        marker.first.click()
    target.evaluate("el => { el.scrollIntoView({block: 'start'}); window.scrollBy(0, -24); }")
    page.wait_for_timeout(300)  # Plotly redraws on scroll-driven resize; let it settle before the picture


def shrink(path: Path) -> None:
    """A 256-colour palette, no dithering: interface screenshots keep their look at a fraction of the size."""
    from PIL import Image
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default=os.environ.get("REVERIE_TEST_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="reverie-shots-"))
    proc, base = serve_demo(tmp)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, headless=True)
            contexts = {}
            for who in (THERAPIST, CLIENT):
                contexts[who] = browser.new_context(base_url=base, viewport=LAPTOP)
                log_in(contexts[who].new_page(), who)
            session = session_id(contexts[THERAPIST].pages[0])
            assign_checkin(contexts[THERAPIST].pages[0])
            client_home = contexts[CLIENT].pages[0]
            client_home.goto("/portal")
            checkin = client_home.locator("a[href^='/portal/checkins/']").last.get_attribute("href").rsplit("/", 1)[-1]
            for name, who, path, viewport, focus in PAGES:
                page = contexts[who].pages[0]
                page.set_viewport_size(viewport)
                page.goto(path.format(session=session, checkin=checkin))
                page.wait_for_load_state("networkidle")
                if focus:
                    show(page, focus)
                out = args.out / f"{name}.png"
                page.screenshot(path=str(out))
                shrink(out)
                print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {out.stat().st_size // 1024} KB")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
