"""Where runs execute: in this process, a local process pool (default, all cores), or a Dask cluster.

Every executor is a ``concurrent.futures.Executor``; the runner only calls
``submit`` and waits on the futures, so results do not depend on the
executor or the worker count (each run's randomness comes from its seed
alone). ``Pool.local_files`` says whether workers may write the store
themselves (same machine) or must send tables back (Dask).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from ..scenarios import ConfigError

EXECUTORS = ("local", "dask")


class SerialExecutor(Executor):
    """Runs each job at once, in this process (``--workers 1``)."""

    def submit(self, fn, /, *args, **kwargs):
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001  (delivered through the future, like a pool would)
            f.set_exception(e)
        return f


def _watch_parent(pid: int) -> None:
    """Exit as soon as process ``pid`` (the one that made the pool) is gone, e.g. after a ``kill -9``."""
    try:
        import select

        fd = os.pidfd_open(pid)
        select.select([fd], [], [])
    except (AttributeError, OSError):  # no pidfd (not Linux >= 5.3): poll instead
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                continue
    os._exit(1)


def _init_worker(parent: int) -> None:
    """Pool workers leave Ctrl-C to the parent and exit with it rather than linger after a ``kill -9``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="cgsim-parent-watch").start()


def _mp_context():
    """``forkserver`` where available: safe with threads (tqdm, Dask) and cheap per worker once cgsim is loaded."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["cgsim.experiment.worker", "cgsim.model", "cgsim.run"])
        return ctx
    return mp.get_context("spawn")


@dataclass
class Pool:
    executor: Executor
    slots: int            # runs executing at once
    local_files: bool     # workers share this machine's file system
    label: str


def default_workers() -> int:
    return os.cpu_count() or 1


DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")


def check_pool_options(kind: str = "local", workers: int | None = None, scheduler: str | None = None) -> None:
    """The executor options, checked before anything is written (a store made for a run that cannot start
    would make the corrected command meet 'already holds results')."""
    if kind not in EXECUTORS:
        raise ConfigError(f"--executor {kind!r}. Allowed: {', '.join(EXECUTORS)}.")
    if kind == "dask":
        if not scheduler:
            raise ConfigError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786) of a running "
                              "Dask scheduler.")
        try:
            from distributed.comm import parse_address
            from distributed.comm.addressing import parse_host_port
        except ImportError:
            raise ConfigError("--executor dask needs the 'distributed' package (pip install 'dask[distributed]').") \
                from None
        try:
            scheme, loc = parse_address(scheduler)
            if scheme not in DASK_SCHEMES:
                raise ValueError(f"unknown address scheme {scheme!r}; Dask's are {', '.join(DASK_SCHEMES)}")
            if scheme in ("tcp", "tls") and not 0 < parse_host_port(loc)[1] <= 65535:
                raise ValueError("port out of range")
        except (ValueError, TypeError) as e:
            raise ConfigError(f"--scheduler {scheduler!r}: not a scheduler address ({e}); e.g. "
                              f"tcp://10.0.0.5:8786.") from None
        if workers is not None:
            raise ConfigError("--workers applies to the local executor; a Dask cluster's size is its workers'.")
        return
    if scheduler:
        raise ConfigError("--scheduler only applies with --executor dask.")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers {workers}: must be at least 1.")


@contextmanager
def make_pool(kind: str = "local", workers: int | None = None, scheduler: str | None = None):
    """Context manager yielding a ``Pool`` for ``kind`` (``local`` or ``dask``)."""
    check_pool_options(kind, workers, scheduler)
    if kind == "dask":
        from distributed import Client

        try:
            client = Client(scheduler, set_as_default=False, timeout="20s")
        except (OSError, ValueError) as e:
            raise ConfigError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({e}).") from None
        try:
            slots = max(1, sum(client.nthreads().values()))
            yield Pool(client.get_executor(pure=False), slots, False, f"dask {scheduler} ({slots} threads)")
        finally:
            client.close()
        return
    n = default_workers() if workers is None else workers
    if n == 1:
        yield Pool(SerialExecutor(), 1, True, "this process")
        return
    ex = ProcessPoolExecutor(n, mp_context=_mp_context(), initializer=_init_worker, initargs=(os.getpid(),))
    try:
        yield Pool(ex, n, True, f"{n} local processes")
    except BaseException:
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        ex.shutdown(wait=True)
