"""Indicator library: the shipped reference file, validation of entries, search and best_match."""

import json
from collections import defaultdict
from decimal import Decimal

import pytest

from core.common.labels import INDICATOR_TREE
from core.goals.rules.notation import IndicatorValue, format_indicator_value, parse_indicator_value
from core.library.rules import LibraryIndicator, best_match, load_default_library, parse_library, search
from resources import path

SECTORS = ["教育", "卫生健康", "农业农村", "交通运输", "社会保障", "生态环境", "文化旅游", "公共安全", "城乡建设",
           "一般公共服务", "水利", "自然资源"]

GOOD = {"id": "T-001", "sector": "交通运输", "level1": "产出指标", "level2": "数量指标", "name": "新改建农村公路里程",
        "comparator": ">=", "unit": "公里", "typical_min": "5", "typical_max": "200", "unit_cost_min_wan": "50",
        "unit_cost_max_wan": "300", "scoring": "完成目标值得满分", "note": None}


@pytest.fixture(scope="module")
def library() -> list[LibraryIndicator]:
    return load_default_library()


def test_shipped_library_size_and_ids(library: list[LibraryIndicator]) -> None:
    assert len(library) >= 160
    assert len({e.sector for e in library}) >= 11
    assert set(SECTORS) <= {e.sector for e in library}
    assert len({e.id for e in library}) == len(library)


def test_every_sector_covers_the_tree(library: list[LibraryIndicator]) -> None:
    by_sector: dict[str, set[str]] = defaultdict(set)
    for e in library:
        by_sector[e.sector].add(e.level2)
    for sector in SECTORS:
        kinds = by_sector[sector]
        assert set(INDICATOR_TREE["产出指标"]) <= kinds, sector
        assert len(kinds & set(INDICATOR_TREE["效益指标"])) >= 2, sector
        assert "服务对象满意度指标" in kinds, sector


def test_entries_are_consistent(library: list[LibraryIndicator]) -> None:
    for e in library:
        if e.unit_cost_min_wan is not None or e.unit_cost_max_wan is not None:
            assert e.level2 == "数量指标", e.id
            assert e.unit_cost_max_wan is not None and e.unit_cost_min_wan is not None
            assert Decimal(0) < e.unit_cost_min_wan < e.unit_cost_max_wan, e.id
        if e.level1 == "满意度指标":
            assert (e.comparator, e.unit, e.typical_min, e.typical_max) == (">=", "%", 80, 100), e.id
        if e.comparator == "qual":
            assert e.typical_min is None and e.unit is None, e.id
        elif e.typical_max is not None:  # a typical target prints and reads back in the notation of the forms
            value = IndicatorValue(e.comparator, e.typical_max, None, e.unit)
            assert parse_indicator_value(format_indicator_value(value)) == value, e.id


def test_load_is_cached_but_returns_a_fresh_list(library: list[LibraryIndicator]) -> None:
    again = load_default_library()
    assert again == library and again is not library
    assert again[0] is library[0]


def test_parse_accepts_a_plain_list() -> None:
    [entry] = parse_library([GOOD])
    assert entry.unit_cost_min_wan == Decimal(50) and entry.unit == "公里" and entry.note is None


@pytest.mark.parametrize(("change", "field"), [
    ({"level1": "投入指标"}, "level1"),
    ({"level2": "质量指标", "level1": "效益指标"}, "level2"),
    ({"comparator": "≈"}, "comparator"),
    ({"name": " "}, "name"),
    ({"scoring": None}, "scoring"),
    ({"typical_min": "300", "typical_max": "200"}, "typical_min"),
    ({"typical_max": 200.5}, "typical_max"),
    ({"typical_max": "二百"}, "typical_max"),
    ({"unit_cost_min_wan": "0"}, "unit_cost_min_wan"),
    ({"unit_cost_min_wan": "400"}, "unit_cost_min_wan"),
    ({"unit_cost_max_wan": None}, "unit_cost_min_wan"),
    ({"level2": "质量指标"}, "unit_cost_min_wan"),
    ({"comparator": "qual"}, "typical_min"),
])
def test_invalid_entries_name_the_id_and_field(change: dict, field: str) -> None:
    bad = {**GOOD, "id": "BAD-007", **change}
    with pytest.raises(ValueError) as caught:
        parse_library({"indicators": [GOOD, bad]})
    message = str(caught.value)
    assert "BAD-007" in message and field in message and "第 2 条" in message


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match=r"T-001.*重复"):
        parse_library([GOOD, {**GOOD, "name": "另一条"}])


def test_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_library({"items": []})
    with pytest.raises(ValueError, match="第 1 条"):
        parse_library(["新改建农村公路里程"])


def test_search_by_partial_name_and_full_width(library: list[LibraryIndicator]) -> None:
    roads = search(library, "农村公路")
    assert roads and all(e.sector == "交通运输" for e in roads)
    assert [e.id for e in search(library, "ＥＤＵ－００１")] == ["EDU-001"]
    assert {e.id for e in search(library, "edu-001")} == {"EDU-001"}
    assert search(library, "  满意度 ", sector="水利") == [e for e in library if e.sector == "水利"
                                                           and e.level1 == "满意度指标"]
    assert all(e.level1 == "效益指标" for e in search(library, "", sector="教育", level1="效益指标"))
    assert search(library, "火星基地") == []
    assert len(search(library)) == len(library)


@pytest.mark.parametrize(("sector", "name", "unit", "expected"), [
    ("交通运输", "农村公路提档升级里程", "公里", "提档升级农村公路里程"),
    (None, "农村公路提档升级里程", "km", "提档升级农村公路里程"),
    ("交通运输", "新建改建农村公路里程", "公里", "新改建农村公路里程"),
    ("教育", "校舍维修改造面积", "㎡", "改造校舍面积"),
    ("农业农村", "高标准农田建设亩数", "亩", "高标准农田建设面积"),
    ("卫生健康", "家庭医生签约率", "%", "家庭医生签约服务覆盖率"),
    ("社会保障", "城乡居民养老保险参保率", "％", "城乡居民基本养老保险参保率"),
    ("教育", "教师培训人数", "人次", "教师培训人次"),
    ("水利", "受益群众满意度", "%", "受益群众满意度"),
])
def test_best_match_finds_the_library_entry(library: list[LibraryIndicator], sector: str | None, name: str,
                                            unit: str, expected: str) -> None:
    entry = best_match(library, sector, name, unit)
    assert entry is not None and entry.name == expected


def test_best_match_prefers_the_same_sector(library: list[LibraryIndicator]) -> None:
    entry = best_match(library, "水利", "群众满意度", "%")
    assert entry is not None and entry.sector == "水利"


@pytest.mark.parametrize(("name", "unit"), [
    ("开展读书活动", None),
    ("办公楼电梯采购", "台"),
    ("xyz", None),
    ("改造校舍面积", "公里"),  # right name, wrong unit
])
def test_best_match_returns_none_for_unrelated(library: list[LibraryIndicator], name: str,
                                               unit: str | None) -> None:
    assert best_match(library, "教育", name, unit) is None


def test_best_match_threshold_is_a_parameter(library: list[LibraryIndicator]) -> None:
    assert best_match(library, "交通运输", "公路", None, threshold=Decimal("0.01")) is not None
    assert best_match(library, "交通运输", "农村公路提档升级里程", "公里", threshold=Decimal("0.99")) is None


def test_library_cost_ranges_cover_the_demo_countys_realistic_costs() -> None:
    """The demo county prices its quantity targets from per-unit costs; the library must not call those absurd."""
    projects = json.loads(path("reference", "demo", "projects.json").read_text(encoding="utf-8"))
    library = load_default_library()
    for sector, spec in projects["sectors"].items():
        for template in spec["templates"]:
            for q in (q for q in template.get("quantity", []) if "cost" in q):
                entry = best_match(library, sector, q["name"], q["unit"], Decimal("0.8"))
                if entry is None or entry.unit_cost_min_wan is None or entry.unit_cost_max_wan is None:
                    continue
                assert entry.unit_cost_min_wan <= Decimal(str(q["cost"][0])), (entry.id, q)
                assert entry.unit_cost_max_wan >= Decimal(str(q["cost"][1])), (entry.id, q)
