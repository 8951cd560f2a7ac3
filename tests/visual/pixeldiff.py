"""Compare a screenshot with its baseline, pixel by pixel, and draw what changed.

The distance between two colours is pixelmatch's: a weighted distance in the YIQ
colour space, close to how different the two look. Both images are first blurred a
little (``BLUR``), so that edges antialiased differently (text or a whole page moved
by a fraction of a pixel) become nearly the same colour again, while shapes and
colours stay. A pixel has then changed when its colour is more than ``THRESHOLD``
away from every pixel around the same spot (itself and its 8 neighbours) in the
other image, both ways round. Noise does not count (measured: a page moved by half
a pixel changes no pixel); a missing 16 px icon (~300 pixels), an element moved by
2 px (~400), or a text colour changed from #151a2d to #777 (~2,400) do.
A few stray pixels (``NOISE_PIXELS``) are tolerated; images of different
sizes never match (a full-page screenshot that grew taller or wider is a layout
change), and are compared where both have pixels, from the top left.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

MAX_DELTA = 35215.0  # the YIQ distance between black and white
THRESHOLD = 0.05  # share of MAX_DELTA: a grey step of about 1/5 of the way to white
BLUR = 1.0  # px: the radius of the Gaussian blur before comparing
NOISE_PIXELS = 10
CELL = 8  # px: changed pixels are grouped into regions on a grid of this size
JOIN = 2  # cells: changes this close together make one region
SHOWN_REGIONS = 5


@dataclass(frozen=True)
class Region:
    """A box around changed pixels, in image pixels (x1, y1 exclusive)."""

    x0: int
    y0: int
    x1: int
    y1: int
    pixels: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x1, self.y1)

    def __str__(self) -> str:
        return f"x {self.x0}-{self.x1}, y {self.y0}-{self.y1} ({self.pixels} px changed)"


@dataclass
class Comparison:
    baseline_size: tuple[int, int]
    actual_size: tuple[int, int]
    changed: int = 0
    regions: list[Region] = field(default_factory=list)
    mask: np.ndarray | None = None
    """Changed pixels (where both images have pixels) on a canvas as large as both;
    None when the images are identical."""

    @property
    def same_size(self) -> bool:
        return self.baseline_size == self.actual_size

    @property
    def matches(self) -> bool:
        return self.same_size and self.changed <= NOISE_PIXELS

    def summary(self) -> str:
        (bw, bh), (aw, ah) = self.baseline_size, self.actual_size
        lines = []
        if not self.same_size:
            changes = ((aw, bw, ("narrower", "wider")), (ah, bh, ("shorter", "taller")))
            how = [f"{abs(n - o)} px {word[n > o]}" for n, o, word in changes if n != o]
            lines.append(f"size changed from {bw}x{bh} to {aw}x{ah} px ({', '.join(how)})")
        total = min(bw, aw) * min(bh, ah)
        lines.append(
            f"{self.changed} pixels changed where both have pixels "
            f"({100 * self.changed / total:.2f}%)"
        )
        return "; ".join(lines)

    def diff_image(self, baseline: Image.Image, actual: Image.Image) -> Image.Image:
        """The baseline faded to light grey, changed pixels in red, changed regions boxed."""
        assert self.mask is not None
        height, width = self.mask.shape
        canvas = Image.new("L", (width, height), 255)
        canvas.paste(baseline.convert("L"), (0, 0))
        faded = np.asarray(canvas, dtype=np.float32) * 0.3 + 255 * 0.7
        rgb = np.repeat(faded.astype(np.uint8)[:, :, None], 3, axis=2)
        outside = np.ones((height, width), dtype=bool)  # in one image only: pale blue
        outside[: min(baseline.height, actual.height), : min(baseline.width, actual.width)] = False
        rgb[outside] = (190, 210, 255)
        rgb[self.mask] = (230, 0, 0)
        image = Image.fromarray(rgb, "RGB")
        draw = ImageDraw.Draw(image)
        for region in self.regions:
            x0, y0, x1, y1 = region.box
            draw.rectangle((x0 - 3, y0 - 3, x1 + 2, y1 + 2), outline=(200, 0, 200), width=2)
        return image


def rgb_array(image: Image.Image, blur: float = 0) -> np.ndarray:
    """Opaque RGB pixels (transparency blended on white, as pixelmatch does)."""
    if image.mode in ("RGBA", "LA", "P"):
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image.convert("RGBA"))
    image = image.convert("RGB")
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(image)


def yiq(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float32)
    r, g, b = c[..., 0], c[..., 1], c[..., 2]
    return np.stack(
        [
            0.29889531 * r + 0.58662247 * g + 0.11448223 * b,
            0.59597799 * r - 0.27417610 * g - 0.32180189 * b,
            0.21147017 * r - 0.52261711 * g + 0.31114694 * b,
        ],
        axis=-1,
    )


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = a - b
    return 0.5053 * d[..., 0] ** 2 + 0.299 * d[..., 1] ** 2 + 0.1957 * d[..., 2] ** 2


def _nearest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each pixel of ``a``: the distance to the closest colour around it in ``b``."""
    height, width = a.shape[:2]
    padded = np.pad(b, ((1, 1), (1, 1), (0, 0)), mode="edge")
    best = np.full((height, width), np.inf, dtype=np.float32)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            np.minimum(best, _distance(a, padded[dy : dy + height, dx : dx + width]), out=best)
    return best


def compare(baseline: Image.Image, actual: Image.Image) -> Comparison:
    result = Comparison(baseline.size, actual.size)
    a, b = rgb_array(baseline), rgb_array(actual)
    if a.shape == b.shape and np.array_equal(a, b):
        return result
    height, width = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    mask = np.zeros((height, width), dtype=bool)  # on a canvas as large as both
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    blurred = [rgb_array(image.crop((0, 0, w, h)), BLUR) for image in (baseline, actual)]
    ya, yb = yiq(blurred[0]), yiq(blurred[1])
    limit = THRESHOLD * MAX_DELTA
    mask[:h, :w] = (_nearest(ya, yb) > limit) | (_nearest(yb, ya) > limit)
    result.mask = mask
    result.changed = int(mask.sum())
    result.regions = regions(mask)
    return result


def regions(mask: np.ndarray) -> list[Region]:
    """Boxes around groups of changed pixels, the largest first."""
    height, width = mask.shape
    rows, cols = -(-height // CELL), -(-width // CELL)
    padded = np.zeros((rows * CELL, cols * CELL), dtype=bool)
    padded[:height, :width] = mask
    cells = padded.reshape(rows, CELL, cols, CELL).sum(axis=(1, 3))
    todo = {(int(r), int(c)) for r, c in zip(*np.nonzero(cells), strict=True)}
    found = []
    while todo:
        start = todo.pop()
        queue, group = deque([start]), [start]
        while queue:
            r, c = queue.popleft()
            for dr in range(-JOIN, JOIN + 1):
                for dc in range(-JOIN, JOIN + 1):
                    near = (r + dr, c + dc)
                    if near in todo:
                        todo.remove(near)
                        queue.append(near)
                        group.append(near)
        r0, r1 = min(r for r, _ in group), max(r for r, _ in group) + 1
        c0, c1 = min(c for _, c in group), max(c for _, c in group) + 1
        sub = mask[r0 * CELL : r1 * CELL, c0 * CELL : c1 * CELL]
        ys, xs = np.nonzero(sub)
        found.append(
            Region(
                c0 * CELL + int(xs.min()),
                r0 * CELL + int(ys.min()),
                c0 * CELL + int(xs.max()) + 1,
                r0 * CELL + int(ys.max()) + 1,
                int(sum(cells[r, c] for r, c in group)),
            )
        )
    return sorted(found, key=lambda region: (-region.pixels, region.y0, region.x0))
