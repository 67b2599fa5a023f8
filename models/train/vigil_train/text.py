"""Word tokenizer of the contract: lowercase, [^a-z0-9 ] -> space, split, look up."""
import re

from vigil_scenes.scenes import VOCAB

ID = {w: i for i, w in enumerate(VOCAB)}
PAD, UNK, EOS, CAP, Q, A = (ID[t] for t in ("<pad>", "<unk>", "<eos>", "<cap>", "<q>", "<a>"))


def words(s):
    return re.sub(r"[^a-z0-9 ]", " ", s.lower()).split()


def encode(s):
    return [ID.get(w, UNK) for w in words(s)]


def decode(ids):
    return " ".join(VOCAB[i] for i in ids)
