"""A figure that a widget redraws in place: built once, its artists updated, its picture sent to one image.

A widget that made a new figure at every move of a slider would pay for the axes, the ticks, the
labels and the legend each time, and the page would swap a whole output area. A ``LiveFigure``
is made once; the widget changes its artists (``line.set_data``, ``image.set_data``,
``text.set_text``, ``ax.set_ylim``) and calls ``show()``, which sends the new PNG to the same
``ipywidgets.Image``: the browser replaces the picture's pixels and nothing else on the page moves.

``show()`` draws in two layers (blitting). The *frame* is everything that is not marked with
``animate``: axes, ticks, labels, legend. The artists marked with ``animate`` are drawn over a
saved copy of the frame. The frame is drawn again only when it changed: when an axis limit, a
scale, a tick, a label or any other text of the frame differs from the last picture (``frame_key``),
or when the widget says so with ``frame_changed()`` after changing a frame artist by other means.
Text is most of a figure's drawing time, so moves that only change the data skip most of it.

Used without a browser (nbval, ``make html``), the image widget's last PNG is saved with the
notebook's widget state, and the static site shows it as the widget's picture.
"""
import io

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

PNG_LEVEL = 1  # zlib level 1: a few times faster than the default 6, the file about 10% larger


def live_image(width_px: float) -> W.Image:
    """The image widget a figure ``width_px`` pixels wide is shown in, at that width (a column of widgets
    would otherwise stretch it to the page's width, blurring it), narrower only on a narrow page.
    The browser test and the bench find it by its class."""
    image = W.Image(format="png", layout=W.Layout(width=f"{width_px:.0f}px", max_width="100%", height="auto"))
    image.add_class("course-figure")
    return image


class LiveFigure:
    """One matplotlib figure and the image widget that shows it.

    figsize: (width, height) in inches; image: the widget to show it in (two figures of one widget
    may share one, e.g. one per mode; default: a new one); ``subplots`` (nrows, ncols, gridspec_kw, sharex, ...) go to
    ``Figure.subplots``; ``axes`` is what that returns (one Axes or an array). The figure is drawn at
    the course style's dpi (``figure.dpi``), so it looks like every other figure of the notebook.
    """

    def __init__(self, figsize, image: W.Image | None = None, **subplots):
        self.fig = Figure(figsize=figsize)
        self.canvas = FigureCanvasAgg(self.fig)
        self.axes = self.fig.subplots(**subplots)
        for ax in self.fig.axes:
            # few ticks and no tick marks (the grid shows where they are): text is the slowest thing to draw
            ax.tick_params(length=0)
            ax.locator_params(nbins=5)
        self._image = image
        self._animated = []
        self._background, self._keys, self._boxes = None, None, {}
        self._blank, self._blank_size = None, None
        self.frames_drawn = 0  # how often the frame was drawn (the tests read it)

    @property
    def image(self) -> W.Image:
        """The image widget (made at first use, so a figure that is only drawn makes no widget)."""
        if self._image is None:
            self._image = live_image(self.fig.bbox.width)
        return self._image

    def animate(self, *artists):
        """Mark ``artists`` as changing at every redraw: drawn over the saved frame. Returns the first."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        return artists[0] if artists else None

    def forget(self, *artists):
        """Remove ``artists`` from the figure (e.g. the bars of a sentence that was replaced)."""
        for artist in artists:
            if artist in self._animated:
                self._animated.remove(artist)
            artist.remove()

    def frame_changed(self) -> None:
        """Say that a frame artist changed in a way ``frame_key`` cannot see (its data, its colour)."""
        self._keys = None

    def frame_key(self, ax=None) -> tuple:
        """What a widget usually changes in the frame of ``ax`` (of the figure's own texts when ``None``):
        size, limits, scales, ticks and every text that is not animated."""
        if ax is None:
            return (tuple(self.fig.get_size_inches()), tuple(self.fig.axes),
                    tuple(t.get_text() for t in self.fig.texts if not t.get_animated()))
        return ((ax.get_visible(), ax.get_position().bounds, ax.get_xlim(), ax.get_ylim(), ax.get_xscale(),
                 ax.get_yscale(), tuple(ax.get_xticks()), tuple(ax.get_yticks())),
                tuple((t.get_text(), t.get_visible(), tuple(np.ravel(t.get_position())))
                      for t in ax.findobj(Text) if not t.get_animated() and t.get_text()))

    def _frame_keys(self) -> dict:
        return {None: self.frame_key(), **{ax: self.frame_key(ax) for ax in self.fig.axes}}

    def render(self) -> np.ndarray:
        """Draw the picture and return its pixels ``(height, width, 4)``: the frame (all of it, or only the
        axes whose frame changed), then the animated artists over it."""
        keys = self._frame_keys()
        if self._keys is None or keys[None] != self._keys[None]:
            self._draw_frame()
        else:
            changed = [ax for ax in self.fig.axes if keys[ax] != self._keys[ax]]
            if changed:
                self._redraw_axes(changed)
            else:
                self.canvas.restore_region(self._background)
        renderer = self.canvas.get_renderer()
        for artist in sorted(self._animated, key=lambda a: a.get_zorder()):
            if artist.get_visible() and artist.figure is not None:
                artist.draw(renderer)
        return np.asarray(self.canvas.buffer_rgba())

    def _draw_frame(self) -> None:
        """Draw the whole frame (Axes.draw leaves out animated artists) and save it, and a blank figure."""
        if self._blank is None or self._blank_size != tuple(self.fig.bbox.size):
            self.canvas.get_renderer().clear()
            self.fig.patch.draw(self.canvas.get_renderer())
            self._blank, self._blank_size = self.canvas.copy_from_bbox(self.fig.bbox), tuple(self.fig.bbox.size)
        self.canvas.draw()
        self._saved()
        self.frames_drawn += 1

    def _saved(self, boxes: dict | None = None) -> None:
        """Keep the frame just drawn: its pixels, its keys (after the draw, which places the tick labels)
        and where each axes drew (``boxes``, if already known)."""
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._keys = self._frame_keys()
        if boxes is None and len(self.fig.axes) > 1:  # (one axes is always drawn whole: no boxes needed)
            renderer = self.canvas.get_renderer()
            boxes = {ax: ax.get_tightbbox(renderer) for ax in self.fig.axes}
        self._boxes = boxes or {}

    def _redraw_axes(self, changed) -> None:
        """Draw again only the axes in ``changed``, and any axes whose area touches theirs.

        The area they covered before and cover now is cleared to the blank figure and each of those axes
        drawn whole, so no pixel is drawn twice: the result is the frame a full draw would give."""
        if len(changed) == len(self.fig.axes):
            self._draw_frame()
            return
        renderer = self.canvas.get_renderer()
        self.canvas.restore_region(self._background)
        # an axes whose frame key did not change covers what it covered (bounding boxes are slow to get)
        now = {ax: ax.get_tightbbox(renderer) if ax in changed else self._boxes[ax] for ax in self.fig.axes}
        redraw = set(changed)
        while True:
            area = Bbox.union([box for ax in redraw for box in (self._boxes[ax], now[ax])])
            area = Bbox.from_extents(area.x0 - 3, area.y0 - 3, area.x1 + 3, area.y1 + 3)  # antialiased edges
            touching = {ax for ax in self.fig.axes if ax not in redraw
                        and (self._boxes[ax].overlaps(area) or now[ax].overlaps(area))}
            if not touching:
                break
            redraw |= touching
        if len(redraw) == len(self.fig.axes):
            self._draw_frame()
            return
        height = self.fig.bbox.height  # regions count rows from the top
        x0, x1 = max(0, int(area.x0)), min(int(self.fig.bbox.width), int(np.ceil(area.x1)))
        top, bottom = max(0, int(height - area.y1)), min(int(height), int(np.ceil(height - area.y0)))
        # bbox: the rectangle, rows from the top; xy: where the region's own corner goes (it starts at 0, 0)
        self.canvas.restore_region(self._blank, bbox=(x0, top, x1, bottom), xy=(0, 0))
        for ax in self.fig.axes:  # in the figure's order, as a full draw does
            if ax in redraw:
                ax.draw(renderer)
        self._saved(now)
        self.frames_drawn += 1

    def show(self) -> None:
        """Render and send the PNG to the image widget (the page swaps the picture in place)."""
        pixels = self.render()
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="png", compress_level=PNG_LEVEL)  # RGBA: no copy to drop alpha
        self.image.value = buffer.getvalue()

    def full_render(self) -> np.ndarray:
        """The same picture drawn from scratch, every artist in z-order (what ``render`` must agree with)."""
        for artist in self._animated:
            artist.set_animated(False)
        try:
            self.canvas.draw()
            return np.asarray(self.canvas.buffer_rgba()).copy()
        finally:
            for artist in self._animated:
                artist.set_animated(True)
            self._keys = None  # the saved frame is stale now: this draw included the animated artists
