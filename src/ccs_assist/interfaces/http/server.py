"""`ccs-assist serve`: check the options, load the graph once and serve with uvicorn.

The app itself is built by app.py (`create_app`); the options are serve_options.py's
`ServeOptions`, whose fields are `run`'s keyword arguments. Both names are re-exported here.

fastapi and uvicorn are an optional extra (`pip install 'ccs-assist[server]'`); without them,
`run` says how to install them rather than failing with a traceback.
"""

import contextlib
import math
import os
import sys
from pathlib import Path
from typing import Any

from ccs_assist.interfaces.http.app import create_app
from ccs_assist.interfaces.http.limits import MAX_HEADER_BYTES
from ccs_assist.interfaces.http.serve_options import ENV_OPTIONS, LOCALHOST, ServeOptions
from ccs_assist.interfaces.http.unanswered_log import UnansweredLog

__all__ = ["ServeOptions", "app_from_environment", "create_app", "run"]

INSTALL_HINT = "ccs-assist serve needs the server extra: pip install 'ccs-assist[server]'"
REDIS_HINT = "--sessions redis:// needs the redis extra: pip install 'ccs-assist[server,redis]'"


def app_from_environment() -> Any:
    """The app factory each worker of `serve --workers N` calls (options come by environment)."""
    return ServeOptions.from_env(os.environ[ENV_OPTIONS]).app()


def run(graph: Path | None = None, **options: Any) -> int:
    """`ccs-assist serve` until Ctrl-C; `options` are ServeOptions' fields. The exit code: 0, or
    1 after saying (one line each, no traceback) what stopped it from starting."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    opts = ServeOptions(graph=graph, **options)
    problems = opts.problems() or _unwritable_log(opts)
    for problem in problems:
        _say(problem)
    if problems:
        return 1
    app: Any
    try:
        app = _app_or_factory(opts)
    except ImportError:
        _say(REDIS_HINT)
        return 1
    except Exception as error:  # redis.ConnectionError and friends: say it, no traceback
        if type(error).__module__.split(".")[0] != "redis":
            raise
        _say(f"cannot reach the session store: {error}")
        return 1
    if opts.host not in LOCALHOST:
        _say(
            f"listening on {opts.host}, not just this machine; put it behind your "
            "help desk's HTTPS proxy."
        )
    return _serve(opts, app)


def _say(problem: str) -> None:
    print(f"ccs-assist: {problem}", file=sys.stderr)


def _unwritable_log(opts: ServeOptions) -> list[str]:
    """Why the unanswered-questions log cannot be written, found now rather than on a miss."""
    if opts.log_unanswered is None:
        return []
    try:
        UnansweredLog(opts.log_unanswered).check()
    except OSError as error:
        return [f"cannot write {opts.log_unanswered}: {error.strerror or str(error)}"]
    return []


def _app_or_factory(opts: ServeOptions) -> Any:
    """The app for one process, or the factory's import path for workers; Redis is reached
    once first, so a wrong address fails here, not on a parent's first question."""
    if opts.shared_sessions:
        import redis

        probe = redis.Redis.from_url(str(opts.sessions), socket_connect_timeout=5, socket_timeout=5)
        try:
            probe.ping()
        finally:
            probe.close()
    return opts.app() if opts.workers == 1 else f"{__name__}:app_from_environment"


def _serve(opts: ServeOptions, app: Any) -> int:
    """Run uvicorn (one process, or a supervisor over `workers`) until it stops."""
    import uvicorn

    from ccs_assist.interfaces.http.connection_guard import GuardedH11Protocol

    os.environ[ENV_OPTIONS] = opts.to_env()
    config = uvicorn.Config(
        app,
        factory=opts.workers > 1,
        host=opts.host,
        port=opts.port,
        workers=opts.workers,
        http=GuardedH11Protocol,
        timeout_keep_alive=max(1, math.ceil(opts.idle_timeout)),
        limit_concurrency=opts.limit_concurrency,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        access_log=False,  # access lines would carry session ids; bodies are never logged
        log_level="info",
        server_header=False,
        proxy_headers=True,  # X-Forwarded-For only from --forwarded-allow-ips (127.0.0.1)
    )
    if opts.workers > 1:
        from uvicorn.supervisors import Multiprocess

        sock = config.bind_socket()
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=[sock]).run()
        return 0
    server = uvicorn.Server(config)
    try:
        server.run()
    except SystemExit as stop:  # uvicorn exits 1 itself when it cannot bind the port
        return stop.code if isinstance(stop.code, int) else 1
    return 0 if server.started else 1
