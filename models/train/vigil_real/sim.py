"""Simulated fixed-camera scenes rendered straight into the head's input space (detfeat rows).

A video is T samples at 1 fps. Tracks: people, bicycles and motorcycles (each with a rider, who
is a person too), cars, buses, trucks, dogs (often with a walker), on a ground plane seen in
perspective (box height grows linearly with the feet's image row below a horizon), entering at
the edges or mid-frame (doors), walking left/right/up/down with turns, stops and lingering,
people who stay and wander (a share per scene, with wander=True), people who leave and come back
by the side they left (a share per scene, with returns=True: the same person, counted once by
"appeared"), parked vehicles, exits;
simulation starts 30 s before sample 0 so scenes open busy. What the detector and the encoder's
decode give for each sample is simdet.py. The truth counts an object in view when its centre is
in the frame, it is at least MIN_PX tall and at most half hidden by a nearer object.
"""
import numpy as np

from . import detfeat as df
from . import grammar as g
from .simdet import detector_rows, hovering_clutter, occlusion

AR = df.H / df.W  # a height unit in width units
NK = len(g.KINDS)
KI = {k: i for i, k in enumerate(g.KINDS)}
# height relative to a person at the same feet row, aspect (w/h in pixels) range
SHAPE = {"person": (1.0, (0.3, 0.5)), "bicycle": (0.62, (1.3, 1.9)), "motorcycle": (0.68, (1.3, 2.0)),
         "car": (0.85, (1.2, 2.6)), "truck": (1.25, (1.1, 2.5)), "bus": (1.7, (1.4, 3.6)),
         "dog": (0.32, (1.1, 1.6))}
# vehicles and dogs seen end-on (nose or tail to the camera: parked nose-in, driving toward or away
# from it): aspect (w/h in pixels) range; the SHAPE range is side-on (sim.Scene with end_on)
END_ON = {"car": (0.9, 1.3), "truck": (0.75, 1.1), "bus": (0.75, 1.0), "bicycle": (0.3, 0.55),
          "motorcycle": (0.35, 0.6), "dog": (0.45, 0.8)}
SPEED = {"person": (0.35, 1.0), "dog": (0.4, 1.4), "bicycle": (1.0, 3.0), "motorcycle": (2.0, 6.0),
         "car": (1.5, 6.0), "truck": (1.2, 4.0), "bus": (1.0, 3.0)}  # own heights per second
XB, YB = 10, 8
AUX = NK * (1 + XB + YB)
BURN = 30
HIDDEN = 0.5  # an object more than half hidden by a nearer one is not in view (the reference's rule)


class Track:
    __slots__ = ("kind", "x", "yf", "vx", "vy", "asp", "hr", "stop", "rider_of", "alive", "hist",
                 "linger", "wander", "out")

    def __init__(s, kind, x, yf, vx, vy, asp, hr):
        s.kind, s.x, s.yf, s.vx, s.vy, s.asp, s.hr = kind, x, yf, vx, vy, asp, hr
        s.stop, s.rider_of, s.alive, s.hist, s.linger, s.wander, s.out = 0, None, True, {}, 0, 0, None


class Scene:
    def __init__(self, rng, T, wander=False, returns=False, end_on=None):
        """end_on: a second random generator, or None; with it a vehicle's (and dog's) aspect
        follows its heading, from side-on (SHAPE) when it moves across the image to end-on
        (END_ON) when it moves up or down it, a parked one at any angle. Its own generator leaves
        every other draw of the scene as without it."""
        self.rng, self.T, self.wander_on, self.end_on = rng, T, wander, end_on
        self.veh_pen = 1.0  # what small size and the frame's edge cost a vehicle (simdet; make_video)
        self.false_dog = 0.0  # chance a detected person also yields a false dog row (simdet)
        self.fd_rng = None  # its own generator (make_video's false_dogs), so the rest is unchanged
        self.hover, self.hv_rng = [], None  # clutter about the floor (simdet.hovering_clutter)
        self.lk_rng = None  # clutter's second kind (simdet.leak_second), its own generator
        self.lk_cross = False  # ... and for vehicle-kind clutter, no vehicle (leak "cross")
        r = rng
        self.yh = r.uniform(-0.35, 0.3)  # horizon row (may be above the frame)
        self.h0 = r.uniform(0.14, 0.42)  # a person's height at the bottom row
        self.ytop = max(self.yh + 0.12 * (1 - self.yh), r.uniform(0.0, 0.35))  # walkable from
        kind = r.choice(["walkway", "street", "quiet", "mixed"], p=[0.4, 0.2, 0.15, 0.25])
        lp = {"walkway": (0.06, 0.4), "street": (0.02, 0.2), "quiet": (0.005, 0.06),
              "mixed": (0.03, 0.35)}[kind]
        self.rate = {"person": np.exp(r.uniform(np.log(lp[0]), np.log(lp[1])))}
        veh = {"walkway": 0.01, "street": 0.12, "quiet": 0.02, "mixed": 0.05}[kind]
        for k, f in (("car", 1.0), ("truck", 0.35), ("bus", 0.12), ("bicycle", 0.4),
                     ("motorcycle", 0.2), ("dog", 0.25)):
            self.rate[k] = veh * f * r.uniform(0, 2) * (r.random() < 0.6)
        self.rate["bicycle"] += 0.03 * (r.random() < 0.3)
        self.rate["dog"] += 0.03 * (r.random() < 0.25)
        self.gain = r.uniform(0.75, 1.3)  # old film (Market Street, realcal) .. modern stills (calib)
        # the share of people who stay a while (a plaza, a platform): many in view, few arrivals
        self.wander = r.uniform(0, 0.9) * (r.random() < 0.6) if wander else 0.0
        self.rate["person"] *= 1 - 0.8 * self.wander
        # the chance that a person who walks out comes back 3-30 s later by the same side
        self.returns = r.uniform(0.2, 0.7) if returns else 0.0
        self.away = []  # (track, the step it comes back)
        self.now = 0
        self.tracks = []
        for _ in range(r.choice(4, p=[0.35, 0.3, 0.22, 0.13])):  # parked vehicles
            k = r.choice(["car", "truck", "bus", "bicycle", "motorcycle"], p=[0.55, 0.25, 0.05, 0.1, 0.05])
            t = self.new(k, 0, 0)
            t.x, t.yf = r.uniform(-0.05, 1.05), r.uniform(self.ytop + 0.05, 1.05)
            t.vx = t.vy = 0.0
            t.stop = 10 ** 6
        self.fps = []  # static clutter read as objects: x, y, height, kind, aspect, base score, presence
        for _ in range(r.poisson(1.2)):
            x, y, hh = r.uniform(0.02, 0.98), r.uniform(self.ytop, 1.0), r.uniform(0.03, 0.25)
            ki = r.choice(NK, p=[0.5, 0.08, 0.12, 0.04, 0.02, 0.1, 0.14])
            self.fps.append((x, y, hh, ki, SHAPE[g.KINDS[ki]][1][0], r.uniform(0.12, 0.45), r.uniform(0.5, 1)))

    def height(self, t, yf=None):
        yf = t.yf if yf is None else yf
        return max(self.h0 * (yf - self.yh) / (1 - self.yh), 1e-3) * t.hr

    def new(self, kind, vx, vy):
        r = self.rng
        hr, asp = SHAPE[kind]
        t = Track(kind, 0.0, 0.0, vx, vy, r.uniform(*asp), hr * r.uniform(0.85, 1.15))
        if self.end_on is not None and kind in END_ON:
            across = abs(vx) / np.hypot(vx, vy / 0.6) if vx or vy else self.end_on.random()  # 1: side-on
            end = self.end_on.uniform(*END_ON[kind])
            t.asp = end + (t.asp - end) * across
        self.tracks.append(t)
        return t

    def spawn(self, kind):
        r = self.rng
        lo, hi = SPEED[kind]
        sp = r.uniform(lo, hi)
        mode = r.choice(["h", "v", "d", "door"], p=[0.5, 0.28, 0.1, 0.12] if kind in ("person", "dog")
                        else [0.7, 0.2, 0.1, 0.0])
        ang = {"h": r.choice([0, np.pi]) + r.normal(0, 0.12), "v": r.choice([0.5, -0.5]) * np.pi
               + r.normal(0, 0.12), "d": r.choice([0.25, 0.75, 1.25, 1.75]) * np.pi + r.normal(0, 0.1),
               "door": r.uniform(0, 2 * np.pi)}[mode]
        vx, vy = sp * np.cos(ang), sp * np.sin(ang) * 0.6  # vertical image motion foreshortened
        t = self.new(kind, vx, vy)
        if mode == "door":
            t.x, t.yf = r.uniform(0.05, 0.95), r.uniform(self.ytop + 0.05, 1.0)
            if kind == "person" and r.random() < 0.3:
                t.stop = t.linger = int(r.uniform(8, 60))
        elif abs(vx) * AR >= abs(vy):  # from the left or right edge
            t.yf = r.uniform(self.ytop + 0.03, 1.1)
            w = self.height(t) * t.asp * AR
            t.x = -w / 2 if vx > 0 else 1 + w / 2
        else:
            t.x = r.uniform(0.05, 0.95)
            t.yf = self.ytop + 0.01 if vy > 0 else 1.0 + self.height(t, 1.0) * 0.5
        if kind == "person" and self.wander_on and r.random() < self.wander:  # stays 30-200 s, slower
            t.wander, t.vx, t.vy = int(r.uniform(30, 200)), 0.6 * vx, 0.6 * vy
        if kind in ("bicycle", "motorcycle"):
            p = self.new("person", 0, 0)
            p.rider_of = t
        if kind == "dog" and r.random() < 0.7:
            p = self.new("person", 0, 0)
            p.rider_of = t  # walker: follows the dog
        return t

    def step(self):
        r = self.rng
        for t in self.tracks:
            if not t.alive or t.rider_of is not None:
                continue
            h = self.height(t)
            t.wander = max(0, t.wander - 1)
            if t.stop > 0:
                t.stop -= 1
                if t.stop == 0 and t.linger:  # a lingerer walks off
                    sp = r.uniform(*SPEED[t.kind])
                    a = r.uniform(0, 2 * np.pi)
                    t.vx, t.vy = sp * np.cos(a), sp * np.sin(a) * 0.6
                if t.kind in ("person", "dog"):
                    t.x += r.normal(0, 0.02) * h * AR
                continue
            t.x += t.vx * h * AR + r.normal(0, 0.03) * h * AR
            t.yf += t.vy * h + r.normal(0, 0.02) * h
            if t.kind in ("person", "dog", "bicycle"):
                if r.random() < (0.06 if t.wander else 0.025):
                    t.stop = int(r.uniform(2, 20 if t.wander else 15))
                if r.random() < (0.08 if t.wander else 0.02):  # turn
                    sp = np.hypot(t.vx, t.vy / 0.6)
                    a = r.choice([0, 0.5, 1, 1.5]) * np.pi + r.normal(0, 0.1)
                    t.vx, t.vy = sp * np.cos(a), sp * np.sin(a) * 0.6
            elif r.random() < 0.01:  # a vehicle parks
                t.stop = 10 ** 6
            w = h * t.asp * AR
            if t.wander and (t.x < 0.05 and t.vx < 0 or t.x > 0.95 and t.vx > 0):  # it turns back
                t.vx = -t.vx
            if t.wander and (t.yf < self.ytop + 0.05 and t.vy < 0 or t.yf > 1.0 and t.vy > 0):
                t.vy = -t.vy
            out = ("l" if t.x < -w else "r" if t.x > 1 + w else "t" if t.yf < self.ytop - 0.02
                   else "b" if t.yf - h > 1.0 else None)
            if out or r.random() < 0.004:
                t.alive = False
                if out and t.kind == "person" and self.returns and r.random() < self.returns:
                    t.out = out
                    self.away.append((t, self.now + int(r.uniform(3, 30))))
        for t in self.tracks:  # riders and walkers follow
            if t.rider_of is not None:
                o = t.rider_of
                t.alive = o.alive
                if o.kind == "dog":
                    t.x, t.yf = o.x + 0.6 * self.height(o) * AR * (1 if o.vx < 0 else -1), o.yf + 0.01
                else:
                    t.x, t.yf = o.x, o.yf - 0.15 * self.height(o) / o.hr
        for k, lam in self.rate.items():
            for _ in range(r.poisson(lam)):
                self.spawn(k)
        self.now += 1
        for t, due in [a for a in self.away if a[1] <= self.now]:
            self.away.remove((t, due))
            self.come_back(t)

    def come_back(self, t):
        """A person who left by side t.out walks back in by it (positions inside the edge band)."""
        r = self.rng
        sp, h = r.uniform(*SPEED["person"]), self.height(t)
        t.alive, t.stop, t.wander, t.linger = True, 0, 0, 0
        if t.out in "lr":
            a = (0 if t.out == "l" else np.pi) + r.normal(0, 0.3)
            t.x = -h * t.asp * AR / 2 if t.out == "l" else 1 + h * t.asp * AR / 2
        else:
            a = (0.5 if t.out == "t" else -0.5) * np.pi + r.normal(0, 0.3)
            t.yf = self.ytop + 0.01 if t.out == "t" else 1.0 + self.height(t, 1.0) * 0.5
        t.vx, t.vy = sp * np.cos(a), sp * np.sin(a) * 0.6

    def record(self, s):
        for t in self.tracks:
            if t.alive:
                h = self.height(t)
                t.hist[s] = (t.x, t.yf - h / 2, h * t.asp * AR, h)  # cx, cy, w, h (frame units)


def box_visible(b):
    cx, cy, w, h = b
    return 0 <= cx <= 1 and 0 <= cy <= 1 and h * df.H >= g.MIN_PX


def make_video(seed, T, wander=False, half=False, returns=False, end_on=False, veh_scores=False,
               false_dogs=False, hover=False, leak=False):
    """-> dict(rows [T, K, 11] f16, aux [T, AUX] f16, objs: list of per-object arrays); with half,
    also rows_half [T, K, 11]: the detections half a second before each sample (positions midway
    to the previous sample; drawn after everything else, so the rest is unchanged); with end_on,
    vehicles' aspect follows their heading (Scene); with veh_scores, how much a vehicle's small
    size or a cut by the frame's edge lowers its detection is drawn per video (simdet); with
    false_dogs, 60 % of the videos get a rate from 0 to 0.35 at which a detected person also
    yields a dog row on the lower part of its box near the 0.4 floor (no dog in the truth), as
    the detector does on some real walkway frames (a model of it that proved wrong: the walkway's
    false dog is a rock); with hover, 60 % of the videos get static clutter whose score drifts
    about the floor (simdet.hovering_clutter, the rock's model), from a generator of its own; with
    leak, every clutter row also scores a second kind as real weak rows do (simdet.leak_second; leak
    "cross": a vehicle-kind clutter row's second kind is no vehicle)."""
    rng = np.random.default_rng(seed)
    sc = Scene(rng, T, wander, returns, np.random.default_rng([seed, 1]) if end_on else None)
    if veh_scores:  # size and the frame's edge cost vehicles from nothing to the people's rule
        sc.veh_pen = float(np.random.default_rng([seed, 2]).random())
    if false_dogs:
        sc.fd_rng = np.random.default_rng([seed, 3])
        sc.false_dog = float(sc.fd_rng.uniform(0, 0.35)) if sc.fd_rng.random() < 0.6 else 0.0
    if hover:
        sc.hv_rng = np.random.default_rng([seed, 4])
        if sc.hv_rng.random() < 0.6:
            hovering_clutter(sc.hv_rng, sc, T)
    if leak:
        sc.lk_rng = np.random.default_rng([seed, 5])
        sc.lk_cross = leak == "cross"
    for s in range(-BURN, T):
        if s > -BURN:
            sc.step()
        sc.record(s)
    objs = []
    for t in sc.tracks:
        samp = [s for s in range(T) if s in t.hist]
        if not samp:
            continue
        pos = np.full((T, 4), np.nan, np.float32)
        for s in samp:
            pos[s] = t.hist[s]
        vis = np.array([s in t.hist and box_visible(t.hist[s]) for s in range(T)])
        states = []
        for s in range(T):
            prev = max([p for p in (s - 2, s - 1) if p in t.hist] or [s])
            if prev == s or s not in t.hist:
                states.append("still" if t.stop > 0 and prev == s else direction(t.vx, t.vy))
                continue
            dt = s - prev
            h = t.hist[s][3]
            vx = (t.hist[s][0] - t.hist[prev][0]) / AR / h / dt
            vy = (t.hist[s][1] - t.hist[prev][1]) / h / dt
            states.append(direction(vx, vy))
        objs.append({"kind": t.kind, "pos": pos, "vis": vis, "states": states})
    occ = occlusion(objs, T)
    for o, oc in zip(objs, occ):  # in view for the truth: at most half hidden by nearer objects
        o["vis"] &= oc < HIDDEN
    rows = np.stack([detector_rows(rng, sc, objs, s, occ[:, s]) for s in range(T)])
    mid = [dict(o, pos=np.where(np.isnan(np.roll(o["pos"], 1, 0)) | (np.arange(T) == 0)[:, None],
                                 o["pos"], (o["pos"] + np.roll(o["pos"], 1, 0)) / 2)) for o in objs]
    objs = [o for o in objs if o["vis"].any()]
    aux = np.stack([aux_targets(objs, s) for s in range(T)])
    out = {"rows": rows.astype(np.float16), "aux": aux.astype(np.float16), "objs": objs}
    if half:
        out["rows_half"] = np.stack([detector_rows(rng, sc, mid, s, occ[:, s], True) for s in range(T)]).astype(np.float16)
    return out


def direction(vx, vy):
    """The grammar's state of a velocity in own heights per second: still or the dominant axis."""
    if np.hypot(vx, vy) < g.STILL_SPEED:
        return "still"
    if abs(vx) >= abs(vy):
        return "right" if vx > 0 else "left"
    return "down" if vy > 0 else "up"


def aux_targets(objs, s, xb=XB, yb=YB):
    """Per kind: count in view, x histogram (xb bins), y histogram (yb bins), Gaussian-splatted
    (sigma 0.7 bin)."""
    out = np.zeros((NK, 1 + xb + yb), np.float32)
    cx = (np.arange(xb) + 0.5) / xb
    cy = (np.arange(yb) + 0.5) / yb
    for o in objs:
        if not o["vis"][s]:
            continue
        i = KI[o["kind"]]
        x, y = o["pos"][s, :2]
        out[i, 0] += 1
        gx = np.exp(-0.5 * ((cx - x) * xb / 0.7) ** 2)
        gy = np.exp(-0.5 * ((cy - y) * yb / 0.7) ** 2)
        out[i, 1:1 + xb] += gx / gx.sum()
        out[i, 1 + xb:] += gy / gy.sum()
    return out.reshape(-1)


def person_map(objs, s, gx, gy):
    """People in view at sample s as a gx x gy map of Gaussian splats (sigma 0.7 cell), flat."""
    cx, cy = (np.arange(gx) + 0.5) / gx, (np.arange(gy) + 0.5) / gy
    out = np.zeros((gy, gx), np.float32)
    for o in objs:
        if o["kind"] == "person" and o["vis"][s]:
            x, y = o["pos"][s, :2]
            m = np.outer(np.exp(-0.5 * ((cy - y) * gy / 0.7) ** 2), np.exp(-0.5 * ((cx - x) * gx / 0.7) ** 2))
            out += m / m.sum()
    return out.reshape(-1)


# ------------------------------------------------------------------ truth for text
def in_view(objs, s):
    return [(o["kind"], o["states"][s]) for o in objs if o["vis"][s]]


def caption(objs, s):
    return g.caption(in_view(objs, s))


def _first(o):
    return int(np.argmax(o["vis"]))


def answer(objs, k, qtype, kind):
    """-> (question, answer) about samples 0..k."""
    ks = [o for o in objs if o["kind"] == kind]
    pl = g.PLURAL[kind]
    seen = [o for o in ks if o["vis"][:k + 1].any()]
    if qtype == "count":
        return f"how many {pl} are in view", g.num(sum(o["vis"][k] for o in ks))
    if qtype == "appeared":
        return f"how many {pl} have appeared", g.num(len(seen))
    if qtype == "passed":
        n = 0
        for o in seen:
            v = np.nonzero(o["vis"][:k + 1])[0]
            if o["vis"][k] or v[-1] == k:
                continue
            d = np.abs(o["pos"][v[-1], :2] - o["pos"][v[0], :2])
            n += bool((d >= g.PASS_FRAC).any())
        return f"how many {pl} passed", g.num(n)
    if qtype in ("first", "last"):
        ent = [(_first(o), KI[o["kind"]]) for o in objs if o["vis"][1:k + 1].any() and not o["vis"][0]]
        if not ent:
            return f"what entered {qtype}", "nothing"
        if qtype == "first":
            s0 = min(e[0] for e in ent)
        else:
            s0 = max(e[0] for e in ent)
        return f"what entered {qtype}", "a " + g.KINDS[min(e[1] for e in ent if e[0] == s0)]
    if qtype == "seen":
        return f"was a {kind} seen", "yes" if seen else "no"
    if qtype == "when":
        if not seen:
            return f"when was a {kind} last seen", "never"
        last = max(int(np.nonzero(o["vis"][:k + 1])[0][-1]) for o in seen)
        d = k - last
        a = g.WHEN[0] if d == 0 else g.WHEN[1] if d < 10 else g.WHEN[2] if d < 60 else g.WHEN[3]
        return f"when was a {kind} last seen", a
    raise ValueError(qtype)


def sample_question(rng, objs, k, qtype=None):
    qtype = qtype or g.QTYPES[rng.integers(len(g.QTYPES))]
    present = [o["kind"] for o in objs if o["vis"][:k + 1].any()]
    if present and rng.random() < 0.7:
        kind = present[rng.integers(len(present))]
    else:
        kind = g.KINDS[rng.integers(NK)]
    q, a = answer(objs, k, qtype, kind)
    if qtype == "count" and rng.random() < 0.5:
        q += " now"
    if qtype == "appeared" and rng.random() < 0.5:
        q += " so far"
    return q, a, qtype
