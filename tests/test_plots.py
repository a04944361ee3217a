import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402

from course_utils.ui import plots  # noqa: E402


def test_course_style_is_applied():
    plots.use_course_style()
    assert matplotlib.rcParams["axes.spines.top"] is False
    assert tuple(matplotlib.rcParams["figure.figsize"]) == plots.STYLE["figure.figsize"]


def test_bar_compare_writes_each_value_on_its_bar():
    fig, ax = plt.subplots()
    plots.bar_compare(ax, ["one-hot", "embedding"], [0.0, 0.8123], title="t", ylabel="cosine")
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.000", "0.812"] and ax.get_title() == "t" and ax.get_ylabel() == "cosine"
    plt.close(fig)


def test_loss_curve_and_labels():
    fig, ax = plt.subplots()
    plots.loss_curve(ax, [3.0, 2.0, 1.5], every=10)
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [0, 10, 20] and list(line.get_ydata()) == [3.0, 2.0, 1.5]
    assert ax.get_xlabel() == "step"
    plots.show(fig)
    assert not plt.fignum_exists(fig.number)
