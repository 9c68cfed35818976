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
    from handlers import operator_texts as texts
    from nlp.dataset import check_labels, label_counts
    from nlp.training import train as fit

    if data_file is None and not from_db:
        raise click.UsageError(texts.NLP_NEEDS_DATA)
    examples = _read(data_file) if data_file is not None else []
    if from_db:
        examples += _history()
    _guard(lambda: check_labels(examples, str(data_file or texts.NLP_FROM_DATABASE)))
    started = time.perf_counter()
    model = _guard(lambda: fit(examples, _segmenter()))
    model.save(model_dir)
    click.echo(texts.trained(len(examples), label_counts(examples), time.perf_counter() - started, str(model_dir),
                             len(model.names)))


@nlp.command("eval")
@click.option("--data", "data_file", required=True, type=click.Path(path_type=Path), help="labelled examples")
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def evaluate(data_file: Path, model_dir: Path | None, as_json: bool) -> None:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix on labelled examples."""
    from handlers import operator_texts as texts
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
        click.echo(texts.evaluation(report))


@nlp.command()
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help=MODEL_HELP)
@click.argument("text")
def classify(model_dir: Path | None, text: str) -> None:
    """Classify TEXT: label, confidence, runner-up and the words that decided (the taxonomy's first)."""
    from handlers import operator_texts as texts
    from nlp import UNCLASSIFIED

    classifier = _classifier(model_dir)
    result = classifier.classify(text)
    verdict = classifier.verdict(text, explain=True)
    unsure = result.category == UNCLASSIFIED
    click.echo(texts.classified(
        result.category, result.subcategory, result.confidence, classifier.threshold,
        verdict.ranked[1] if len(verdict.ranked) > 1 else None,
        tuple(dict.fromkeys(verdict.keywords + verdict.evidence)), result.runner_up if unsure else None,
    ))


@nlp.command()
@click.option("--limit", default=50, show_default=True, type=int, help="how many to list")
def review(limit: int) -> None:
    """List the open appeals waiting in 待分类 (oldest first) with the classifier's best guess."""
    from bot.cli.support import operator_transaction
    from handlers import operator_texts as texts
    from nlp import UNCLASSIFIED
    from storage import queries

    classifier = _classifier(None)
    with operator_transaction() as session:
        waiting = [(appeal.ticket, appeal.created_at, appeal.content)
                   for appeal in queries.review_queue(session, limit=limit)]
    if not waiting:
        click.echo(texts.REVIEW_NONE)
        return
    for ticket, created_at, content in waiting:
        result = classifier.classify(content)
        guess = result.category if result.category != UNCLASSIFIED else result.runner_up
        click.echo(texts.review_line(ticket, created_at, guess, result.confidence, content))
    click.echo(texts.review_footer(len(waiting)))


@nlp.command()
@click.option("--min-count", default=2, show_default=True, type=int,
              help="corrected texts of a category a word must appear in")
def suggest(min_count: int) -> None:
    """Suggest new taxonomy keywords per category from operators' corrections."""
    from bot.cli.support import operator_transaction
    from handlers import operator_texts as texts
    from nlp.suggest import suggest_keywords
    from storage import review as corrections

    with operator_transaction() as session:
        corrected = [(text, label) for text, label, _ in corrections.corrections(session)]
    rules = _rules()
    found = suggest_keywords(corrected, rules.taxonomy, rules.segmenter, min_count=min_count)
    click.echo(texts.corrections_counted(len(corrected)))
    if not found:
        click.echo(texts.no_suggestions(min_count))
        return
    for suggestion in found:
        click.echo(texts.suggestion(suggestion.category, suggestion.word, suggestion.count, suggestion.score))
    click.echo(texts.SUGGESTIONS_FOOTER)


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
    from bot.cli.support import configured as read_configured
    from bot.settings import Settings
    from nlp import load_taxonomy
    from nlp.classifier import KeywordClassifier

    configured = read_configured(Settings.nlp_from_env)
    taxonomy = _guard(lambda: load_taxonomy(configured["taxonomy_path"]))  # type: ignore[arg-type]
    return KeywordClassifier(taxonomy, configured["userdicts"])  # type: ignore[arg-type]


def _read(path: Path, require_labels: int = 2) -> list[Example]:
    from nlp.dataset import read_examples

    return _guard(lambda: read_examples(path, require_labels))


def _history() -> list[Example]:
    from bot.cli.support import operator_transaction
    from nlp.dataset import Example
    from storage import review

    with operator_transaction() as session:
        return [Example(text, label) for text, label in review.labelled_history(session)]


def _guard(action):  # type: ignore[no-untyped-def]
    """Run action; a bad file, model or taxonomy ends the command with its message (exit status 1)."""
    from handlers import operator_texts as texts
    from nlp import ModelError, TaxonomyError
    from nlp.dataset import DatasetError

    try:
        return action()
    except DatasetError as error:
        raise click.ClickException(texts.dataset_problems(error)) from None
    except (ModelError, TaxonomyError) as error:
        raise click.ClickException(str(error)) from None
