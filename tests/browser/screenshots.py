"""Screenshots of every page of the built book, to look at before a release (``make screenshots``).

Builds nothing: serves an existing ``_build/html`` on 127.0.0.1 and has Debian's chromium (driven
by playwright, as in the browser test) take a full-page screenshot of every page at 1400x900 and
390x844, in the light and the dark theme, into ``_build/screenshots/``, named
``<page>--<width>x<height>--<theme>.png`` (``book/data_wall.html`` -> ``book-data_wall``).
Requests that would leave 127.0.0.1 are aborted and listed, so it works offline and shows it.

    python tests/browser/screenshots.py [OUT]
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from test_html import CHROMIUM, LAUNCH_ARGS, LOCAL, SITE, load_images, pages

SIZES = [(1400, 900), (390, 844)]
THEMES = ["light", "dark"]


@contextmanager
def serve(site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def shoot(out: Path, site: Path = SITE) -> int:
    from playwright.sync_api import sync_playwright

    if not (site / "index.html").exists():
        sys.exit(f"screenshots: {site} has no index.html; build the book first (make book)")
    todo = pages()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    external, problems, count, start = [], [], 0, time.time()

    def offline(route):
        if LOCAL.match(route.request.url):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for width, height in SIZES:
            for theme in THEMES:
                ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme)
                # pydata-sphinx-theme reads the reader's choice from localStorage before painting
                ctx.add_init_script(f"localStorage.setItem('mode', '{theme}');"
                                    f"localStorage.setItem('theme', '{theme}');")
                ctx.route("**/*", offline)
                tab = ctx.new_page()
                for page in todo:
                    tab.goto(base + page, wait_until="load")
                    tab.evaluate("() => window.MathJax?.startup?.promise")
                    tab.evaluate("() => document.fonts.ready.then(() => true)")
                    load_images(tab)  # the phone copies shown, so the full page has them
                    shown = tab.evaluate("() => document.documentElement.dataset.theme")
                    if shown != theme:
                        problems.append(f"{page} at {width}x{height}: theme {shown!r}, not {theme!r}")
                    name = page.removesuffix(".html").replace("/", "-")
                    tab.screenshot(path=out / f"{name}--{width}x{height}--{theme}.png", full_page=True)
                    count += 1
                ctx.close()
        browser.close()
    print(f"screenshots: {count} PNGs of {len(todo)} pages in {out} ({time.time() - start:.0f} s)")
    for p in problems:
        print(f"screenshots: {p}")
    if external:
        print(f"screenshots: {len(external)} requests off 127.0.0.1 were aborted, e.g. {sorted(set(external))[:3]}")
    return 1 if problems or external else 0


if __name__ == "__main__":
    sys.exit(shoot(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else SITE.parent / "screenshots"))
