"""`gridbot nlp`: train, evaluate and try the classifier; the review queue and keyword suggestions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from nlp.classifier import KeywordClassifier
    from nlp.combined import CombinedClassifier
    from nlp.dataset import Example
    from nlp.metrics import Report
    from nlp.segmenter import Segmenter

MODEL_HELP = "model directory (default: the model shipped with gridbot)"


@click.group()
def nlp() -> None:
    """Train, evaluate and try the appeal classifier."""


@nlp.command()
@click.option("--data", "data_file", type=click.Path(path_type=Path), help="labelled examples: .jsonl or .csv")
@click.option("--from-db", is_flag=True, help="also learn from the database: operators' corrections and "
                                               "appeals that were resolved under their category")
@click.option("--model", "model_dir", required=True, type=click.Path(path_type=Path), help="where to save it")
def train(data_file: Path | None, from_db: bool, model_dir: Path) -> None:
    """Train a model on labelled examples and save it to --model DIR."""
    from nlp.dataset import check_labels, label_counts
    from nlp.training import train as fit

    if data_file is None and not from_db:
        raise click.UsageError("give --data FILE, --from-db, or both")
    examples = _read(data_file) if data_file is not None else []
    if from_db:
        examples += _history()
    _guard(lambda: check_labels(examples, str(data_file or "the database")))
    started = time.perf_counter()
    model = _guard(lambda: fit(examples, _segmenter()))
    model.save(model_dir)
    counts = label_counts(examples)
    click.echo(f"trained on {len(examples)} examples, {len(counts)} labels, in {time.perf_counter() - started:.1f} s")
    click.echo("  " + ", ".join(f"{label} {count}" for label, count in counts.items()))
    click.echo(f"saved to {model_dir} ({len(model.names)} features)")


@nlp.command("eval")
@click.option("--data", "data_file", required=True, type=click.Path(path_type=Path), help="labelled examples")
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def evaluate(data_file: Path, model_dir: Path | None, as_json: bool) -> None:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix on labelled examples."""
    from nlp.metrics import evaluate as score

    examples = _read(data_file, require_labels=1)
    classifier = _classifier(model_dir)
    classifier.preload()
    started = time.perf_counter()
    verdicts = [classifier.verdict(example.text) for example in examples]
    elapsed = time.perf_counter() - started
    report = score([example.label for example in examples], [verdict.ranked[0][0] for verdict in verdicts])
    report.extra["messages_per_second"] = round(len(examples) / elapsed, 1) if elapsed else None
    if classifier.threshold is not None:
        below = sum(1 for verdict in verdicts if verdict.ranked[0][1] < classifier.threshold)
        report.extra["below_threshold"] = {"threshold": classifier.threshold, "share": round(below / report.n, 4)}
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        click.echo(_report_text(report))


@nlp.command()
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help=MODEL_HELP)
@click.argument("text")
def classify(model_dir: Path | None, text: str) -> None:
    """Classify TEXT: label, confidence, runner-up and the words that decided (the taxonomy's first)."""
    from nlp import UNCLASSIFIED

    classifier = _classifier(model_dir)
    result = classifier.classify(text)
    verdict = classifier.verdict(text, explain=True)
    scores = dict(verdict.ranked)
    if result.category == UNCLASSIFIED:
        click.echo(f"label:      {UNCLASSIFIED} (confidence {result.confidence:.2f} is below the threshold "
                   f"{classifier.threshold}; best guess {result.runner_up})")
    else:
        click.echo(f"label:      {result.category}" + (f" · {result.subcategory}" if result.subcategory else ""))
        click.echo(f"confidence: {result.confidence:.2f}")
    runner_up = verdict.ranked[1][0] if len(verdict.ranked) > 1 else None
    if runner_up is not None:
        click.echo(f"runner-up:  {runner_up} ({scores[runner_up]:.2f})")
    words = tuple(dict.fromkeys(verdict.keywords + verdict.evidence))
    click.echo(f"keywords:   {'、'.join(words) if words else '-'}")


@nlp.command()
@click.option("--limit", default=50, show_default=True, type=int, help="how many to list")
def review(limit: int) -> None:
    """List the open appeals waiting in 待分类 (oldest first) with the classifier's best guess."""
    from bot.cli import operator_transaction
    from nlp import UNCLASSIFIED
    from storage import review as review_queue

    classifier = _classifier(None)
    with operator_transaction() as session:
        waiting = [(appeal.ticket, appeal.created_at, appeal.content)
                   for appeal in review_queue.queue(session, None, limit)]
    if not waiting:
        click.echo("no appeals wait in 待分类")
        return
    for ticket, created_at, content in waiting:
        result = classifier.classify(content)
        guess = result.category if result.category != UNCLASSIFIED else result.runner_up
        click.echo(f"{ticket}  {created_at:%Y-%m-%d %H:%M}Z  guess {guess or '-'} ({result.confidence:.2f})  "
                   f"{content[:40]}")
    click.echo(f"{len(waiting)} appeal(s); staff correct them in the chat: 分类 <编号> <类别>")


@nlp.command()
@click.option("--min-count", default=2, show_default=True, type=int,
              help="corrected texts of a category a word must appear in")
def suggest(min_count: int) -> None:
    """Suggest new taxonomy keywords per category from operators' corrections."""
    from bot.cli import operator_transaction
    from nlp.suggest import suggest_keywords
    from storage import review as corrections

    with operator_transaction() as session:
        corrected = [(text, label) for text, label, _ in corrections.corrections(session)]
    rules = _rules()
    found = suggest_keywords(corrected, rules.taxonomy, rules.segmenter, min_count=min_count)
    click.echo(f"{len(corrected)} correction(s) in the database")
    if not found:
        click.echo(f"no word appears in {min_count} or more corrected texts of one category and is not a keyword yet")
        return
    for suggestion in found:
        click.echo(f'{suggestion.category}: "{suggestion.word}" in {suggestion.count} corrected text(s), '
                   f"log-odds {suggestion.score:+.2f}")
    click.echo("add the ones you agree with to the taxonomy file ([category.keywords] word = weight)")


def _classifier(model_dir: Path | None) -> CombinedClassifier:
    """The model combined with the taxonomy's rules when its labels are the categories, else the model alone."""
    from nlp import SHIPPED_MODEL, LinearModel
    from nlp.combined import CombinedClassifier

    rules = _rules()
    model = _guard(lambda: LinearModel.load(model_dir or SHIPPED_MODEL))
    if set(model.labels) <= set(rules.taxonomy.names):
        return CombinedClassifier(model, rules.segmenter, rules, rules.taxonomy.threshold)
    return CombinedClassifier(model, rules.segmenter)


def _segmenter() -> Segmenter:
    """Segmentation as the bot does it: the taxonomy's words and the user dictionaries."""
    return _rules().segmenter


def _rules() -> KeywordClassifier:
    """The configured taxonomy (GRIDBOT_TAXONOMY) with the configured dictionaries (GRIDBOT_USERDICT)."""
    from bot.settings import Settings, SettingsError
    from nlp import load_taxonomy
    from nlp.classifier import KeywordClassifier

    try:
        configured = Settings.nlp_from_env()
    except SettingsError as error:
        raise click.UsageError(f"configuration: {error}") from None
    taxonomy = _guard(lambda: load_taxonomy(configured["taxonomy_path"]))  # type: ignore[arg-type]
    return KeywordClassifier(taxonomy, configured["userdicts"])  # type: ignore[arg-type]


def _read(path: Path, require_labels: int = 2) -> list[Example]:
    from nlp.dataset import read_examples

    return _guard(lambda: read_examples(path, require_labels))


def _history() -> list[Example]:
    from bot.cli import operator_transaction
    from nlp.dataset import Example
    from storage import review

    with operator_transaction() as session:
        return [Example(text, label) for text, label in review.labelled_history(session)]


def _guard(action):  # type: ignore[no-untyped-def]
    """Run action; a bad file, model or taxonomy ends the command with its message (exit status 1)."""
    from nlp import ModelError, TaxonomyError
    from nlp.dataset import DatasetError

    try:
        return action()
    except (DatasetError, ModelError, TaxonomyError) as error:
        raise click.ClickException(str(error)) from None


def _report_text(report: Report) -> str:
    width = max(len(label) for label in report.labels) + 2
    lines = [f"examples: {report.n}", f"accuracy: {report.accuracy:.4f}", f"macro-F1: {report.macro_f1:.4f}"]
    if "messages_per_second" in report.extra:
        lines.append(f"speed:    {report.extra['messages_per_second']} messages/s")
    if "below_threshold" in report.extra:
        below = report.extra["below_threshold"]
        lines.append(f"below the threshold {below['threshold']} (would wait in 待分类): {below['share']:.1%}")
    lines += ["", "label".ljust(width, "\u3000") + " precision  recall      F1  support"]
    for label, scores in report.per_class.items():
        lines.append(f"{label.ljust(width, chr(0x3000))} {scores.precision:9.3f} {scores.recall:7.3f} "
                     f"{scores.f1:7.3f} {scores.support:8d}")
    lines += ["", "confusion matrix (rows: true label, columns: predicted, in the order above)"]
    for label, row in zip(report.labels, report.confusion, strict=True):
        lines.append(f"{label.ljust(width, chr(0x3000))} " + " ".join(f"{count:4d}" for count in row))
    return "\n".join(lines)
