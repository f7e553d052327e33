#!/usr/bin/env python3
"""Averages the weights of several train_geodiff.py checkpoints (their latest weights) into one checkpoint whose
best_model is the average, ready for `train_geodiff.py --export-only --runs DIR`. Averaging the last few checkpoints of
a run is a cheap stand-in for an exponential moving average of the weights; the samples of single checkpoints vary a lot
from one to the next at this training length.

Usage: /usr/bin/python3 training/geodiff/average_checkpoints.py OUT_DIR CKPT.pt [CKPT.pt ...]
"""
import os
import sys

import torch


def main():
    out_dir, paths = sys.argv[1], sys.argv[2:]
    if not paths:
        raise SystemExit('give at least one checkpoint')
    states = [torch.load(p, map_location='cpu') for p in paths]
    avg = {k: sum(s['model'][k].float() for s in states) / len(states) for k in states[-1]['model']}
    log = dict(states[-1]['log'])
    log['averaged_checkpoints'] = [{'path': os.path.basename(p), 'iterations': s['log'].get('iterations')} for p, s in zip(paths, states)]
    os.makedirs(out_dir, exist_ok=True)
    torch.save({'model': avg, 'best_model': avg, 'opt': states[-1]['opt'], 'log': log}, os.path.join(out_dir, 'geodiff.pt'))
    print(os.path.join(out_dir, 'geodiff.pt'))


if __name__ == '__main__':
    main()
