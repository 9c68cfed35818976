"""bench/capacity.py's --configs: WEBHOSTSxPROCESSES/WORKERHOSTS, within what the namespace topology has."""

import argparse

import pytest

from tests.support.bench import bench_modules


@pytest.fixture(scope="module")
def capacity():
    with bench_modules("capacity") as (module,):
        yield module


def test_a_configuration_names_web_hosts_their_processes_and_worker_hosts(capacity):
    config = capacity.parse_config("2x3/1")
    assert (config.web_hosts, config.web_processes, config.worker_hosts) == (2, 3, 1)
    assert config.label == "2x3/1"


@pytest.mark.parametrize("text", ["3x1/1", "0x1/1", "1x0/1", "1x9/1", "1x1/0", "1x1/3"])
def test_it_refuses_more_hosts_than_the_topology_has_or_no_process(capacity, text):
    with pytest.raises(argparse.ArgumentTypeError, match="web hosts"):
        capacity.parse_config(text)


@pytest.mark.parametrize("text", ["2x2", "2/2", "x2/1", "2x2/1/1", "1x100/1", "", "２x2/1"])
def test_it_refuses_what_is_not_the_pattern(capacity, text):
    with pytest.raises(argparse.ArgumentTypeError, match="WEBHOSTSxPROCESSES/WORKERHOSTS"):
        capacity.parse_config(text)
