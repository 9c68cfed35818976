"""`gridbot demo`: the whole product on one machine, and the demo street it seeds."""

# The demo's webhook on its default port: where `gridbot simulate` sends unless given --url.
DEFAULT_PORT = 8000
DEFAULT_WEBHOOK = f"http://127.0.0.1:{DEFAULT_PORT}/wechat"
