"""The 待分类 threshold, chosen on real labelled messages, and what the shipped model is best trained on.

    GRIDBOT_PUBLIC_DATA=../shared/data/appeals-public python bench/threshold_curve.py [--training hand+real]
        [--folds 5] [--json] [--predictions /tmp/cv.jsonl] [--kind svm --chars 1,2,3 --c 1]
        [--svm-share 0.5 [--longer-than 60 [--short-threshold 0.27]] [--partner nbsvm [--lead-apart]]]
        [--longer-than 60 --mix lr=0.45,nbsvm=0.45,cnb=0.1 [--mix ...]]

Cross-validation on the Zhejiang train split only (the test split is never looked at here): the split's
messages are cut into folds by a hash of their id; each fold is classified by the shipped kind of classifier
(model + keyword rules, as the bot runs it) trained on the other folds plus the rest of `--training`. For each
threshold it prints, on in-scope messages (not labelled 待分类), the share sent to 待分类 and the accuracy of
the rest, and on all messages the accuracy counting a 待分类-labelled message right when it falls below.

--training: hand (the hand corpus's train split) + real (the folds of the real train split) [+ kaohsiung
(every work order) | + kaohsiung4k (4,000 of them, a fixed sample by hash)] [+ unclassified (待分类-labelled
real messages train as a class of their own)]. --kind, --chars, --c: the training recipe (nlp.training.Recipe;
the shipped one by default). --svm-share W: the logistic regression's probabilities averaged with a calibrated
linear SVM's (C=1, same features), (1 - W) * p_logistic + W * p_svm, before the keyword rules' share
(nlp.training's AVERAGED kind); with --longer-than N only for messages over N characters (the shipped model:
nlp/rebuild.py). Then the curve's threshold is the averaged messages'; the others are held to --short-threshold
(the shipped logistic regression's, nlp.rebuild.THRESHOLD, unless given). --partner: with --svm-share, the SVM
averaged with: svm (LinearSVC) or nbsvm (an NB-SVM, nlp.training.NaiveBayesSVM; the shipped model's).
--lead-apart: with --svm-share, that SVM reads a long message's lead (title or first sentence) as features of
their own instead of counting it twice among the rest's (nlp.training.Recipe.lead_apart; the shipped model's).

--mix (repeatable, with --longer-than, instead of --svm-share): candidates for the long messages' average, tried
on the same folds in one run. The shipped kind's logistic regression alone classifies messages up to --longer-than
characters (held to --short-threshold); longer ones get the mix's shares of its members' probabilities, which must
add up to 1. Members: lr (that logistic regression), nbsvm (nlp.training.NaiveBayesSVM, Platt-calibrated as the
shipped model's), cnb (scikit-learn's ComplementNB, its own probabilities), nblr (naive Bayes log-count ratios as
the NB-SVM's, then a one-vs-rest liblinear logistic regression per label, C=1; its probabilities normalised);
a member with "+lead" reads a long message's lead as features of their own (nlp.features.lead_apart_features,
as --lead-apart), with "+long" it is trained only on the examples over --longer-than characters. Each mix prints
its 留 10%, the threshold the 10 % rule picks and the accuracy of the rest there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Coarse steps where nobody would put a threshold, 0.01 steps where the 10 % rule lands (about 0.27 for the
# logistic regression, 0.45-0.5 for the calibrated linear SVM).
THRESHOLDS = (0.0, 0.1, 0.15, *(round(0.2 + step / 100, 2) for step in range(41)), 0.7)
# The protocol's bound on the in-scope share sent to 待分类, and the share the quantile protocol aims at (a margin
# below the bound, since the full model's scores are not the fold models').
MOST_BELOW = 0.10
QUANTILE_SHARE = 0.095


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def training_parts(spec: str, data_dir: Path) -> tuple[list, bool]:  # type: ignore[type-arg]
    """The fixed (non-fold) training examples of a --training spec, and whether 待分类 trains as a class."""
    from nlp import public
    from nlp.retraining import shipped_corpus

    parts = spec.split("+")
    fixed = list(shipped_corpus()[0]) if "hand" in parts else []
    if "kaohsiung" in parts:
        fixed += public.kaohsiung(data_dir)
    if "kaohsiung4k" in parts:
        fixed += sorted(public.kaohsiung(data_dir), key=lambda example: _hash(example.text))[:4000]
    return fixed, "unclassified" in parts


def quantile_threshold(gold: list[str], ranked: list[tuple[str, float]], share: float) -> float:
    """The lowest confidence that sends at least `share` of the in-scope messages (gold not 待分类) below it."""
    from nlp.taxonomy import UNCLASSIFIED

    scores = sorted(score for label, (_, score) in zip(gold, ranked, strict=True) if label != UNCLASSIFIED)
    return scores[min(len(scores) - 1, math.ceil(share * len(scores)))]


def kept_accuracy(gold: list[str], ranked: list[tuple[str, float]], share: float = MOST_BELOW) -> float:
    """Accuracy of the in-scope messages left after the least sure `share` of them (README's "留 10%")."""
    from nlp.taxonomy import UNCLASSIFIED

    scoped = sorted(((score, best == label) for label, (best, score) in zip(gold, ranked, strict=True)
                     if label != UNCLASSIFIED), key=lambda item: item[0])
    kept = scoped[round(share * len(scoped)):]
    return sum(right for _, right in kept) / len(kept)


def classifier(training: list, rules, recipe):  # type: ignore[no-untyped-def, type-arg]
    from nlp.combined import CombinedClassifier
    from nlp.training import train

    return CombinedClassifier(train(training, rules.segmenter, recipe), rules.segmenter, rules)


def averages(combined, text: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the combined classifier's model averages text (held to the curve's threshold, not the short one)."""
    from nlp.cleaning import prepare

    average = combined.model.average
    return average is not None and average.share_for(prepare(text)) > 0


def recipe_of(options: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The training recipe the options name (nlp.training's default for what they leave out)."""
    from nlp.training import AVERAGED, DEFAULT_RECIPE, SVM_C, Recipe

    c = options.c if options.c is not None else SVM_C if options.kind == "svm" else DEFAULT_RECIPE.c
    chars = tuple(int(size) for size in options.chars.split(",")) if options.chars else DEFAULT_RECIPE.char_ngrams
    if options.svm_share:
        return Recipe(char_ngrams=chars, c=c, kind=AVERAGED, svm_share=options.svm_share,
                      longer_than=options.longer_than, partner=options.partner, lead_apart=options.lead_apart)
    return Recipe(char_ngrams=chars, c=c, kind=options.kind or DEFAULT_RECIPE.kind)


def is_split(averaged: list[bool]) -> bool:
    """Whether the model averages some messages and not others (then the curve sweeps only the averaged ones)."""
    return any(averaged) and not all(averaged)


def curve_of(gold: list[str], ranked: list[tuple[str, float]], averaged: list[bool], short_threshold: float):  # type: ignore[no-untyped-def]
    """The outcome of each threshold of THRESHOLDS: for the averaged messages when some are and others not (those
    held to short_threshold), else for all."""
    from nlp.metrics import threshold_outcome

    split = is_split(averaged)
    return [threshold_outcome(gold, ranked, threshold, thresholds=[
        threshold if swept else short_threshold for swept in averaged] if split else None)
        for threshold in THRESHOLDS]


# The long messages' members for --mix: each fitted on a fold's training examples, each giving every label's
# probability for a text.
MEMBERS = ("lr", "nbsvm", "cnb", "nblr")
VARIANTS = ("", "lead", "long")


def parse_mix(spec: str) -> dict[str, float]:
    """A --mix spec, member=share pairs by commas, as {member: share}; ValueError unless the members are known
    and the shares are positive and add up to 1."""
    mix: dict[str, float] = {}
    for part in spec.split(","):
        name, _, share = part.partition("=")
        kind, _, variant = name.strip().partition("+")
        if kind not in MEMBERS or variant not in VARIANTS or (kind == "lr" and variant == "long"):
            raise ValueError(f"unknown member {name.strip()!r} (members: {', '.join(MEMBERS)}, each with +lead or "
                             "+long; lr with +lead only)")
        mix[name.strip()] = float(share)
    if any(share <= 0 for share in mix.values()) or not math.isclose(sum(mix.values()), 1.0):
        raise ValueError(f"the shares of {spec!r} are not positive numbers adding up to 1")
    return mix


def naive_bayes_logistic(c: float):  # type: ignore[no-untyped-def]
    """nlp.training.NaiveBayesSVM's log-count ratios and positive weights, with a liblinear logistic regression per
    label (one-vs-rest) in place of its LinearSVC."""
    from sklearn.linear_model import LogisticRegression

    from nlp.training import NaiveBayesSVM

    class NaiveBayesLogistic(NaiveBayesSVM):
        def _binary(self, weights):  # type: ignore[no-untyped-def]
            return LogisticRegression(C=self.c, class_weight=weights, solver="liblinear", random_state=0)

    return NaiveBayesLogistic(c)


class Member:
    """One member of a --mix, fitted on examples: `probabilities(text)` gives {label: probability}."""

    def __init__(self, name: str, examples: list, segmenter, longer_than: int, matrices: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
        """`matrices`: the fold's TF-IDF (vectorizer, matrix, gold) by features and examples, shared by members."""
        import numpy as np
        from sklearn.naive_bayes import ComplementNB

        from nlp.cleaning import prepare
        from nlp.features import features, lead_apart_features
        from nlp.training import NBSVM, REGULARISATION_C, SVM_C, NaiveBayesSVM, _calibrated

        kind, _, variant = name.partition("+")
        if variant not in matrices:
            from sklearn.feature_extraction.text import TfidfVectorizer

            read = lead_apart_features if variant == "lead" else features
            chosen = [example for example in examples
                      if variant != "long" or len(prepare(example.text)) > longer_than]
            vectorizer = TfidfVectorizer(analyzer=lambda text: read(text, segmenter), sublinear_tf=True, norm="l2")
            matrices[variant] = (vectorizer, vectorizer.fit_transform([example.text for example in chosen]),
                                 [example.label for example in chosen])
        self.vectorizer, matrix, gold = matrices[variant]
        self.calibration = None
        self.kind = kind
        self._seen: dict[str, dict[str, float]] = {}
        if kind == "lr":
            from sklearn.linear_model import LogisticRegression

            self.fitted = LogisticRegression(C=REGULARISATION_C, max_iter=5000, class_weight="balanced").fit(
                matrix, gold)
        elif kind == "cnb":
            self.fitted = ComplementNB().fit(matrix, gold)
        elif kind == "nblr":
            self.fitted = naive_bayes_logistic(SVM_C).fit(matrix, gold)
        else:
            self.fitted = NaiveBayesSVM(SVM_C).fit(matrix, gold)
            self.calibration = _calibrated(matrix, gold, SVM_C, NBSVM)
        self.labels = [str(label) for label in self.fitted.classes_]
        self._np = np

    def probabilities(self, text: str) -> dict[str, float]:
        if text not in self._seen:
            np = self._np
            row = self.vectorizer.transform([text])
            if self.kind in ("lr", "cnb"):
                found = self.fitted.predict_proba(row)[0]
            else:
                values = np.asarray(row @ self.fitted.coef_.T).ravel() + self.fitted.intercept_
                if self.calibration is not None:
                    values = values * self.calibration.slope + self.calibration.offset
                found = 1.0 / (1.0 + np.exp(-values))  # each label's sigmoid, normalised below
                found = found / found.sum()
            self._seen[text] = dict(zip(self.labels, found.tolist(), strict=True))
        return self._seen[text]


class Mixed:
    """A logistic regression LinearModel that gives messages over `longer_than` characters (prepared) the mix of
    its members' probabilities (member None: the logistic regression itself); the rest it classifies alone."""

    def __init__(self, model, members: list, longer_than: int) -> None:  # type: ignore[no-untyped-def, type-arg]
        self.model = model
        self.members = members  # (Member or None, share)
        self.longer_than = longer_than
        self.labels = model.labels
        self.average = None

    def predict(self, text: str, segmenter, evidence: int = 0, tokens: list[str] | None = None):  # type: ignore[no-untyped-def]
        from operator import itemgetter

        from nlp.cleaning import prepare
        from nlp.model import Prediction

        prediction = self.model.predict(text, segmenter, evidence, tokens)
        prepared = text if tokens is not None else prepare(text)
        if len(prepared) <= self.longer_than:
            return prediction
        mixed = dict.fromkeys(self.labels, 0.0)
        for member, share in self.members:
            found = dict(prediction.ranked) if member is None else member.probabilities(prepared)
            for label in self.labels:
                mixed[label] += share * found.get(label, 0.0)
        ranked = tuple(sorted(mixed.items(), key=itemgetter(1), reverse=True))
        return Prediction(ranked, prediction.evidence, prediction.known, averaged=True)


def mixed_folds(options: argparse.Namespace, fixed: list, trainable: list, rules, mixes: list) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """Each mix's (gold, ranked, averaged) over the folds: every member a mix names fitted once per fold."""
    from nlp import public
    from nlp.cleaning import prepare
    from nlp.combined import CombinedClassifier
    from nlp.training import DEFAULT_RECIPE, train

    data_dir = Path(os.environ.get(public.ENVIRONMENT) or ROOT / public.DEFAULT_DIR)
    labelled = public.with_texts(data_dir, "train")
    names = sorted({name for mix in mixes for name in mix if name != "lr"})
    found: dict = {index: ([], [], []) for index in range(len(mixes))}  # type: ignore[type-arg]
    for fold in range(options.folds):
        held = [(item, text) for item, text in labelled if _hash(text) % options.folds == fold]
        rest = fixed + [example for example in trainable if _hash(example.text) % options.folds != fold]
        model = train(rest, rules.segmenter, DEFAULT_RECIPE)
        matrices: dict = {}  # type: ignore[type-arg]
        members = {name: Member(name, rest, rules.segmenter, options.longer_than, matrices) for name in names}
        for index, mix in enumerate(mixes):
            mixed = Mixed(model, [(members.get(name), share) for name, share in mix.items()], options.longer_than)
            combined = CombinedClassifier(mixed, rules.segmenter, rules)  # type: ignore[arg-type]
            gold, ranked, averaged = found[index]
            ranked += [combined.verdict(text).ranked[0] for _, text in held]
            averaged += [len(prepare(text)) > options.longer_than for _, text in held]
            gold += [item.label for item, _ in held]
    return found


def report_mix(spec: str, gold: list[str], ranked: list, averaged: list[bool], short_threshold: float) -> dict:  # type: ignore[type-arg]
    """A mix's 留 10%, the 10 % rule's threshold and what it does."""
    curve = [outcome.as_json() for outcome in curve_of(gold, ranked, averaged, short_threshold)]
    allowed = [row for row in curve if row["below_threshold"] <= MOST_BELOW]
    chosen = max(allowed, key=lambda row: row["threshold"]) if allowed else {}
    return {"mix": spec, "kept_accuracy_10_percent": round(kept_accuracy(gold, ranked), 4),
            "highest_threshold_within_10_percent": chosen.get("threshold"),
            **{key: chosen.get(key) for key in ("below_threshold", "accuracy_above_threshold", "accuracy_all")}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--training", default="hand+real")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--test", action="store_true", help="instead: train on everything, report the test split")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--kind", choices=("logistic", "svm"))
    parser.add_argument("--chars", help="character n-gram sizes, e.g. 1,2,3")
    parser.add_argument("--c", type=float)
    parser.add_argument("--svm-share", type=float, help="average with a calibrated linear SVM, which takes this "
                        "share (0 to 1) of the probability")
    parser.add_argument("--longer-than", type=int, default=0, help="with --svm-share: average only messages over "
                        "this many characters")
    parser.add_argument("--short-threshold", type=float, help="with --longer-than: the threshold of the messages not "
                        "averaged (default: the shipped model's, nlp.rebuild.THRESHOLD)")
    parser.add_argument("--partner", choices=("svm", "nbsvm"), default="svm", help="with --svm-share: the SVM "
                        "averaged with, a LinearSVC or an NB-SVM (default: svm)")
    parser.add_argument("--lead-apart", action="store_true", help="with --svm-share: the SVM reads a long "
                        "message's lead as features of their own")
    parser.add_argument("--mix", action="append", help="with --longer-than, instead of --svm-share: the long "
                        "messages' members and shares, e.g. lr=0.45,nbsvm=0.45,cnb=0.1 (repeat to compare several)")
    parser.add_argument("--predictions", type=Path, help="also write each message's id, label and best (label, "
                        "confidence) as JSON lines here (no texts; keep it outside the repository)")
    options = parser.parse_args()
    from nlp import load_taxonomy, public
    from nlp.classifier import KeywordClassifier
    from nlp.rebuild import THRESHOLD
    from nlp.taxonomy import UNCLASSIFIED

    data_dir = Path(os.environ.get(public.ENVIRONMENT) or ROOT / public.DEFAULT_DIR)
    rules = KeywordClassifier(load_taxonomy(), ())
    rules.preload()
    fixed, with_unclassified = training_parts(options.training, data_dir)
    recipe = recipe_of(options)
    if options.svm_share is not None and not 0 <= options.svm_share < 1:
        parser.error("--svm-share is a share from 0 to below 1")
    if options.svm_share and options.kind == "svm":
        parser.error("--svm-share averages the logistic regression with an SVM: leave out --kind svm")
    averaging = (options.longer_than or options.short_threshold is not None or options.partner != "svm"
                 or options.lead_apart)
    if averaging and not options.svm_share and not options.mix:
        parser.error("--longer-than, --short-threshold, --partner and --lead-apart go with --svm-share")
    short_threshold = THRESHOLD if options.short_threshold is None else options.short_threshold
    if options.mix:
        if (options.svm_share or options.kind or options.chars or options.c is not None or options.test
                or options.lead_apart or options.partner != "svm"):
            parser.error("--mix goes with --longer-than (and --training, --folds, --short-threshold, --json) only")
        if not options.longer_than:
            parser.error("--mix needs --longer-than: the messages up to it keep the logistic regression alone")
        try:
            mixes = [parse_mix(spec) for spec in options.mix]
        except ValueError as error:
            parser.error(str(error))
        found = mixed_folds(options, fixed, [example for example in public.zhejiang(data_dir, "train")
                                             if with_unclassified or example.label != UNCLASSIFIED], rules, mixes)
        for index, spec in enumerate(options.mix):
            row = report_mix(spec, *found[index], short_threshold)
            print(json.dumps(row, ensure_ascii=False) if options.json else
                  f"{spec}: 留 10% {row['kept_accuracy_10_percent']:.3f}; rule threshold "
                  f"{row['highest_threshold_within_10_percent']} (messages up to {options.longer_than} characters "
                  f"held to {short_threshold}): {row['below_threshold']:.1%} to 待分类, accuracy of the rest "
                  f"{row['accuracy_above_threshold']:.3f}, all {row['accuracy_all']:.3f}", flush=True)
        return 0
    real_train = public.zhejiang(data_dir, "train")
    trainable = [example for example in real_train if with_unclassified or example.label != UNCLASSIFIED]
    ranked, gold, ids, averaged = [], [], [], []
    if options.test:
        test = public.with_texts(data_dir, "test")
        model = classifier(fixed + (trainable if "real" in options.training else []), rules, recipe)
        ranked = [model.verdict(text).ranked[0] for _, text in test]
        averaged = [averages(model, text) for _, text in test]
        gold = [item.label for item, _ in test]
        ids = [item.id for item, _ in test]
    else:
        labelled = public.with_texts(data_dir, "train")
        for fold in range(options.folds):
            held = [(item, text) for item, text in labelled if _hash(text) % options.folds == fold]
            rest = [example for example in trainable if _hash(example.text) % options.folds != fold]
            model = classifier(fixed + (rest if "real" in options.training else []), rules, recipe)
            ranked += [model.verdict(text).ranked[0] for _, text in held]
            averaged += [averages(model, text) for _, text in held]
            gold += [item.label for item, _ in held]
            ids += [item.id for item, _ in held]
    if options.predictions:
        with options.predictions.open("w", encoding="utf-8") as out:
            for key, label, (best, score) in zip(ids, gold, ranked, strict=True):
                out.write(json.dumps({"id": key, "label": label, "best": best, "score": round(score, 6)},
                                     ensure_ascii=False) + "\n")
    curve = [outcome.as_json() for outcome in curve_of(gold, ranked, averaged, short_threshold)]
    allowed = [row["threshold"] for row in curve if row["below_threshold"] <= MOST_BELOW]
    split = is_split(averaged)
    swept = [(label, best) for label, best, chosen in zip(gold, ranked, averaged, strict=True) if chosen or not split]
    summary = {"highest_threshold_within_10_percent": max(allowed) if allowed else None,
               "quantile_threshold": round(quantile_threshold([label for label, _ in swept],
                                                              [best for _, best in swept], QUANTILE_SHARE), 4),
               "kept_accuracy_10_percent": round(kept_accuracy(gold, ranked), 4)}
    if options.json:
        held = {"averaged_messages": sum(averaged), "short_threshold": short_threshold} if split else {}
        print(json.dumps({"training": options.training, "recipe": str(recipe), "svm_share": options.svm_share,
                          "longer_than": options.longer_than, **held, "test": options.test, "folds": options.folds,
                          "curve": curve, **summary}, ensure_ascii=False))
        return 0
    print(f"training: {options.training}, {recipe}"
          f"{f', averaged with a calibrated {options.partner} taking {options.svm_share}' if options.svm_share else ''}"
          "; "
          f"{'test split' if options.test else f'{options.folds}-fold CV on the train split'}"
          f" ({len(gold)} messages, {sum(label != UNCLASSIFIED for label in gold)} in scope)")
    if split:
        print(f"the threshold is that of the {sum(averaged)} messages over {options.longer_than} characters, which are "
              f"averaged; the other {len(averaged) - sum(averaged)} are held to {short_threshold}")
    print(f"{'threshold':>9} {'to 待分类 (in scope)':>20} {'accuracy of the rest':>21} {'accuracy, all':>14}")
    for row in curve:
        print(f"{row['threshold']:9.2f} {row['below_threshold']:20.3f} {row['accuracy_above_threshold']:21.3f} "
              f"{row['accuracy_all']:14.3f}")
    if options.test:  # the test split reports; it never chooses a threshold
        print(f"accuracy after the least sure {MOST_BELOW:.0%} (留 10%): {summary['kept_accuracy_10_percent']:.3f}")
        return 0
    print(f"highest threshold (0.01 steps) sending at most {MOST_BELOW:.0%} of in-scope messages to 待分类: "
          f"{summary['highest_threshold_within_10_percent']}; confidence below which {QUANTILE_SHARE:.1%} of them "
          f"fall: {summary['quantile_threshold']}; accuracy after the least sure {MOST_BELOW:.0%} (留 10%): "
          f"{summary['kept_accuracy_10_percent']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
