"""``cgsim viz [CONFIG]``: serve the browser view with ``solara run`` on 127.0.0.1 and print its address.

The config (a preset name or a YAML run config, as for ``cgsim run``) is
validated here, then handed to the page through ``CGSIM_VIZ_CONFIG``; the
starting language through ``CGSIM_VIZ_LANG``. ``start`` and ``wait_ready``
are what the browser tests use too.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..scenarios import ConfigError, load_config
from . import CONFIG_ENV, LANG_ENV

APP = Path(__file__).with_name("app.py")
DEFAULT_PORT = 8765
# ``solara`` with websocket compression off. The page's frames are JPEG and PNG images, already
# compressed; deflating them again took as long as drawing them (profiled). Solara does not pass
# uvicorn's option on, so its default is changed before Solara's command line runs.
_SOLARA = ("import functools, sys, uvicorn; "
           "uvicorn.Config.__init__ = functools.partialmethod(uvicorn.Config.__init__, ws_per_message_deflate=False); "
           "from solara.__main__ import main; sys.argv[0] = 'solara'; main()")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _port_free(host: str, port: int) -> bool:
    """Whether ``port`` on ``host`` can be listened on; an address this machine cannot use is a config error."""
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port {port}: must be in [0, 65535] (0 picks a free one).")
    try:
        socket.getaddrinfo(host, port)
    except (socket.gaierror, UnicodeError):
        raise ConfigError(f"--host {host!r}: not an address or host name this machine can resolve "
                          f"(default 127.0.0.1).") from None
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a closing port is free
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return False
            raise ConfigError(f"--host {host!r}: cannot listen on this address ({e.strerror or e}).") from None
    return True


def start(config: str | None = None, *, port: int = DEFAULT_PORT, host: str = "127.0.0.1", lang: str = "en",
          env: dict | None = None, **popen) -> tuple[subprocess.Popen, str]:
    """Start ``solara run`` for the page; returns the process and the page's address."""
    if config:
        from ..district import is_district_config

        if is_district_config(config):
            raise ConfigError(f"{config}: a district config (it has 'communities:'); the browser view shows one "
                              f"community: give a preset name or a run config.")
        load_config(config)  # a config mistake stops here, with the usual message
        if Path(config).is_file():
            config = str(Path(config).resolve())
    if port != 0 and not _port_free(host, port):
        raise ConfigError(f"port {port} on {host} is in use; choose another with --port (0 picks a free one).")
    if port == 0:
        _port_free(host, 0)
        port = free_port(host)
    full_env = {**os.environ, **(env or {}), CONFIG_ENV: config or "", LANG_ENV: lang}
    # solara warns on every plain-http page load that its session cookie falls back to samesite=lax
    full_env.setdefault("PYTHONWARNINGS", "ignore:Cookies with samesite=none:UserWarning")
    cmd = [sys.executable, "-c", _SOLARA, "run", str(APP), "--host", host, "--port", str(port), "--no-open",
           "--production", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=full_env, **popen)
    return proc, f"http://{host}:{port}/"


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> bool:
    """Wait until the server answers (False if it exits or does not answer in time)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.3)
    return False


def serve(config: str | None = None, *, port: int = DEFAULT_PORT, host: str = "127.0.0.1", lang: str = "en",
          open_browser: bool = False) -> int:
    """Run the page until Ctrl-C; prints its address once it answers."""
    from .assets import missing

    gaps = missing()
    if gaps:
        print("cgsim viz: warning: Solara's front-end packages are not installed locally ("
              + ", ".join(f"{k}@{v}" for k, v in gaps.items()) + "); without internet the page stays blank. "
              "Run `make viz-assets` (needs npm).", file=sys.stderr)
    proc, url = start(config, port=port, host=host, lang=lang)
    print(f"cgsim viz: starting {config or 'mianyang_2019'} at {url}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so the server below is stopped too
    try:
        if wait_ready(url, proc):
            print(f"cgsim viz: ready at {url}  (Ctrl-C to stop)", flush=True)
            if open_browser:
                import webbrowser

                webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
