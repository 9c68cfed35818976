"""What `gridbot simulate` says when it cannot send: the demo's first command, typed by whoever tries gridbot."""

from __future__ import annotations

SAFE_AND_PLAIN = "--safe 和 --plain 只能选一个。"
SAFE_NEEDS_KEY = "--safe 需要设置 WECHAT_AES_KEY。"
LOCATION_FORMAT = "--location 要写成 纬度,经度，如 39.9,116.4。"
NOTHING_TO_SEND = "请写要发送的文字（或用 --event、--image、--location）。"
UNREACHABLE = "连不上 {url}：gridbot demo（或 gridbot serve）在运行吗？"
TIMED_OUT = "{url} {seconds} 秒内没有回复（微信只等 5 秒）：回调可能卡住了或太忙，请看它的日志。"
BAD_URL = "--url 不是可用的网址：{url}（要写成 http://主机:端口/wechat）。"
HTTP_ERROR = "回调返回了 HTTP {status}：{body}"
NO_REPLY = "（无回复：已静默确认）"
PORT_UNUSABLE = "无法在 {host}:{port} 上监听（{reason}）：请用 --port 换一个端口。"
# gridbot demo: the webhook and the fake WeChat API cannot listen on one port.
API_PORT_IS_PORT = "不能和 --port 相同（都是 {port}）：网页回调和模拟微信接口各要一个端口。请换一个 --api-port，或不写它（用 --port 的下一个端口）。"
