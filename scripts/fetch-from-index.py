#!/usr/bin/env python3
"""Fetch one file of a package from the simple index pip is configured with.

Used where `pip download` cannot work (an sdist whose metadata step needs a
build backend we do not have). The index URL comes from pip itself
(PIP_INDEX_URL, pip.conf, or pip's built-in default), so no registry host is
written here. The file is verified against the expected sha256 and size before
it is moved into place; a mismatch is refused.

usage: fetch-from-index.py PACKAGE FILENAME SHA256 SIZE DEST
"""
import hashlib
import html.parser
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request


def index_url() -> str:
    env = os.environ.get("PIP_INDEX_URL")
    if env:
        return env
    try:
        out = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                             capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except Exception:
        pass
    from pip._internal.models.index import PyPI  # pip's default, not spelled out here
    return PyPI.simple_url


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def main() -> int:
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    package, filename, sha256, size, dest = sys.argv[1:]
    base = index_url().rstrip("/") + "/"
    page_url = urllib.parse.urljoin(base, package.lower().replace("_", "-") + "/")
    with urllib.request.urlopen(page_url, timeout=60) as resp:
        parser = Links()
        parser.feed(resp.read().decode("utf-8", "replace"))
    matches = [h for h in parser.links
               if urllib.parse.unquote(urllib.parse.urlparse(h).path).rsplit("/", 1)[-1] == filename]
    if not matches:
        print(f"error: {filename} is not listed on the package index page for {package}", file=sys.stderr)
        return 1
    url = urllib.parse.urljoin(page_url, matches[0]).split("#", 1)[0]
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dest)), suffix=".part")
    digest = hashlib.sha256()
    total = 0
    expected = int(size)
    with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=120) as resp:
        while True:
            chunk = resp.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
            digest.update(chunk)
            total += len(chunk)
            if sys.stderr.isatty():
                print(f"\r  {filename}: {total / 1e6:.1f} / {expected / 1e6:.1f} MB", end="", file=sys.stderr)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if total != expected or digest.hexdigest() != sha256:
        os.unlink(tmp)
        print(f"error: {filename} failed verification: got {total} bytes, sha256 {digest.hexdigest()}; "
              f"expected {expected} bytes, sha256 {sha256}. Refusing to use it.", file=sys.stderr)
        return 1
    os.replace(tmp, dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
