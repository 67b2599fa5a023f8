"""vigil-cam's grammar for a fixed camera over real scenes: words, captions, questions, answers.

Kinds (COCO): person, bicycle, car, motorcycle, bus, truck, dog (caption order).
State of an object at sample k (1 fps): from its displacement over the last 2 s (since entry if
newer), in units of its own box height per second (perspective-free): under STILL_SPEED ->
"standing" (person, dog) / "parked" (the rest); else the dominant image axis: "moving left",
"moving right", "moving up" (away, up the image), "moving down".

Caption (objects in view at k; in view = box centre inside the frame, at least MIN_PX px tall
at the model's 320 px input height and at most half hidden by a nearer object):
    caption := "nothing in view" | group ("and" group)*          (groups in kind order)
    group   := NUM NOUN STATE                 all of the kind share one state
             | NUM NOUN (NUM STATE)+          otherwise; states in the order left, right, up,
                                              down, standing/parked
    NUM     := one .. twenty | many (> twenty);  NOUN singular after "one", else plural
  e.g. "three people one moving left two moving down and one car parked and one truck parked"

Questions (about samples 0..k, asked after the k-th frame token), answers:
    how many NOUNS are in view [now]       -> zero .. twenty | many
    how many NOUNS have appeared [so far]  -> zero .. twenty | many  (distinct objects seen,
                                              those in view at the first sample included)
    how many NOUNS passed                  -> zero .. twenty | many  (left the view after moving
                                              at least PASS_FRAC of the frame while in view)
    what entered first | what entered last -> a KIND | nothing  (entered = came into view after
                                              the first sample; ties by kind order)
    was a KIND seen                        -> yes | no
    when was a KIND last seen              -> now | under ten seconds ago | under a minute ago
                                              | over a minute ago | never
"""
import re

KINDS = ("person", "bicycle", "car", "motorcycle", "bus", "truck", "dog")
PLURAL = {"person": "people", "bicycle": "bicycles", "car": "cars", "motorcycle": "motorcycles",
          "bus": "buses", "truck": "trucks", "dog": "dogs"}
STILL = {"person": "standing", "dog": "standing"}  # the others: "parked"
NUMS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty").split()
STATES = ("left", "right", "up", "down", "still")
STILL_SPEED = 0.15  # box heights per second
PASS_FRAC = 0.25
MIN_PX = 10
WHEN = ("now", "under ten seconds ago", "under a minute ago", "over a minute ago", "never")
QTYPES = ("count", "appeared", "passed", "first", "last", "seen", "when")

SPECIAL = ["<pad>", "<unk>", "<eos>", "<cap>", "<q>", "<a>"]


def _vocab():
    words = set(NUMS) | {"many", "and", "nothing", "in", "view", "moving", "standing", "parked",
                         "a", "how", "are", "now", "have", "appeared", "so", "far", "passed",
                         "what", "entered", "first", "last", "was", "seen", "yes", "no", "when",
                         "under", "ten", "seconds", "ago", "minute", "over", "never"}
    words |= set(KINDS) | set(PLURAL.values()) | set(STATES[:4])
    return SPECIAL + sorted(words)


VOCAB = _vocab()
ID = {w: i for i, w in enumerate(VOCAB)}
PAD, UNK, EOS, CAP, Q, A = range(6)


def words(s):
    return re.sub(r"[^a-z0-9 ]", " ", s.lower()).split()


def encode(s):
    return [ID.get(w, UNK) for w in words(s)]


def decode(ids):
    return " ".join(VOCAB[i] for i in ids)


def num(n):
    return NUMS[n] if n <= 20 else "many"


def people_count(cap):
    """The people count a caption gives (its group "NUM person|people"): 0..20, 21 for "many",
    0 when it names no person."""
    w = cap.split()
    for i in range(1, len(w)):
        if w[i] in ("people", "person") and (i == 1 or w[i - 2] == "and"):
            return 21 if w[i - 1] == "many" else NUMS.index(w[i - 1])
    return 0


def noun(kind, n):
    return kind if n == 1 else PLURAL[kind]


def state_words(kind, st):
    if st == "still":
        return STILL.get(kind, "parked")
    return "moving " + st


def caption(view):
    """view: list of (kind, state) of the objects in view -> caption string."""
    if not view:
        return "nothing in view"
    groups = []
    for kind in KINDS:
        sts = [s for k, s in view if k == kind]
        if not sts:
            continue
        n = len(sts)
        present = [s for s in STATES if s in sts]
        if len(present) == 1:
            groups.append(f"{num(n)} {noun(kind, n)} {state_words(kind, present[0])}")
        else:
            parts = " ".join(f"{num(sts.count(s))} {state_words(kind, s)}" for s in present)
            groups.append(f"{num(n)} {noun(kind, n)} {parts}")
    return " and ".join(groups)


def answer_forms():
    """The manifest's answer_forms (Java regexes on the normalised question)."""
    nouns = "|".join(PLURAL[k] for k in KINDS)
    kinds = "|".join(KINDS)
    numbers = list(NUMS) + ["many"]
    return [
        {"question": f"how many ({nouns}) are in view( now)?", "answers": numbers},
        {"question": f"how many ({nouns}) have appeared( so far)?", "answers": numbers},
        {"question": f"how many ({nouns}) passed", "answers": numbers},
        {"question": "what entered (first|last)", "answers": [f"a {k}" for k in KINDS] + ["nothing"]},
        {"question": f"was a ({kinds}) seen", "answers": ["yes", "no"]},
        {"question": f"when was a ({kinds}) last seen", "answers": list(WHEN)},
    ]
