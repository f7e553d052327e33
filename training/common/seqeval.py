"""Entity-level precision/recall/F1 in seqeval's default (conlleval) sense, shared by the training scripts' dev
metrics. The TypeScript package's `seqeval` module is the scorer of record; this one only selects epochs."""
from __future__ import annotations


def entities(tag_seqs):
    """Entity spans (type, begin, end) of tag sequences, sentences joined by an 'O' (IOB and IOBES tags)."""
    flat = [t for seq in tag_seqs for t in list(seq) + ["O"]]
    spans, prev_tag, prev_type, begin = set(), "O", "", 0
    for i, chunk in enumerate(flat + ["O"]):
        tag, typ = chunk[0], (chunk[1:].split("-", 1)[-1] or "_")
        end = prev_tag in "ES" or (prev_tag in "BI" and tag in "BSO") or (prev_tag not in "O." and prev_type != typ)
        start = tag in "BS" or (prev_tag in "ESO" and tag in "EI") or (tag not in "O." and prev_type != typ)
        if end:
            spans.add((prev_type, begin, i - 1))
        if start:
            begin = i
        prev_tag, prev_type = tag, typ
    return spans


def entity_prf(gold_seqs, pred_seqs):
    """(precision, recall, F1) of predicted entity spans against gold ones."""
    g, p = entities(gold_seqs), entities(pred_seqs)
    c = len(g & p)
    prec, rec = (c / len(p) if p else 0.0), (c / len(g) if g else 0.0)
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)
