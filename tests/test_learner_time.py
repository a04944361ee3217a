"""Every notebook states the learner's time the estimation rule gives (CONTRIBUTING.md), at most 60 minutes."""
from pathlib import Path

import pytest

from course_tools import learner_time

NOTEBOOKS = sorted(learner_time.NOTEBOOK_DIR.glob("*.ipynb"))
RUN_SECONDS = learner_time.full_run_seconds()


def _cell(kind, text):
    return {"cell_type": kind, "source": text.splitlines(keepends=True), "metadata": {}}


def test_the_rule_counts_words_lines_exercises_widgets_and_sections():
    nb = {"cells": [
        _cell("markdown", "# Title\n\n" + "word " * 198),                    # 200 words
        _cell("code", "x = 1\n\n# a comment\ny = 2\n"),                      # 3 non-blank lines
        _cell("markdown", "### Exercise 1: do it\n" + "w " * 95),           # 100 words, 1 exercise
        _cell("code", "widgets.gate_explorer(x)\n"),                         # 1 line, 1 widget
        _cell("markdown", "## Optional: a detour\n" + "w " * 96),          # optional: 100 words
        _cell("code", "\n".join(["z = 3"] * 20)),                           # optional: 20 lines
        _cell("markdown", "## Summary\nshort"),                            # main again: 3 words
    ]}
    parts = learner_time.sections(nb)
    main, optional = learner_time.counts(parts["main"]), learner_time.counts(parts["optional"])
    assert main == {"words": 303, "code_lines": 4, "exercises": 1, "widgets": 1}
    assert optional == {"words": 100, "code_lines": 20, "exercises": 0, "widgets": 0}
    assert learner_time.minutes(main, run_seconds=60) == pytest.approx(3.03 + 0.4 + 5 + 5 + 1)
    assert learner_time.rounded(14.43) == 15 and learner_time.rounded(15.0) == 15 and learner_time.rounded(15.01) == 20


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_title_cell_states_the_rules_time_at_most_an_hour(path: Path):
    estimate = learner_time.estimate(path, RUN_SECONDS)
    stated, stated_optional = learner_time.stated_in_opening_cell(path)
    assert stated == estimate["stated"], (
        f"{path.name} states {stated} minutes, the rule gives {estimate['stated']} "
        f"({estimate['main_min']:.1f} before rounding): update its title cell "
        "(python -m course_tools.learner_time)")
    assert stated_optional == estimate["stated_optional"], (stated_optional, estimate["stated_optional"])
    assert estimate["stated"] <= 60, f"{path.name} takes {estimate['stated']} minutes: split or trim it"


def test_every_notebook_has_a_full_mode_time():
    names = {p.name for p in NOTEBOOKS}
    assert names <= set(RUN_SECONDS), sorted(names - set(RUN_SECONDS))
    stale = set(RUN_SECONDS) - names
    assert not stale, f"bench/results/notebook_times.json has rows of notebooks that no longer exist: {sorted(stale)}"
