"""The test session's own logic: how work is split over two workers, and the closing checks."""
import kernel_records
from course_session import determinism_check, execution_check, start_rank, work_unit


def test_work_units_keep_shared_kernels_and_fixtures_together():
    cell = "notebooks/04_language_models.ipynb::Cell {}"
    assert work_unit(cell.format(0)) == work_unit(cell.format(9)) == "notebooks/04_language_models.ipynb"
    browser = "tests/test_browser.py::test_notebook_runs_in_a_browser_and_its_widget_reacts[{}.ipynb]"
    assert {work_unit(browser.format(n)) for n in ("00_start_here", "10_char_lm_sampling")} == {"tests/test_browser.py"}
    assert work_unit("tests/test_publish.py::test_a[x]") == work_unit("tests/test_publish.py::test_b")
    student = "tests/test_student.py::test_student_copy_fails_only_in_its_exercise_cells[{}]"
    assert work_unit(student.format("01_x")) != work_unit(student.format("02_y"))


def test_the_longest_units_start_first():
    seconds = {"10_char_lm_sampling": 32.2, "00_start_here": 9.1}
    ids = ["tests/test_rnn.py::test_a", "tests/test_publish.py::test_b", "notebooks/00_start_here.ipynb::Cell 0",
           "tests/test_student.py::test_student_copy_fails_only_in_its_exercise_cells[10_char_lm_sampling]",
           "notebooks/10_char_lm_sampling.ipynb::Cell 3",
           "tests/test_browser.py::test_notebook_runs_in_a_browser_and_its_widget_reacts[00_start_here.ipynb]",
           "tests/test_hub.py::test_an_idle_server_is_culled_and_ctrl_c_stops_everything"]
    ordered = sorted(ids, key=lambda nodeid: start_rank(nodeid, seconds))
    assert ordered == [ids[5], ids[6], ids[3], ids[4], ids[2], ids[1], ids[0]]


def _run(kind, value):
    return kernel_records.Run(kind, "", [{"cell": "k1"}, {"cell": "k2", "values": {"x": value, "f": None}}])


def test_determinism_check_fails_on_a_difference_or_a_missing_run():
    cells, required = {"01_a.ipynb": {"k1", "k2"}}, {"01_a.ipynb"}
    problems, summary = determinism_check([_run("nbval", "1.0"), _run("browser", "1.0")], cells, required)
    assert problems == [] and summary == "1 notebooks, 1 asserted values compared"
    problems, _ = determinism_check([_run("nbval", "1.0"), _run("headless", "1.5")], cells, required)
    assert len(problems) == 1 and "1 of 1 asserted values differ" in problems[0] and ": x\n" in problems[0]
    problems, _ = determinism_check([_run("nbval", "1.0")], cells, required)
    assert problems and "expected one nbval run and one second run" in problems[0]


def test_execution_check_allows_three_runs_besides_publishing():
    assert execution_check({"01_a.ipynb": ["nbval", "browser", "student", "publish"]})[0] == []
    problems, summary = execution_check({"01_a.ipynb": ["nbval", "browser", "student", "headless"]})
    assert problems and "executed 4 times" in problems[0] and "01_a.ipynb: 4" in summary


def test_a_value_recorded_in_one_run_only_is_a_difference():
    first = kernel_records.Run("nbval", "", [{"cell": "k1", "values": {"a": "1", "b": None, "c": None}}])
    second = kernel_records.Run("browser", "", [{"cell": "k1", "values": {"a": "1", "b": "2", "c": None}},
                                                {"cell": "k2", "values": {"d": "3"}}])
    compared, differ = kernel_records.compare(first, second)
    assert compared == 3  # a (equal), b (one side only), d (a cell the first run did not record); not c
    assert sorted(line.split(": ")[1].split("\n")[0] for line in differ) == ["b", "d"]
