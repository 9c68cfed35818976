"""Classification speed next to bare jieba.lcut on the same texts, in the same run; and the memory it takes.

    python bench/classify_speed.py [--rounds 9] [--data nlp/data/corpus/test.jsonl] [--model DIR] [--json]

Each round times, one after the other on the same messages: jieba.lcut (jieba's default tokenizer, as a
user of jieba would call it), gridbot's keyword rules alone, and the classifier the bot runs (the shipped
model combined with the rules). The target (issue 4): the classifier at least half as fast as jieba.lcut.
Every text is new to each timed pass: the pass starts with the caches of `nlp.taxonomy.normalize_text` and
`nlp.cleaning.prepare` emptied (they save folding one message three times, not work across messages). Memory is the process's resident set
(RSS, /proc/self/statm) before and after each part is loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.5


def rss_mib() -> float:
    """The resident set size of this process, in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(call: Callable[[str], Any], texts: list[str]) -> float:
    """Seconds per message over all texts, each seen for the first time."""
    from nlp.cleaning import prepare, to_simplified
    from nlp.taxonomy import normalize_text

    for cache in (normalize_text, prepare, to_simplified):
        cache.cache_clear()
    started = time.perf_counter()
    for text in texts:
        call(text)
    return (time.perf_counter() - started) / len(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "nlp" / "data" / "corpus" / "test.jsonl")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--model", type=Path, help="another model directory than the shipped one")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    memory = {"python": rss_mib()}
    import jieba

    from nlp import SHIPPED_MODEL, LinearModel, load_taxonomy
    from nlp.combined import CombinedClassifier
    from nlp.dataset import read_examples
    from nlp.loading import build_classifier

    jieba.setLogLevel(60)
    jieba.initialize()
    memory["jieba's default dictionary"] = rss_mib()
    taxonomy = load_taxonomy()
    rules = build_classifier(taxonomy, None)
    rules.preload()
    memory["gridbot's tokenizer and keyword rules"] = rss_mib()
    model = LinearModel.load(options.model or SHIPPED_MODEL)
    classifier = CombinedClassifier.for_taxonomy(model, rules)  # as bot.web.runtime builds it
    memory["the shipped model"] = rss_mib()

    texts = list(dict.fromkeys(example.text for example in read_examples(options.data, require_labels=1)))
    contenders: dict[str, Callable[[str], Any]] = {
        "jieba.lcut": jieba.lcut, "keyword rules": rules.classify, "classifier (model + rules)": classifier.classify,
    }
    for call in contenders.values():  # warm-up: caches, first-call costs
        timed(call, texts[:200])
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(options.rounds):
        for name, call in contenders.items():
            seconds[name].append(timed(call, texts))
    report = _report(options, texts, seconds, memory)
    print(json.dumps(report, ensure_ascii=False, indent=2) if options.json else _text(report))
    return 0


def _report(options: argparse.Namespace, texts: list[str], seconds: dict[str, list[float]],
            memory: dict[str, float]) -> dict[str, Any]:
    median = {name: statistics.median(values) for name, values in seconds.items()}
    baseline = median["jieba.lcut"]
    lengths = sorted(len(text) for text in texts)
    return {
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}",
        "code": _commit(),
        "texts": {"file": str(options.data), "messages": len(texts),
                  "median_length": lengths[len(lengths) // 2]},
        "rounds": options.rounds,
        "per_message_us": {name: round(value * 1e6, 1) for name, value in median.items()},
        "messages_per_second": {name: round(1 / value) for name, value in median.items()},
        "relative_to_jieba": {name: round(baseline / value, 2) for name, value in median.items()},
        "spread_us": {name: [round(min(values) * 1e6, 1), round(max(values) * 1e6, 1)]
                      for name, values in seconds.items()},
        "rss_mib": {name: round(value, 1) for name, value in memory.items()},
    }


def _text(report: dict[str, Any]) -> str:
    lines = [f"gridbot classification speed, {time.strftime('%Y-%m-%dT%H:%M:%S%z')}",
             f"machine: {report['machine']}", f"code: {report['code']}",
             f"texts: {report['texts']['messages']} messages of {report['texts']['file']} (median "
             f"{report['texts']['median_length']} characters), {report['rounds']} rounds", "",
             f"{'':28} {'µs/msg':>8} {'msg/s':>8} {'× jieba':>8}   min-max µs"]
    for name, micros in report["per_message_us"].items():
        low, high = report["spread_us"][name]
        lines.append(f"{name:28} {micros:8.1f} {report['messages_per_second'][name]:8d} "
                     f"{report['relative_to_jieba'][name]:8.2f}   {low}-{high}")
    ratio = report["relative_to_jieba"]["classifier (model + rules)"]
    lines += ["", f"classifier / jieba.lcut throughput: {ratio:.2f} (target >= {TARGET_RATIO}: "
                  f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})", "", "resident memory after loading (MiB):"]
    previous = None
    for name, value in report["rss_mib"].items():
        lines.append(f"  {name:40} {value:7.1f}" + (f"  (+{value - previous:.1f})" if previous is not None else ""))
        previous = value
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
