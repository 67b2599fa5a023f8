"""Scene generator with ground truth (numpy only: Java's `vigil eval` runs it without torch).

World: a fixed camera over a textured background (noise, slow lighting drift). Objects of
3 kinds x 4 colours enter from one side, move along a lane (left/right/up/down, slow 8 px/s or
fast 16 px/s), may stop for a few seconds, cross each other and leave.

Ground truth lives on the 1-fps samples (sample k = frame k*fps, time k seconds):
- an object is IN VIEW at sample k iff its centre is strictly inside the 128x128 frame.
  Entry/exit phases are chosen so that at every sample the centre is >= 2.4 px from an edge,
  which makes the rule unambiguous from the pixels.
- motion at sample k: the centre moved since sample k-1 (direction of travel) or it did not
  ("is stopped"). Stops start and end on whole seconds.
- at most 3 objects in view at once, at most one object per (kind, colour) at a time, and
  never two entries at the same sample (so "first"/"last" are well defined).
"""
from __future__ import annotations

import numpy as np

KINDS = ["person", "car", "ball"]
PLURAL = {"person": "people", "car": "cars", "ball": "balls"}
VERB = {"person": ("walks", "walk"), "car": ("drives", "drive"), "ball": ("rolls", "roll")}
COLOURS = ["red", "green", "blue", "yellow"]
RGB = {"red": (205, 40, 40), "green": (40, 175, 60), "blue": (45, 75, 215), "yellow": (225, 205, 40)}
DIRS = ["left", "right", "up", "down"]
SPEEDS = [8.0, 16.0]  # px/s; 128 is a multiple of both, so exit keeps the entry phase
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SIZE = 128
LANES = [22, 50, 78, 106]
QTYPES = ["first", "last", "count", "colour", "seen", "direction"]
# half extent along x, y of each kind's body
HALF = {"person": (5, 12), "car": (13, 6), "ball": (7, 7)}

SPECIALS = ["<pad>", "<unk>", "<eos>", "<cap>", "<q>", "<a>"]
WORDS = (["a", "the", "scene", "is", "empty", "and", "are", "stopped"] + KINDS
         + [PLURAL[k] for k in KINDS] + [v for k in KINDS for v in VERB[k]] + COLOURS + DIRS
         + ["what", "entered", "first", "last", "how", "many", "have", "appeared", "colour",
            "was", "ever", "seen", "which", "way", "did", "go", "yes", "no", "none"] + NUMBERS)
VOCAB = SPECIALS + list(dict.fromkeys(WORDS))


class Obj:
    """One object's trajectory. progress q(t): centre distance from the entry edge, inward."""

    def __init__(self, kind, colour, direction, speed, lane, s0, phase, stop_at=None, stop_len=0):
        self.kind, self.colour, self.dir, self.v = kind, colour, direction, speed
        self.lane, self.s0, self.phase = lane, s0, phase
        self.stop_at, self.stop_len = stop_at, stop_len
        self.rgb = None

    def q(self, t):
        tau = t - self.s0
        if self.stop_at is not None:
            tau = tau - np.clip(t - self.stop_at, 0, self.stop_len)
        return self.phase * self.v + self.v * tau

    def centre(self, t):  # (x, y) in pixels
        q = self.q(t)
        if self.dir == "right":
            return q, self.lane
        if self.dir == "left":
            return SIZE - q, self.lane
        if self.dir == "down":
            return self.lane, q
        return self.lane, SIZE - q

    def in_view(self, k):
        return 0 < self.q(k) < SIZE

    def last_sample(self):  # last sample index in view
        k = self.s0
        while self.in_view(k + 1):
            k += 1
        return k

    def moving(self, k):
        return self.q(k) != self.q(k - 1)

    def name(self):
        return f"a {self.colour} {self.kind}"


def _plan(rng, samples, dense=False):
    """Spawns objects second by second; returns the list of Obj. dense: always busy, twice the
    spawn rate (a training augmentation: more entries per video; held-out sets never use it)."""
    objs: list[Obj] = []
    busy = rng.random() < 0.75
    for s in range(samples):
        if rng.random() < 0.07:
            busy = not busy
        if not (busy or dense) or rng.random() > (0.6 if dense else 0.3):
            continue
        kind, colour = KINDS[rng.integers(3)], COLOURS[rng.integers(4)]
        d = DIRS[rng.integers(4)]
        o = Obj(kind, colour, d, SPEEDS[rng.integers(2)], LANES[rng.integers(4)], s,
                rng.uniform(0.3, 0.7))
        if rng.random() < 0.35:  # a stop somewhere well inside the frame
            ks = [k for k in range(s + 1, s + 20) if 24 <= o.q(k) <= 104]
            if ks:
                o.stop_at, o.stop_len = int(rng.choice(ks)), int(rng.integers(2, 6))
        first, last = o.s0, o.last_sample()
        ok = True
        for p in objs:
            pf, pl = p.s0, p.last_sample()
            if p.s0 == s:
                ok = False  # one entry per sample
            overlap = pf - 2 <= last and first - 2 <= pl
            if overlap and (p.kind, p.colour) == (kind, colour):
                ok = False
            horiz = lambda x: x.dir in ("left", "right")
            if overlap and horiz(p) == horiz(o) and p.lane == o.lane:
                ok = False
        if ok:
            for k in range(first, last + 1):
                if sum(p.in_view(k) for p in objs) >= 3:
                    ok = False
                    break
        if ok:
            o.rgb = np.clip(np.array(RGB[colour]) + rng.integers(-18, 19, 3), 0, 255)
            objs.append(o)
    return objs


def in_caption_order(objs, k):
    """The objects in view at sample k, in the order the caption names them."""
    return sorted((o for o in objs if o.in_view(k)),
                  key=lambda o: (KINDS.index(o.kind), COLOURS.index(o.colour)))


def stopped(o, k):
    """The caption says "is stopped": in view since before k and not moved since k-1."""
    return o.s0 < k and not o.moving(k)


def caption(objs, k):
    vis = in_caption_order(objs, k)
    if not vis:
        return "the scene is empty"
    parts = []
    for o in vis:
        if stopped(o, k):
            parts.append(f"{o.name()} is stopped")
        else:
            parts.append(f"{o.name()} {VERB[o.kind][0]} {o.dir}")
    return " and ".join(parts)


def answer(objs, k, qtype, kind=None, colour=None):
    """Question text and answer about samples 0..k."""
    seen = sorted([o for o in objs if o.s0 <= k], key=lambda o: o.s0)
    if qtype == "first":
        return "what entered first", seen[0].name() if seen else "none"
    if qtype == "last":
        return "what entered last", seen[-1].name() if seen else "none"
    if qtype == "count":
        n = sum(o.kind == kind for o in seen)
        return f"how many {PLURAL[kind]} have appeared", NUMBERS[n] if n < 10 else None
    if qtype == "colour":
        m = [o for o in seen if o.kind == kind]
        return f"what colour was the last {kind}", m[-1].colour if m else "none"
    if qtype == "seen":
        m = [o for o in seen if (o.kind, o.colour) == (kind, colour)]
        return f"was a {colour} {kind} ever seen", "yes" if m else "no"
    if qtype == "direction":
        m = [o for o in seen if (o.kind, o.colour) == (kind, colour)]
        return f"which way did the last {colour} {kind} go", m[-1].dir if m else "none"
    raise ValueError(qtype)


def answer_forms():
    """The answers each question form allows (the manifest's answer_forms: a pattern over the
    normalised question, matched whole, and its answers), as answer() above produces them."""
    objects = [f"a {c} {k}" for k in KINDS for c in COLOURS]
    kind, plural = "(" + "|".join(KINDS) + ")", "(" + "|".join(PLURAL.values()) + ")"
    colour = "(" + "|".join(COLOURS) + ")"
    return [
        {"question": "what entered (first|last)", "answers": objects + ["none"]},
        {"question": f"how many {plural} have appeared", "answers": NUMBERS},
        {"question": f"what colour was the last {kind}", "answers": COLOURS + ["none"]},
        {"question": f"was a {colour} {kind} ever seen", "answers": ["yes", "no"]},
        {"question": f"which way did the last {colour} {kind} go", "answers": DIRS + ["none"]},
    ]


def _questions(rng, objs, samples, per_video):
    out = []
    ks = sorted(rng.choice(np.arange(samples), size=min(per_video, samples), replace=False))
    for k in ks:
        k = int(k)
        qtype = QTYPES[rng.integers(len(QTYPES))]
        seen = [o for o in objs if o.s0 <= k]
        kind, colour = KINDS[rng.integers(3)], COLOURS[rng.integers(4)]
        if qtype in ("seen", "direction") and seen and rng.random() < 0.5:
            o = seen[rng.integers(len(seen))]  # ask about something that was there
            kind, colour = o.kind, o.colour
        if qtype in ("count", "colour") and seen and rng.random() < 0.6:
            kind = seen[rng.integers(len(seen))].kind
        q, a = answer(objs, k, qtype, kind, colour)
        if a is not None:
            out.append({"sample": k, "type": qtype, "question": q, "answer": a, "earliest": False})
    # questions about the earliest events, asked at the last sample (qa_long uses these)
    k = samples - 1
    if objs:
        o = objs[0]
        for qtype, kind, colour in (("first", None, None), ("seen", o.kind, o.colour)):
            q, a = answer(objs, k, qtype, kind, colour)
            out.append({"sample": k, "type": qtype, "question": q, "answer": a, "earliest": True})
    return out


def _background(rng):
    base = rng.uniform(80, 160) + rng.uniform(-12, 12, 3)  # muted, low-saturation tint
    g = rng.normal(0, 1, (9, 9))
    yy = np.linspace(0, 8, SIZE)
    i0 = np.floor(yy).astype(int).clip(0, 7)
    f = yy - i0
    rows = g[i0] * (1 - f)[:, None] + g[i0 + 1] * f[:, None]  # [128, 9]
    smooth = rows[:, i0] * (1 - f)[None] + rows[:, i0 + 1] * f[None]  # [128, 128]
    fine = rng.normal(0, 1, (SIZE, SIZE))
    tex = base[None, None, :] + 18 * smooth[..., None] + 6 * fine[..., None]
    return tex.astype(np.float32)  # [128, 128, 3]


_YY, _XX = np.mgrid[0:SIZE, 0:SIZE]


def _draw(img, o, x, y):
    x, y = int(round(x)), int(round(y))
    col = o.rgb.astype(np.float32)
    if o.kind == "ball":
        m = (_XX - x) ** 2 + (_YY - y) ** 2 <= 49
        img[m] = col
        return
    hx, hy = HALF[o.kind]
    if o.kind == "person":  # body + head
        y0, y1, x0, x1 = y - 4, y + 12, x - 4, x + 4
        img[max(y0, 0):max(min(y1, SIZE), 0), max(x0, 0):max(min(x1, SIZE), 0)] = col
        m = (_XX - x) ** 2 + (_YY - (y - 8)) ** 2 <= 16
        img[m] = col * 0.85 + 30
        return
    y0, y1, x0, x1 = y - 6, y + 3, x - 13, x + 13  # car body, darker roof, wheels
    img[max(y0, 0):max(min(y1, SIZE), 0), max(x0, 0):max(min(x1, SIZE), 0)] = col
    img[max(y - 6, 0):max(min(y - 3, SIZE), 0), max(x - 7, 0):max(min(x + 7, SIZE), 0)] = col * 0.6
    for wx in (x - 8, x + 8):
        m = (_XX - wx) ** 2 + (_YY - (y + 3)) ** 2 <= 9
        img[m] = 25


def render(rng, objs, frames, fps):
    bg = _background(rng)
    period, phase = rng.uniform(60, 200), rng.uniform(0, 2 * np.pi)
    out = np.empty((frames, SIZE, SIZE, 3), np.uint8)
    order = sorted(objs, key=lambda o: {"car": 0, "person": 1, "ball": 2}[o.kind])
    for i in range(frames):
        t = i / fps
        img = bg.copy()
        for o in order:
            x, y = o.centre(t)
            hx, hy = HALF[o.kind]
            if -hx - 2 < x < SIZE + hx + 2 and -hy - 2 < y < SIZE + hy + 2:
                _draw(img, o, x, y)
        gain = 1.0 + 0.15 * np.sin(2 * np.pi * t / period + phase)
        img = img * gain + rng.normal(0, 3.0, img.shape)
        out[i] = np.clip(img, 0, 255).astype(np.uint8)
    return out


def make_video(seed, index, samples, fps=2, questions=8, with_frames=True, dense=False):
    """Returns (frames uint8 [samples*fps, 128, 128, 3] or None, truth dict, objects)."""
    rng = np.random.default_rng([seed, index])
    objs = _plan(rng, samples, dense)
    truth = {
        "width": SIZE, "height": SIZE, "fps": fps, "samples": samples, "frames": samples * fps,
        "captions": [caption(objs, k) for k in range(samples)],
        "questions": _questions(rng, objs, samples, questions),
        "objects": [{"kind": o.kind, "colour": o.colour, "dir": o.dir, "speed": o.v,
                     "enter": o.s0, "leave": o.last_sample(),
                     "stop": [o.stop_at, o.stop_len] if o.stop_at is not None else None}
                    for o in objs],
    }
    frames = render(rng, objs, samples * fps, fps) if with_frames else None
    return frames, truth, objs


def aux_targets(objs, k):
    """Per-frame targets at sample k: presence [12] and centre (x, y)/128 [12, 2] per kind x colour."""
    pres = np.zeros(12, np.float32)
    pos = np.zeros((12, 2), np.float32)
    for o in objs:
        if o.in_view(k):
            j = KINDS.index(o.kind) * 4 + COLOURS.index(o.colour)
            pres[j] = 1
            pos[j] = np.array(o.centre(k)) / SIZE
    return pres, pos
