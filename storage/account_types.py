"""The two kinds of official account (GRIDBOT_ACCOUNT_TYPE): which channels a notice may take depends on it
(storage/notice_planning.py)."""

SERVICE, SUBSCRIPTION = "service", "subscription"  # 服务号, 订阅号
ACCOUNT_TYPES = (SERVICE, SUBSCRIPTION)
