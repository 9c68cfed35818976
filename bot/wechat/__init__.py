"""All that speaks WeChat: the inbound wire protocol, the one outbound API adapter, the fake API and the simulator."""
