"""LiveFigure: a widget's figure redrawn in place, its frame drawn again only when it changed."""
import io

import numpy as np
from PIL import Image

from course_utils.ui.live import LiveFigure


def _line_figure():
    live = LiveFigure((4, 3))
    line = live.animate(live.axes.plot([0, 1, 2], [0, 1, 0])[0])
    live.axes.set_xlim(0, 2)
    live.axes.set_ylim(-1, 1)
    return live, line


def test_show_sends_a_png_of_the_figure_to_its_image_widget():
    live, _line = _line_figure()
    live.show()
    picture = Image.open(io.BytesIO(live.image.value))
    assert picture.format == "PNG" and picture.size == (400, 300) and picture.mode == "RGBA"
    assert "course-figure" in live.image._dom_classes and live.image.layout.width == "400px"


def test_a_data_move_keeps_the_frame_and_a_limit_move_redraws_it():
    live, line = _line_figure()
    live.show()
    first = live.render().copy()
    line.set_ydata([0, -1, 0])
    live.show()
    assert live.frames_drawn == 1, "only the line changed: the saved frame is reused"
    assert not np.array_equal(first, live.render())
    live.axes.set_ylim(-2, 2)
    live.show()
    assert live.frames_drawn == 2, "a new limit changes the ticks: the frame is drawn again"
    live.axes.set_title("a new title")
    live.show()
    assert live.frames_drawn == 3


def test_the_picture_over_the_saved_frame_equals_a_drawing_from_scratch():
    live, line = _line_figure()  # (the line stays off the spines, which a full drawing puts over it)
    live.show()
    line.set_data([0.5, 1, 1.5], [0.5, -0.5, 0.5])
    blitted = live.render().copy()
    assert np.array_equal(blitted, live.full_render())


def test_forget_removes_an_artist_from_the_picture():
    live, _line = _line_figure()
    blank = live.render().copy()
    text = live.animate(live.axes.text(1, 0, "here", fontsize=20))
    with_text = live.render().copy()
    live.forget(text)
    assert not np.array_equal(blank, with_text) and np.array_equal(blank, live.render())
    assert text not in live.axes.texts


def test_a_figure_that_is_only_drawn_makes_no_widget():
    live, _line = _line_figure()
    live.render()
    assert live._image is None


def test_when_one_axes_changes_only_it_is_drawn_again_and_the_picture_is_the_same():
    live = LiveFigure((6, 3), ncols=2)
    left, right = live.axes
    lines = [live.animate(ax.plot([0.2, 0.5, 0.8], [0.2, 0.8, 0.2])[0]) for ax in (left, right)]
    live.render()
    right.set_ylim(-1, 2)  # the right axes' ticks change, the left axes' stay
    lines[1].set_ydata([0.5, -0.5, 1.5])
    partial = live.render().copy()
    live.frame_changed()
    assert np.array_equal(partial, live.render()), "the right axes redrawn alone differs from a full frame"


def test_the_live_loss_plot_redraws_one_figure_as_training_goes():
    from course_utils.ui.plots import LiveLoss

    live = LiveLoss("bits", every=10, smooth=5)
    history = {"bits": []}
    for step in range(1, 31):
        history["bits"].append(3.0 / step)
        live.update(step, history)
    first = live.live.image.value
    live.close(history)
    assert live.live.image.value == first, "closing after the last update draws the same picture"
    assert live.title.get_text() == "training: update 30"
    x, y = live.line.get_data()
    assert len(x) == 30 - 5 + 1 and np.isclose(y[-1], np.mean([3.0 / s for s in range(26, 31)]))
