"""A message naming two problems keeps the second one's category (nlp.combined.SECOND_CONFIDENT): a hint to staff."""

import pytest

from handlers.operator_texts import classified
from handlers.staff_texts import TEMPLATE_FIELDS, TEMPLATES, category_label
from nlp import SHIPPED_MODEL, LinearModel, load_taxonomy
from nlp.classifier import KeywordClassifier
from nlp.combined import CombinedClassifier
from storage.notices import StaffNewAppeal

TWO_PROBLEMS = "楼下广场舞音响太吵，小区垃圾桶满了没人清理"


@pytest.fixture(scope="module")
def rules() -> KeywordClassifier:
    return KeywordClassifier(load_taxonomy())


@pytest.fixture(scope="module")
def classifier(rules: KeywordClassifier) -> CombinedClassifier:
    return CombinedClassifier.for_taxonomy(LinearModel.load(SHIPPED_MODEL), rules)


def test_a_confident_runner_up_with_its_keywords_in_the_text_is_the_second_category(classifier) -> None:
    result = classifier.classify(TWO_PROBLEMS)
    # the two problems are said alike; which one leads is the model's near tie (0.52 / 0.44 one way, 0.51 / 0.44
    # the other since the hand corpus's noise examples were made consistent), the other is kept as the second
    assert {result.category, result.second} == {"噪音扰民", "环境卫生"}


@pytest.mark.parametrize("text", ["3号楼电梯坏了，物业一直不来修", "路灯坏了", "楼道灯坏了，楼下广场舞天天吵到十点"])
def test_one_problem_or_a_weak_runner_up_has_none(classifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.runner_up is not None and result.second is None, result


def test_an_appeal_waiting_in_the_queue_has_no_second_category(rules) -> None:
    unsure = CombinedClassifier(LinearModel.load(SHIPPED_MODEL), rules.segmenter, rules, threshold=0.99)
    result = unsure.classify(TWO_PROBLEMS)
    assert (result.category, result.second) == ("待分类", None)


def test_the_model_without_the_rules_names_no_second_category() -> None:
    model = LinearModel.load(SHIPPED_MODEL)
    alone = CombinedClassifier(model, KeywordClassifier(load_taxonomy()).segmenter)
    assert alone.classify(TWO_PROBLEMS).second is None


def test_the_label_and_the_task_card_name_the_second_category() -> None:
    assert category_label("噪音扰民", "生活噪音", "环境卫生") == "噪音扰民·生活噪音（另涉及环境卫生）"
    assert category_label("噪音扰民", None) == "噪音扰民"
    assert category_label("环境卫生", "垃圾清运", "环境卫生") == "环境卫生·垃圾清运"  # corrected to the second
    card = StaffNewAppeal(ticket="G2612030001", category="噪音扰民", subcategory="生活噪音", second_category="环境卫生",
                          grid="幸福里社区·第一网格", home="阳光花园3号楼1单元", content=TWO_PROBLEMS)
    assert "类别：噪音扰民·生活噪音（另涉及环境卫生）" in TEMPLATES[StaffNewAppeal](card)
    fields, _ = TEMPLATE_FIELDS[StaffNewAppeal](card)
    assert fields[1] == "噪音扰民·生活噪音（另涉及环境卫生）"


def test_nlp_classify_says_when_the_runner_up_is_kept_as_a_second_problem() -> None:
    kept = classified("噪音扰民", "生活噪音", 0.82, 0.25, ("环境卫生", 0.41), ("广场舞",), None, "环境卫生")
    assert "第二可能：环境卫生（0.41），作为第二个问题记在诉求上（另涉及）" in kept
    assert "另涉及" not in classified("物业服务", "电梯", 0.9, 0.25, ("市政设施", 0.05), ("电梯",), None)
