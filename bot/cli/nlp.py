"""`gridbot nlp`: train, evaluate and try the classifier; the review queue and keyword suggestions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.clock import Clock, now_utc

if TYPE_CHECKING:
    from nlp import LinearModel
    from nlp.classifier import KeywordClassifier
    from nlp.combined import CombinedClassifier
    from nlp.dataset import Example


@click.group()
def nlp() -> None:
    """Train, evaluate and try the appeal classifier."""


@nlp.command()
@click.option("--data", "data_file", type=click.Path(path_type=Path))
@click.option("--from-db", is_flag=True)
@click.option("--only-db", is_flag=True)
@click.option("--model", "model_dir", required=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True)
@click.option("--svm", is_flag=True)
def train(data_file: Path | None, from_db: bool, only_db: bool, model_dir: Path, force: bool, svm: bool) -> None:
    """Train a model on labelled examples and save it to --model DIR.

    The new model is judged on held-out examples it never trained on (the shipped corpus's test split, a fifth
    of the database's) next to the shipped model; a model already in DIR is only replaced by one that does at
    least as well there, unless --force. --svm fits a calibrated linear SVM instead of the logistic regression.
    """
    from bot.cli.support import fail
    from handlers import operator_texts as texts
    from nlp import retraining
    from nlp.dataset import check_labels, label_counts
    from nlp.training import DEFAULT_RECIPE, SVM_RECIPE

    if only_db and data_file is not None:
        raise click.UsageError(texts.NLP_ONLY_DB_WITH_DATA)
    if _is_shipped(model_dir):
        fail(texts.NLP_NOT_INTO_SHIPPED)
    if data_file is None and not (from_db or only_db):
        raise click.UsageError(texts.NLP_NEEDS_DATA)
    rules = _rules()
    own = _read(data_file) if data_file is not None else []
    database, skipped = retraining.within(_history(), rules.taxonomy.names) if from_db or only_db else ([], 0)
    corpus = retraining.shipped_corpus() if from_db and not only_db and data_file is None else None
    if from_db or only_db:
        counted = database if only_db else [*own, *database, *(corpus[0] if corpus else [])]
        short = retraining.shortfalls(counted, rules.taxonomy.names, retraining.MIN_PER_CLASS if only_db else 1)
        if short:
            fail(texts.too_few_examples(short, only_db))
    data = retraining.assemble(own, database, corpus)
    _guard(lambda: check_labels(data.training, str(data_file or texts.NLP_FROM_DATABASE)))
    compared = _compared(model_dir)
    started = time.perf_counter()
    result = _guard(lambda: retraining.retrain(data, rules, compared, SVM_RECIPE if svm else DEFAULT_RECIPE))
    click.echo(texts.trained(len(data.training), label_counts(data.training), time.perf_counter() - started))
    if skipped:
        click.echo(texts.examples_outside_taxonomy(skipped))
    click.echo(texts.judged(result, str(model_dir)))
    if "replaced" in result.baselines and result.worse_than("replaced") and not force:
        fail(texts.not_replaced(str(model_dir)))
    result.model.save(model_dir)
    click.echo(texts.saved(str(model_dir), len(result.model.names)))


@nlp.command("eval")
@click.option("--data", "data_file", required=True, type=click.Path(path_type=Path))
@click.option("--model", "model_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def evaluate(data_file: Path, model_dir: Path | None, as_json: bool) -> None:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix on labelled examples; the share
    sent to 待分类 by the threshold and the accuracy of the rest.

    Examples labelled 待分类 (nothing in the taxonomy fits) are right when they fall below the threshold; the
    待分类 share and the accuracy of the rest are of the other examples, the in-scope ones.
    """
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
    outcome = classifier.outcome([example.label for example in examples], verdicts)
    if outcome is not None:
        report.extra.update(outcome.as_json())
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        click.echo(texts.evaluation(report))


@nlp.command()
@click.option("--model", "model_dir", type=click.Path(path_type=Path))
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
        result.category, result.subcategory, result.confidence, verdict.threshold,
        verdict.ranked[1] if len(verdict.ranked) > 1 else None,
        tuple(dict.fromkeys(verdict.keywords + verdict.evidence)), result.runner_up if unsure else None,
        result.second,
    ))


@nlp.command()
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@click.pass_obj
def review(clock: Clock | None, limit: int) -> None:
    """List the open appeals waiting in 待分类 (oldest first) with the classifier's best guess."""
    from bot.cli.support import operator_transaction
    from handlers import operator_texts as texts
    from nlp import UNCLASSIFIED
    from storage import queries

    classifier = _bots_classifier()
    with operator_transaction() as session:
        waiting = [(appeal.ticket, appeal.created_at, appeal.content)
                   for appeal in queries.review_queue(session, limit=limit)]
    if not waiting:
        click.echo(texts.REVIEW_NONE)
        return
    for ticket, created_at, content in waiting:
        result = classifier.classify(content)
        guess = result.category if result.category != UNCLASSIFIED else result.runner_up
        click.echo(texts.review_line(ticket, created_at, guess, result.confidence, content, (clock or now_utc)()))
    click.echo(texts.review_footer(len(waiting)))


@nlp.command()
@click.option("--min-count", default=2, show_default=True, type=click.IntRange(min=1))
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
    outside = sum(1 for _, label in corrected if label not in rules.taxonomy.names)
    click.echo(texts.corrections_counted(len(corrected), outside))
    if not found:
        click.echo(texts.no_suggestions(min_count))
        return
    for suggestion in found:
        click.echo(texts.suggestion(suggestion.category, suggestion.word, suggestion.count, suggestion.score))
    click.echo(texts.SUGGESTIONS_FOOTER)


def _classifier(model_dir: Path | None) -> CombinedClassifier:
    """The model in model_dir, else the one the bot uses (GRIDBOT_NLP_MODEL, unset: the shipped one), combined
    with the taxonomy's rules when its labels are the categories, else alone."""
    from bot.cli.support import fail
    from handlers import operator_texts as texts
    from nlp import LinearModel
    from nlp.retraining import classifier_for

    directory = model_dir or _configured()["nlp_model"]
    if not isinstance(directory, Path):
        fail(texts.NO_MODEL_CONFIGURED)  # GRIDBOT_NLP_MODEL=none: the bot uses the keyword rules alone
    model = _guard(lambda: LinearModel.load(directory))
    return classifier_for(model, _rules())


def _bots_classifier() -> CombinedClassifier | KeywordClassifier:
    """What the bot classifies with: the configured model with the rules, or the rules alone (none)."""
    if _configured()["nlp_model"] is None:
        return _rules()
    return _classifier(None)


def _is_shipped(model_dir: Path) -> bool:
    """Whether model_dir is the shipped model's folder, which an upgrade replaces and every comparison starts from."""
    import nlp

    return model_dir.resolve() == nlp.SHIPPED_MODEL.resolve()


def _compared(model_dir: Path) -> dict[str, LinearModel]:
    """The models a new one is judged against: the one it would replace in model_dir, the shipped one and the
    one the bot is configured with (GRIDBOT_NLP_MODEL), each once."""
    from nlp import SHIPPED_MODEL, LinearModel, ModelError

    candidates = {"replaced": model_dir, "shipped": SHIPPED_MODEL, "active": _configured()["nlp_model"]}
    found: dict[str, LinearModel] = {}
    seen: set[Path] = set()
    for name, directory in candidates.items():
        if not isinstance(directory, Path) or directory.resolve() in seen:
            continue
        seen.add(directory.resolve())
        try:
            found[name] = LinearModel.load(directory)
        except ModelError:
            continue  # an empty or new directory holds nothing to compare with
    return found


def _rules() -> KeywordClassifier:
    """The taxonomy the bot classifies by (the newest saved from the console, else GRIDBOT_TAXONOMY) with the
    configured dictionaries (GRIDBOT_USERDICT): a model trained on it knows the categories added in the console."""
    from nlp import load_taxonomy
    from nlp.classifier import KeywordClassifier
    from nlp.taxonomy import taxonomy_from_text

    configured = _configured()
    saved = _saved_taxonomy()
    taxonomy = _guard(lambda: taxonomy_from_text(saved, "the taxonomy saved from the console") if saved is not None
                      else load_taxonomy(configured["taxonomy_path"]))  # type: ignore[arg-type]
    return KeywordClassifier(taxonomy, configured["userdicts"])  # type: ignore[arg-type]


def _saved_taxonomy() -> str | None:
    """The newest taxonomy saved from the console in the configured database, if any; a database that does not
    exist yet is not created (these commands also run on a laptop with only a file of examples)."""
    from sqlalchemy.engine import make_url

    from bot.cli.support import configured
    from bot.settings import Settings
    from handlers.taxonomy_cache import saved_text
    from storage.db import Database

    url = configured(Settings.database_url_from_env)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).is_file()):
        return None
    database = Database(url)
    try:
        return saved_text(database)
    finally:
        database.dispose()


def _configured() -> dict[str, object]:
    """GRIDBOT_TAXONOMY, GRIDBOT_USERDICT and GRIDBOT_NLP_MODEL; a bad one stops the command in one line."""
    from bot.cli.support import configured
    from bot.settings import Settings

    return configured(Settings.nlp_from_env)


def _read(path: Path, require_labels: int = 2) -> list[Example]:
    from bot.sheets.examples import read_labelled

    return _guard(lambda: read_labelled(path, require_labels))


def _history() -> list[Example]:
    from bot.cli.support import operator_transaction
    from nlp.dataset import Example
    from storage import review

    with operator_transaction() as session:
        return [Example(text, label) for text, label in review.labelled_history(session)]


def _guard(action):  # type: ignore[no-untyped-def]
    """Run action; a bad file, model or taxonomy ends the command with its message (exit status 1)."""
    from bot.sheets.errors import TableFileError
    from handlers import operator_texts as texts
    from nlp import ModelError, TaxonomyError
    from nlp.dataset import DatasetError

    try:
        return action()
    except TableFileError as error:
        raise click.ClickException(str(error)) from None
    except DatasetError as error:
        raise click.ClickException(texts.dataset_problems(error)) from None
    except TaxonomyError as error:
        raise click.ClickException(texts.taxonomy_unusable(str(error))) from None
    except ModelError as error:
        raise click.ClickException(texts.model_unusable(str(error))) from None
