"""bench/traffic.py and the benches' resident counts: every message a bench sends files an appeal of its own."""

from collections import defaultdict
from xml.etree.ElementTree import fromstring

import pytest

from bot.wechat.simulator import WeChatServer
from nlp.similarity import is_repeat
from tests.support.bench import bench_modules


@pytest.fixture(scope="module")
def bench():
    with bench_modules("traffic", "dispatch_latency") as modules:
        yield modules


def test_no_resident_repeats_an_appeal_of_theirs_however_long_the_run(bench):
    traffic, _ = bench
    server = WeChatServer("token", "wxappid", None)
    messages = traffic.Traffic(server, ("a", "b", "c"), encrypted=False)
    sent = defaultdict(list)
    for signed in messages.signed(3 * (len(traffic.APPEALS) + 5)):  # past the texts: numbered ones follow
        message = fromstring(signed.body)
        sent[message.findtext("FromUserName")].append(message.findtext("Content"))
    for texts in sent.values():
        assert len(texts) == len(traffic.APPEALS) + 5
        assert not any(is_repeat(first, second) for index, first in enumerate(texts) for second in texts[index + 1:])


def test_the_dispatch_bench_seeds_someone_in_every_building_and_no_one_over_the_hourly_limit(bench):
    traffic, dispatch_latency = bench
    assert dispatch_latency.parse_args(["--grids", "1000", "--rate", "150"]).residents == 2000
    assert dispatch_latency.parse_args(["--rate", "150", "--seconds", "100"]).residents == 1501
    assert dispatch_latency.parse_args(["--rate", "10"]).residents == 500
    assert dispatch_latency.parse_args(["--grids", "1000", "--residents", "30"]).residents == 30  # as asked
    assert traffic.residents_for(15_001) * traffic.APPEALS_PER_RESIDENT >= 15_001


def test_the_dispatch_bench_hands_the_send_lanes_to_its_workers_and_refuses_none(bench):
    _, dispatch_latency = bench
    assert dispatch_latency.parse_args(["--send-lanes", "1"]).send_lanes == 1
    assert dispatch_latency.parse_args([]).send_lanes is None  # the workers keep the project's default
    with pytest.raises(SystemExit):
        dispatch_latency.parse_args(["--send-lanes", "0"])
