"""See a report as its readers will: render it with headless Chromium to PNG, on an A4 page
and at a phone's width (and print it to PDF as Chromium would).

Needs Chromium (Debian: apt install chromium). Nothing is fetched: the report is one file.

Run: .venv/bin/python tools/screenshot_report.py july.html [--out-dir shots]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

# Width x height in CSS pixels: A4 at 96 dpi (210 x 297 mm), and a common phone.
SIZES = {"a4": (794, 1123), "phone": (390, 844)}


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("screenshot_report: Chromium is not installed (Debian: apt install chromium)")


def shoot(browser: str, page: Path, out: Path, width: int, height: int, full: bool) -> None:
    tall = height * 6 if full else height  # the page's first screens, not only the first
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            f"--window-size={width},{tall}",
            f"--screenshot={out}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--out-dir", type=Path, default=Path("."))
    options = parser.parse_args()
    page = options.report.resolve()
    if not page.is_file():
        sys.exit(f"screenshot_report: {options.report} is not a file (write it with `report`)")
    browser = chromium()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    for name, (width, height) in SIZES.items():
        out = options.out_dir / f"{page.stem}-{name}.png"
        shoot(browser, page, out, width, height, full=True)
        _written(out)
        print(f"wrote {out} ({width} px wide)")
    printed = options.out_dir / f"{page.stem}-print.pdf"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    _written(printed)
    print(f"wrote {printed} (A4, as the page's print styles lay it out)")


def _written(out: Path) -> None:
    """Chromium exits 0 even when it wrote nothing: say so rather than claim a file."""
    if not out.is_file() or not out.stat().st_size:
        sys.exit(f"screenshot_report: Chromium wrote no {out}")


if __name__ == "__main__":
    main()
