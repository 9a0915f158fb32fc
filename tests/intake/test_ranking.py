"""The ranking mechanism on its own, with a tiny in-memory catalog (no database)."""

from quanke.intake.ranking import ItemDoc, SuggestionIndex, Synonym

ITEMS = [
    ItemDoc("REPAIR", "照明及电路维修转介", keywords=("灯泡更换", "跳闸维修"), text="灯不亮、跳闸、插座损坏"),
    ItemDoc("DRAIN", "下水道疏通转介", keywords=("下水道疏通", "马桶疏通")),
    ItemDoc("CARD", "老年人优待证办理", keywords=("老年卡",)),
    ItemDoc("CARD-LOST", "老年人优待证补换", parent="CARD", keywords=("老年卡补办",)),
    ItemDoc("DIBAO", "低保申请", keywords=("最低生活保障",)),
]


def codes(index, text, top=3):
    return [s.code for s in index.suggest(text, top=top)]


def test_names_keywords_and_pinyin_initials():
    index = SuggestionIndex(ITEMS)
    assert codes(index, "想办低保申请")[0] == "DIBAO"
    assert codes(index, "dbsq")[0] == "DIBAO"
    assert codes(index, "lnk")[0] == "CARD"
    assert codes(index, "xsdst")[0] == "DRAIN"


def test_combination_terms_and_fillers():
    index = SuggestionIndex(
        ITEMS, [Synonym("灯+憋", item_codes=("REPAIR",)), Synonym("疏通", ("疏通",), ("DRAIN",))]
    )
    assert codes(index, "灯泡憋了")[0] == "REPAIR"
    # A filler inside a separable word (疏了个通) still finds the word.
    assert codes(index, "帮忙疏了个通")[0] == "DRAIN"


def test_expansions_feed_combinations():
    index = SuggestionIndex(
        ITEMS,
        [
            Synonym("老人卡", expansions=("老年卡",)),
            Synonym("老年卡+丢", item_codes=("CARD-LOST",), weight=1.5),
        ],
    )
    top = codes(index, "老人卡丢了")
    assert top[0] == "CARD-LOST"
    assert "CARD" in top[:2], "the parent stays close behind its child"


def test_homophone_typo_lands_through_pinyin():
    index = SuggestionIndex(ITEMS)
    assert codes(index, "底保怎么办")[0] == "DIBAO"


def test_matched_words_are_reported():
    index = SuggestionIndex(ITEMS, [Synonym("灯+憋", item_codes=("REPAIR",))])
    first = index.suggest("灯泡憋了", top=1)[0]
    assert first.code == "REPAIR" and "灯+憋" in first.matched


def test_nothing_matches_nothing():
    index = SuggestionIndex(ITEMS)
    assert index.suggest("", top=5) == []
    assert index.suggest("？？？", top=5) == []


def test_an_empty_catalog_suggests_nothing():
    assert SuggestionIndex([]).suggest("低保", top=5) == []
