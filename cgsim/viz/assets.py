"""Solara's front-end packages, unpacked where Solara looks before its CDN, so the page works offline.

Solara serves its JavaScript through ``/_solara/cdn/<package>@<version>/...``:
from its proxy cache directory (``<venv>/share/solara/cdn``) when the file is
there, else fetched from a public CDN, which a machine without internet
cannot reach (the page stays blank). ``python -m cgsim.viz.assets`` packs the
npm packages the installed Solara asks for (read from its page template and
widget sources) with ``npm pack`` and unpacks each into
``<cache>/<package>@<version>/``. It is idempotent: packages already there
are skipped. ``--check`` only reports what is missing (exit 1 if anything).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# what solara 1.64 with ipyvue/ipyvuetify 1.x asks for; used when its sources cannot be read
KNOWN = {
    "@widgetti/solara-vuetify-app": "10.1.1",
    "requirejs": "2.3.6",
    "font-awesome": "4.5.0",
    "@widgetti/vue-grid-layout": "2.3.13-alpha.2",
}
_REF = re.compile(r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\}|fontawesome_path: str = \")/"
                  r"((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+(?:-[\w.]+)?)/")
MARKER = ".cgsim-complete"


class AssetError(RuntimeError):
    """Something the person running the command has to fix (no npm, no registry, ...)."""


def cache_dir() -> Path:
    """The directory Solara's CDN proxy reads (``solara.server.settings.assets.proxy_cache_dir``)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def required() -> dict[str, str]:
    """npm packages (name → version) the installed Solara loads through its CDN proxy."""
    import solara

    root = Path(solara.__file__).parent
    files = [root / "server" / "templates" / "solara.html.j2", root / "server" / "settings.py",
             *sorted((root / "widgets" / "vue").glob("*.vue"))]
    found: dict[str, str] = {}
    for f in files:
        if f.is_file():
            for name, ver in _REF.findall(f.read_text(encoding="utf-8")):
                found.setdefault(name, ver)
    if not found:
        return dict(KNOWN)
    if _ipyvue_major() < 2:  # the vuetify-3 bundle serves ipyvue 3 only
        found = {k: v for k, v in found.items() if "vuetify3" not in k}
    return found


def _ipyvue_major() -> int:
    try:
        import ipyvue

        return int(str(ipyvue.__version__).split(".")[0])
    except Exception:
        return 1


def missing(dest: Path | None = None) -> dict[str, str]:
    dest = cache_dir() if dest is None else dest
    return {k: v for k, v in required().items() if not (dest / f"{k}@{v}" / MARKER).is_file()}


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm not found. The browser view needs Solara's front-end packages from the npm "
                         "registry; install Node.js and npm (Debian: apt-get install npm) and run "
                         "`python -m cgsim.viz.assets` again. Without them the page loads its code from a "
                         "public CDN, which needs internet.")
    return npm


def fetch(name: str, version: str, dest: Path) -> Path:
    """``npm pack name@version`` and unpack its top folder into ``dest/name@version``."""
    target = dest / f"{name}@{version}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([_npm(), "pack", f"{name}@{version}", "--json", "--pack-destination", tmp],
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssetError(f"npm pack {name}@{version} failed (exit {proc.returncode}): "
                             f"{proc.stderr.strip()[-800:]}")
        tgz = Path(tmp) / json.loads(proc.stdout)[0]["filename"]
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tgz) as tar:  # npm tarballs hold one top folder, usually package/
            members = [m for m in tar.getmembers() if "/" in m.name.strip("/")]
            for m in members:
                m.name = m.name.strip("/").split("/", 1)[1]
            tar.extractall(unpacked, members=members, filter="data")
        (unpacked / MARKER).write_text(f"{name}@{version}\n")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(unpacked), target)
    return target


def ensure(dest: Path | None = None, log=print) -> list[str]:
    """Fetch every missing package; returns what was fetched."""
    dest = cache_dir() if dest is None else dest
    todo = missing(dest)
    if todo:
        _npm()  # say so before anything else when npm is missing
    for name, ver in todo.items():
        log(f"fetching {name}@{ver} with npm pack → {dest}")
        fetch(name, ver, dest)
    return [f"{k}@{v}" for k, v in todo.items()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cgsim.viz.assets", description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only report missing packages (exit 1 if any)")
    ap.add_argument("--dest", type=Path, default=None, help="cache directory (default: Solara's)")
    a = ap.parse_args(argv)
    dest = cache_dir() if a.dest is None else a.dest
    if a.check:
        todo = missing(dest)
        for k, v in todo.items():
            print(f"missing {k}@{v} in {dest}")
        print("Solara front-end assets: " + ("incomplete" if todo else "complete") + f" ({dest})")
        return 1 if todo else 0
    try:
        done = ensure(dest)
    except (AssetError, OSError, subprocess.TimeoutExpired) as e:
        print(f"cgsim.viz.assets: error: {e}", file=sys.stderr)
        return 1
    print(f"Solara front-end assets: {len(required())} packages in {dest}"
          + (f" ({len(done)} fetched)" if done else " (all present)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
