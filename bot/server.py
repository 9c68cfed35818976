"""gunicorn in-process: `gridbot serve` without a separate config file."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from bot.app import create_app
from bot.runtime import Runtime
from bot.settings import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, runtime: Runtime, options: dict[str, Any]) -> None:
        self.runtime = runtime
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(runtime=self.runtime)


def run_gunicorn(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve the webhook; jieba and the taxonomy load once, before the workers fork."""
    runtime = Runtime(settings)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        # WeChat gives up after 5 s; a request still running at 10 s is stuck, not slow.
        "timeout": 10,
        "preload_app": True,
        "accesslog": None,
        # gunicorn 27's control socket defaults to one path per user: two servers on a host would fight over it.
        "control_socket_disable": True,
        "loglevel": settings.log_level.lower(),
        # Connections opened before the fork must not be shared by the workers.
        "post_fork": lambda _server, _worker: runtime.database.dispose(),
    }
    _Gunicorn(runtime, options).run()
