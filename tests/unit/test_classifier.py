"""The keyword classifier on realistic residents' messages."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from nlp import UNCLASSIFIED, Classification, KeywordClassifier, Taxonomy, load_taxonomy
from nlp.taxonomy import normalize_text

MESSAGES: list[tuple[str, str]] = [
    ("3号楼电梯坏了，物业一直不来修", "物业服务"),
    ("家里暖气一点都不热，打了好几次物业电话都没人接", "市政设施"),
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
    ("楼上邻居天天半夜拖椅子跺脚，吵得睡不着", "噪音扰民"),
    ("对门把鞋柜放在楼道，占用公共空间说了也不听", "邻里纠纷"),
    ("隔壁家的狗整夜叫，跟他说还骂人", "邻里纠纷"),
    ("我老公喝了酒就打我，我该怎么办", "家庭矛盾"),
    ("婆媳关系闹得很僵，天天在家吵架", "家庭矛盾"),
    ("儿子儿媳不赡养老人，把老母亲赶出来了", "家庭矛盾"),
    ("两口子闹离婚，孩子没人管", "家庭矛盾"),
    ("小区里外来车辆乱停乱放，业主的车位老被占", "小区治理"),
    ("广场舞音响声音太大，每天晚上跳到十点", "噪音扰民"),
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
    ("附近工地夜间施工，吵得人睡不着", "噪音扰民"),
    ("一楼住户私搭乱建，把院子围起来了", "综合执法"),
    ("路边烧烤摊油烟太大，天天开到凌晨", "综合执法"),
    ("楼顶有人违建加盖了一层", "综合执法"),
]

NOT_APPEALS = ["你好", "在吗", "谢谢", "好的收到", "今天天气不错", "hello", "？？？", "[微笑]"]


def write_taxonomy(
    path: Path, keywords: dict[str, dict[str, float]], negative: dict[str, float] | None = None
) -> Path:
    """A taxonomy file with one grid-routed category per entry; negative words go to the first category."""
    lines = ["threshold = 0.35"]
    for position, (name, words) in enumerate(keywords.items()):
        lines += ["[[category]]", f'name = "{name}"', "response_hours = 2", "resolve_hours = 24", 'route = "grid"']
        lines.append(f"keywords = {inline_table(words)}")
        if position == 0 and negative:
            lines.append(f"negative = {inline_table(negative)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def inline_table(weights: dict[str, float]) -> str:
    return "{ " + ", ".join(f'"{word}" = {weight}' for word, weight in weights.items()) + " }"


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


def test_a_tie_goes_to_the_category_listed_first(tmp_path: Path) -> None:
    first = write_taxonomy(tmp_path / "a.toml", {"甲": {"电梯": 4.0}, "乙": {"垃圾": 4.0}})
    second = write_taxonomy(tmp_path / "b.toml", {"乙": {"垃圾": 4.0}, "甲": {"电梯": 4.0}})
    for text in ("电梯旁边有垃圾", "垃圾堆在电梯旁边"):
        one = KeywordClassifier(load_taxonomy(first)).classify(text)
        other = KeywordClassifier(load_taxonomy(second)).classify(text)
        assert (one.category, one.runner_up) == ("甲", "乙")
        assert (other.category, other.runner_up) == ("乙", "甲")
        assert one.confidence == other.confidence


def test_a_negative_keyword_takes_its_weight_away(tmp_path: Path) -> None:
    path = write_taxonomy(
        tmp_path / "t.toml", {"环境卫生": {"异味": 3.0}, "市政设施": {"井盖": 1.0}}, negative={"下水道": 3.0}
    )
    clf = KeywordClassifier(load_taxonomy(path))
    assert clf.classify("楼下有异味").category == "环境卫生"
    assert clf.classify("下水道有异味").confidence == 0.0
    assert clf.classify("下水道有异味，井盖也松了").runner_up == "市政设施"


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
    assert classifier.tokenize("养老金怎么领取") == ["养老金", "怎么", "领取"]
    assert "怎么领" in classifier.classify("养老金怎么领取").keywords


def test_a_single_character_keyword_counts_only_as_a_whole_word(classifier: KeywordClassifier) -> None:
    assert "吵" in classifier.classify("晚上天天吵").keywords
    assert "吵" not in classifier.classify("楼上两口子吵架").keywords
    assert classifier.classify("我心脏不好").confidence == 0.0
    assert classifier.classify("门口卖臭豆腐").confidence == 0.0


def test_skipping_segmentation_where_it_cannot_matter_gives_the_same_matches(classifier: KeywordClassifier) -> None:
    rng = random.Random(7)
    words = sorted(classifier._index)
    filler = "的了我在有人这个来到大地说家下天去能小多好看发没只事还用，。！？ ,0123abc"
    for _ in range(2000):
        parts = [rng.choice(words) if rng.random() < 0.5 else rng.choice(filler) * rng.randint(1, 3) for _ in range(6)]
        text = "".join(parts).strip()
        assert classifier._matches(text) == matches_on_full_segmentation(classifier, text), text


def matches_on_full_segmentation(classifier: KeywordClassifier, text: str) -> list[str]:
    """The matching rule spelled out: every substring, judged against jieba's tokens of the whole text."""
    index = classifier._index
    spans, start = [], 0
    for token in classifier.segmenter.tokenizer().lcut(text, HMM=False):
        spans.append((start, start + len(token), token))
        start += len(token)
    single = {begin for begin, end, _ in spans if end - begin == 1}
    listed = [(begin, end) for begin, end, token in spans if end - begin > 1 and token in index]
    found: dict[str, None] = {}
    for begin in range(len(text)):
        for end in range(begin + 1, len(text) + 1):
            word = text[begin:end]
            if word not in index:
                continue
            if end - begin == 1:
                keep = begin in single
            else:
                keep = not any(low <= begin and end <= high and (low, high) != (begin, end) for low, high in listed)
            if keep:
                found.setdefault(word)
    return list(found)


def test_segmenting_gives_jiebas_own_tokens(classifier: KeywordClassifier) -> None:
    corpus = Path(__file__).resolve().parents[2] / "nlp" / "data" / "corpus"
    texts = [json.loads(line)["text"] for name in ("train.jsonl", "test.jsonl")
             for line in (corpus / name).read_text(encoding="utf-8").splitlines()]
    rng = random.Random(11)
    pieces = [*sorted(classifier._index)[:300], "的", "了", "ab", "3", "１２", " ", "\r\n", "\t", "，", "-", "_", "%",
              "e-mail", "號", "𠀀", "楼上楼下", "中华人民共和国"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    jieba = classifier.segmenter.tokenizer()
    for text in texts:
        for variant in (text, normalize_text(text)):
            assert classifier.segmenter.tokens(variant) == jieba.lcut(variant, HMM=False), variant


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
    assert clf.segmenter._tokenizer is None
    clf.preload()
    loaded = clf.segmenter._tokenizer
    clf.preload()
    assert loaded is not None and clf.segmenter._tokenizer is loaded


def test_importing_nlp_loads_nothing_heavy_and_preloading_prints_nothing() -> None:
    probe = (
        "import sys, nlp\n"
        "clf = nlp.KeywordClassifier(nlp.load_taxonomy())\n"
        "heavy = ('jieba', 'flask', 'wechatpy', 'rq', 'sqlalchemy', 'bot', 'handlers', 'storage')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
        "clf.preload()\n"
        "print(clf.classify('电梯坏了').category)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[]", "物业服务"]
    assert done.stderr == ""


def test_a_missing_extra_userdict_is_refused_at_construction(taxonomy: Taxonomy, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        KeywordClassifier(taxonomy, userdict_paths=[tmp_path / "nope.txt"])


def test_an_extra_userdict_word_segments_as_one_token(taxonomy: Taxonomy, tmp_path: Path) -> None:
    assert "翠湖湾" not in KeywordClassifier(taxonomy).tokenize("我住翠湖湾三期")
    userdict = tmp_path / "local.txt"
    userdict.write_text("翠湖湾 500 ns\n", encoding="utf-8")
    clf = KeywordClassifier(taxonomy, userdict_paths=[userdict])
    assert "翠湖湾" in clf.tokenize("我住翠湖湾三期")


def test_a_place_name_in_an_extra_userdict_stops_a_false_single_character_match(
    taxonomy: Taxonomy, tmp_path: Path
) -> None:
    assert KeywordClassifier(taxonomy).classify("我家在王家坑").category == "市政设施"
    userdict = tmp_path / "places.txt"
    userdict.write_text("王家坑 500 ns\n", encoding="utf-8")
    local = KeywordClassifier(taxonomy, userdict_paths=[str(userdict)])
    assert local.classify("我家在王家坑") == Classification(UNCLASSIFIED, 0.0)
    assert local.classify("王家坑这边下雨就积水").keywords == ("积水",)


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
