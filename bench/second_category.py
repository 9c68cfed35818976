"""How often the second category shown on a task card (另涉及) is a problem the message really names.

    GRIDBOT_PUBLIC_DATA=../shared/data/appeals-public python bench/second_category.py [--json]

On the Zhejiang board's labelled test split (the shipped model never saw it), classified as the bot does (model +
keyword rules, the model's threshold): for runner-up scores from 0.2 to 0.4, with and without the condition that
the taxonomy's keywords of the runner-up's category are in the text, how many messages would show a second
category, how many of those are a category the labellers gave the message (its `label` or its `second`), how many
are its `second`, and how many of the messages labelled with a `second` get one of their categories shown.
The shipped rule is the row of nlp.combined.SECOND_CONFIDENT with keywords.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEVELS = (0.2, 0.25, 0.3, 0.35, 0.4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("GRIDBOT_PUBLIC_DATA") or
                                                          ROOT.parent / "shared" / "data" / "appeals-public"))
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    from nlp import SHIPPED_MODEL, LinearModel, load_taxonomy, public
    from nlp.combined import SECOND_CONFIDENT, CombinedClassifier
    from nlp.loading import build_classifier

    rules = build_classifier(load_taxonomy(), None)
    classifier = CombinedClassifier.for_taxonomy(LinearModel.load(SHIPPED_MODEL), rules)
    try:
        messages = public.with_texts(options.data, "test")
    except public.PublicDataError as error:
        print(f"{error} (set GRIDBOT_PUBLIC_DATA to the folder of the public data)", file=sys.stderr)
        return 1
    seen = []
    for labelled, text in messages:
        ranked = classifier.verdict(text).ranked
        (_, confidence), (runner_up, score) = ranked[0], ranked[1]
        if classifier.threshold is None or confidence >= classifier.threshold:
            seen.append((labelled, runner_up, score, bool(rules.keywords_of(text, runner_up))))
    named = sum(1 for labelled, *_ in seen if labelled.second)
    rows = []
    for keywords in (False, True):
        for level in LEVELS:
            shown = [(labelled, runner_up) for labelled, runner_up, score, has in seen
                     if score >= level and (has or not keywords)]
            given = [labelled for labelled, runner_up in shown if runner_up in (labelled.label, labelled.second)]
            rows.append({"runner_up_at_least": level, "keywords": keywords, "shown": len(shown),
                         "a_labelled_category": len(given),
                         "precision": round(len(given) / len(shown), 2) if shown else None,
                         "the_labelled_second": sum(1 for labelled, runner_up in shown if runner_up == labelled.second),
                         "found": sum(1 for labelled in given if labelled.second),
                         "shipped": keywords and level == SECOND_CONFIDENT})
    report = {"classified": len(seen), "labelled_with_a_second": named, "rows": rows}
    if options.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"test split: {len(seen)} messages above the threshold, {named} of them labelled with a second problem")
    print(f"{'runner-up >=':>12} {'keywords':>8} {'shown':>6} {'labelled':>8} {'precision':>9} {'= second':>8} "
          f"{'found':>6}")
    for row in rows:
        precision = "-" if row["precision"] is None else f"{row['precision']:.2f}"
        print(f"{row['runner_up_at_least']:12.2f} {'yes' if row['keywords'] else 'no':>8} {row['shown']:6d} "
              f"{row['a_labelled_category']:8d} {precision:>9} {row['the_labelled_second']:8d} "
              f"{row['found']:3d}/{named}" + ("  <- shipped" if row["shipped"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
