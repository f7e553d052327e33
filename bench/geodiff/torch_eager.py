"""PyTorch eager timing of GeoDiff's dual-encoder network (training/geodiff/geodiff_model.py) on the inputs that
bench/geodiff/network-speed.mjs wrote, for the ONNX-vs-eager ratio. The weights are freshly initialised: the cost of a
forward pass does not depend on their values. Prints JSON: median milliseconds per call, full network and local branch.
Usage: /usr/bin/python3 bench/geodiff/torch_eager.py INPUTS.npz THREADS REPEATS
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'training', 'geodiff'))
from geodiff_model import DualEncoderEpsNetwork, LocalOnly  # noqa: E402

path, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
z = np.load(path)
names = ['atom_type', 'pos', 'local_index', 'local_type', 'global_index', 'global_type']
args = [torch.from_numpy(z[k]) for k in names]
net = DualEncoderEpsNetwork().eval()
local = LocalOnly(net).eval()


def timed(fn):
    for _ in range(3):
        fn()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


with torch.no_grad():
    full = timed(lambda: net(*args))
    loc = timed(lambda: local(*args[:4]))
print(json.dumps({'full_ms': full, 'local_ms': loc, 'threads': threads, 'torch': torch.__version__}))
