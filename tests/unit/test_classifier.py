"""The keyword classifier on realistic residents' messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import UNCLASSIFIED, Classification, KeywordClassifier, Taxonomy, load_taxonomy

MESSAGES: list[tuple[str, str]] = [
    ("3号楼电梯坏了，物业一直不来修", "物业服务"),
    ("家里暖气一点都不热，打了好几次物业电话都没人接", "物业服务"),
    ("单元门禁卡刷不开，老人孩子都进不了楼", "物业服务"),
    ("物业费一年比一年贵，服务一点没变好", "物业服务"),
    ("楼道灯不亮好几天了，晚上黑灯瞎火的", "物业服务"),
    ("店梯又停了，我们住18楼天天爬楼梯", "物业服务"),
    ("小区垃圾桶满了好几天没人清运，臭死了", "环境卫生"),
    ("楼下垃圾分类点太脏了，苍蝇乱飞", "环境卫生"),
    ("草坪上到处是狗屎，保洁也不打扫", "环境卫生"),
    ("单元门口贴满了小广告，能不能清理一下", "环境卫生"),
    ("小区门口的路灯坏了，晚上黑灯瞎火的", "市政设施"),
    ("东门外马路上的井盖丢了，车过去很容易出事", "市政设施"),
    ("一下雨路口就积水，下水道全堵了", "市政设施"),
    ("人行道的地砖翘起来好多块，走路绊脚", "市政设施"),
    ("十字路口红绿灯不亮了，车都乱开", "市政设施"),
    ("楼上漏水到我家，找他们好几次都不管", "邻里纠纷"),
    ("楼上邻居天天半夜拖椅子跺脚，吵得睡不着", "邻里纠纷"),
    ("对门把鞋柜放在楼道，占用公共空间说了也不听", "邻里纠纷"),
    ("隔壁家的狗整夜叫，跟他说还骂人", "邻里纠纷"),
    ("我老公喝了酒就打我，我该怎么办", "家庭矛盾"),
    ("婆媳关系闹得很僵，天天在家吵架", "家庭矛盾"),
    ("儿子儿媳不赡养老人，把老母亲赶出来了", "家庭矛盾"),
    ("两口子闹离婚，孩子没人管", "家庭矛盾"),
    ("小区里外来车辆乱停乱放，业主的车位老被占", "小区治理"),
    ("广场舞音响声音太大，每天晚上跳到十点", "小区治理"),
    ("业委会选举什么时候开始，怎么报名", "小区治理"),
    ("有人在小区绿地里种菜，把草坪都毁了", "小区治理"),
    ("遛狗不拴绳，小孩被吓哭了好几次", "小区治理"),
    ("楼道里有人飞线给电动车充电，太危险了", "安全隐患"),
    ("消防通道被私家车堵死了", "安全隐患"),
    ("厨房里一股煤气味，是不是燃气泄漏了", "安全隐患"),
    ("楼上有人高空抛物，差点砸到小孩", "安全隐患"),
    ("地下室电线老化，经常冒火花", "安全隐患"),
    ("请问低保怎么申请，需要什么材料", "政策咨询"),
    ("医保异地报销怎么办理", "政策咨询"),
    ("孩子上学需要开居住证明吗", "政策咨询"),
    ("灵活就业的社保在哪里交", "政策咨询"),
    ("退休以后养老金怎么领取", "政策咨询"),
    ("我们楼有个独居老人好几天没见出门了", "养老服务"),
    ("社区有没有老年食堂，老人助餐怎么报名", "养老服务"),
    ("家里老人瘫痪在床，能不能派人上门护理", "养老服务"),
    ("困难群众冬天取暖有没有帮扶", "养老服务"),
    ("残疾人出行不方便，希望社区帮帮忙", "养老服务"),
    ("小区门口有人占道经营卖菜，堵得过不去", "综合执法"),
    ("附近工地夜间施工，吵得人睡不着", "综合执法"),
    ("一楼住户私搭乱建，把院子围起来了", "综合执法"),
    ("路边烧烤摊油烟太大，天天开到凌晨", "综合执法"),
    ("楼顶有人违建加盖了一层", "综合执法"),
]

NOT_APPEALS = ["你好", "在吗", "谢谢", "好的收到", "今天天气不错", "hello", "？？？", "[微笑]"]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def classifier(taxonomy: Taxonomy) -> KeywordClassifier:
    clf = KeywordClassifier(taxonomy)
    clf.preload()
    return clf


def test_a_broken_lift_is_property_service(classifier: KeywordClassifier) -> None:
    result = classifier.classify("3号楼电梯坏了，物业一直不来修")
    assert result.category == "物业服务"
    assert result.confidence >= 0.7
    assert "电梯" in result.keywords


@pytest.mark.parametrize(("text", "expected"), MESSAGES)
def test_a_resident_message_lands_in_its_category(classifier: KeywordClassifier, text: str, expected: str) -> None:
    result = classifier.classify(text)
    assert result.category == expected, result
    assert result.keywords, result
    assert set(result.keywords) <= set(classifier.taxonomy.category(expected).keywords)


def test_every_category_has_at_least_three_example_messages(taxonomy: Taxonomy) -> None:
    counts = {name: sum(1 for _, expected in MESSAGES if expected == name) for name in taxonomy.names}
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize("text", NOT_APPEALS)
def test_a_greeting_or_chatter_stays_unclassified(classifier: KeywordClassifier, text: str) -> None:
    assert classifier.classify(text) == Classification(UNCLASSIFIED, 0.0, (), None)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u3000"])
def test_empty_text_is_unclassified_with_zero_confidence(classifier: KeywordClassifier, text: str) -> None:
    assert classifier.classify(text) == Classification(UNCLASSIFIED, 0.0, (), None)


def test_a_lone_supporting_word_is_below_the_threshold_but_names_the_best_guess(
    classifier: KeywordClassifier,
) -> None:
    result = classifier.classify("小区的事情想问一下")
    assert result.category == UNCLASSIFIED
    assert 0.0 < result.confidence < classifier.taxonomy.threshold
    assert result.keywords == ()
    assert result.runner_up == "小区治理"


def test_a_mixed_message_is_less_certain_than_a_single_topic_one(classifier: KeywordClassifier) -> None:
    single = classifier.classify("电梯坏了三天了，物业也不来修")
    mixed = classifier.classify("电梯坏了三天了，楼道里的垃圾也没人清运")
    assert single.confidence >= 0.7
    assert classifier.taxonomy.threshold <= mixed.confidence < 0.7
    assert {mixed.category, mixed.runner_up} == {"物业服务", "环境卫生"}


def test_a_tie_goes_to_the_category_listed_first(classifier: KeywordClassifier) -> None:
    result = classifier.classify("电梯 垃圾")
    assert result.category == "物业服务"
    assert result.runner_up == "环境卫生"
    assert result.confidence == pytest.approx(classifier.classify("垃圾 电梯").confidence)


def test_keywords_are_best_first_and_at_most_five(classifier: KeywordClassifier) -> None:
    result = classifier.classify("物业费乱收费，电梯天天坏，暖气不热，水管漏水，门禁也坏了，物业没人管")
    assert result.category == "物业服务"
    assert len(result.keywords) == 5
    weights = [classifier.taxonomy.category("物业服务").keywords[word] for word in result.keywords]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] == 3.0


def test_a_word_inside_a_longer_listed_word_does_not_count(classifier: KeywordClassifier) -> None:
    assert "卫生" not in classifier.classify("卫生间漏水了，地上全是水").keywords
    assert classifier.classify("卫生间漏水了，地上全是水").category == "物业服务"
    assert classifier.classify("退休以后养老金怎么领取").category == "政策咨询"
    assert classifier.classify("加装电梯的事业主意见不统一").category == "小区治理"


def test_a_keyword_split_by_segmentation_still_matches_as_a_substring(classifier: KeywordClassifier) -> None:
    tokens = classifier.tokenize("垃圾分类点")
    assert "分类点" not in tokens
    result = classifier.classify("小区门口有人乱贴广告还乱扔垃")
    assert "乱贴" in result.keywords or "乱扔" in result.keywords


def test_full_width_and_upper_case_input_is_normalised(classifier: KeywordClassifier) -> None:
    plain = classifier.classify("3号楼电梯坏了,物业一直不来修")
    wide = classifier.classify("  ３号楼电梯坏了，物业一直不来修  ")
    assert wide == plain
    assert classifier.tokenize("ＡＢＣ小区") == classifier.tokenize("abc小区")


def test_tokenize_drops_punctuation_and_whitespace(classifier: KeywordClassifier) -> None:
    assert classifier.tokenize("电梯 坏了！！物业？") == ["电梯", "坏", "了", "物业"]


def test_the_same_text_gives_the_same_answer_every_time(taxonomy: Taxonomy, classifier: KeywordClassifier) -> None:
    other = KeywordClassifier(taxonomy)
    for text, _ in MESSAGES:
        first = classifier.classify(text)
        assert classifier.classify(text) == first
        assert other.classify(text) == first


def test_constructing_a_classifier_does_not_load_jieba(taxonomy: Taxonomy) -> None:
    clf = KeywordClassifier(taxonomy)
    assert clf._tokenizer is None
    clf.preload()
    loaded = clf._tokenizer
    clf.preload()
    assert loaded is not None and clf._tokenizer is loaded


def test_loading_jieba_prints_nothing_on_stderr(taxonomy: Taxonomy, capfd: pytest.CaptureFixture[str]) -> None:
    KeywordClassifier(taxonomy).preload()
    assert "prefix dict" not in capfd.readouterr().err


def test_a_missing_extra_userdict_is_refused_at_construction(taxonomy: Taxonomy, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        KeywordClassifier(taxonomy, userdict_paths=[tmp_path / "nope.txt"])


def test_an_extra_userdict_word_segments_as_one_token(taxonomy: Taxonomy, tmp_path: Path) -> None:
    assert "翠湖湾" not in KeywordClassifier(taxonomy).tokenize("我住翠湖湾三期")
    userdict = tmp_path / "local.txt"
    userdict.write_text("翠湖湾 500 ns\n", encoding="utf-8")
    clf = KeywordClassifier(taxonomy, userdict_paths=[userdict])
    assert "翠湖湾" in clf.tokenize("我住翠湖湾三期")


def test_a_keyword_from_another_taxonomy_file_is_used(tmp_path: Path) -> None:
    path = tmp_path / "local.toml"
    path.write_text(
        'threshold = 0.35\n'
        '[[category]]\nname = "供热服务"\nresponse_hours = 2\nresolve_hours = 24\nroute = "department:热力公司"\n'
        'keywords = { "翠湖湾锅炉房" = 3.0, "暖气" = 2.0 }\n'
        '[[category]]\nname = "其他"\nresponse_hours = 8\nresolve_hours = 72\nroute = "grid"\n'
        'keywords = { "锅炉" = 3.0 }\n',
        encoding="utf-8",
    )
    clf = KeywordClassifier(load_taxonomy(path))
    assert "翠湖湾锅炉房" in clf.tokenize("翠湖湾锅炉房又不烧了")
    result = clf.classify("翠湖湾锅炉房又不烧了")
    assert result.category == "供热服务"
    assert result.keywords == ("翠湖湾锅炉房",)
    assert result.runner_up is None
