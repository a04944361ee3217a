import json
import math

import pytest

from course_utils.checks.claims import claim, margin


@pytest.mark.parametrize("value, op, bound, holds", [
    (1.0, ">", 0.5, True), (0.5, ">", 0.5, False), (0.5, ">=", 0.5, True),
    (0.2, "<", 0.5, True), (0.7, "<", 0.5, False), (0.5, "<=", 0.5, True),
    (math.nan, "<", 0.5, False), (math.nan, ">", 0.5, False), (0.2, "<", math.nan, False),
])
def test_claim_says_whether_the_comparison_holds(monkeypatch, value, op, bound, holds):
    monkeypatch.delenv("COURSE_CLAIMS_FILE", raising=False)
    assert claim("x", value, op, bound) is holds


def test_margin_is_positive_on_the_right_side():
    assert margin(0.3, "<", 0.5) == pytest.approx(0.2)
    assert margin(0.3, ">", 0.5) == pytest.approx(-0.2)


def test_claims_are_recorded_when_a_file_is_named(monkeypatch, tmp_path):
    path = tmp_path / "claims.jsonl"
    monkeypatch.setenv("COURSE_CLAIMS_FILE", str(path))
    monkeypatch.setenv("COURSE_SEED", "2")
    monkeypatch.setenv("COURSE_FAST", "1")
    claim("held", 3, ">=", 3)
    claim("failed", 0.9, "<", 0.8)
    held, failed = [json.loads(line) for line in path.read_text().splitlines()]
    assert held == {"name": "held", "value": 3.0, "op": ">=", "bound": 3.0, "margin": 0.0, "holds": True,
                    "seed": 2, "mode": "fast"}
    assert failed["holds"] is False and failed["margin"] == pytest.approx(-0.1)


def test_claim_names_a_bad_operator():
    with pytest.raises(ValueError, match="op must be one of"):
        claim("x", 1, "==", 1)
