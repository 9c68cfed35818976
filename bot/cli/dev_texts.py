"""What `gridbot simulate` says when it cannot send: the demo's first command, typed by whoever tries gridbot."""

from __future__ import annotations

SAFE_AND_PLAIN = "--safe 和 --plain 只能选一个。"
SAFE_NEEDS_KEY = "--safe 需要设置 WECHAT_AES_KEY。"
LOCATION_FORMAT = "--location 要写成 纬度,经度，如 39.9,116.4。"
NOTHING_TO_SEND = "请写要发送的文字（或用 --event、--image、--location）。"
# Bytes the shell passed that are no UTF-8 (a terminal in another encoding, a script that cut a character in half).
NOT_UTF8 = "要发送的内容不是有效的 UTF-8 文字（终端编码不对，或脚本截断了一个汉字），请检查后重发。"
UNREACHABLE = "连不上 {url}：gridbot demo（或 gridbot serve）在运行吗？"
HTTP_ERROR = "回调返回了 HTTP {status}：{body}"
NO_REPLY = "（无回复：已静默确认）"
