"""PyTorch eager timing of GeoDiff's dual-encoder network (training/geodiff/geodiff_model.py) on the inputs that
bench/geodiff/network-speed.mjs wrote, for the ONNX-vs-eager ratio. Three eager forms are timed: the pairwise form that
the ONNX export evaluates (FastPairwiseDualEncoder, `pairwise_*`: the same computation as the ONNX graph, with torch's
own softplus and index_add sums where the export has its onnxruntime-specific equivalents), the earlier pairwise export
form (PairwiseDualEncoder, `pairwise_v1_*`) and the directed-edge form the network trains in (DualEncoderEpsNetwork).
The weights are freshly initialised: the cost of a forward pass does not depend on their values. Prints JSON: median
milliseconds per call.
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
from geodiff_model import (DualEncoderEpsNetwork, FastPairwiseDualEncoder, FastPairwiseLocalOnly, LocalOnly,  # noqa: E402
                           PairwiseDualEncoder, PairwiseLocalOnly)

path, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
z = {k: torch.from_numpy(v) for k, v in np.load(path).items()}
net = DualEncoderEpsNetwork().eval()
pairwise_v1 = PairwiseDualEncoder(net).eval()
pairwise = FastPairwiseDualEncoder(net).eval()
pair_args = [z[k] for k in ['atom_type', 'pos', 'local_pairs', 'local_type', 'global_pairs', 'global_type', 'global_dir']]
# the same graph as directed edges
lp, lt = z['local_pairs'], z['local_type']
local_index = torch.cat([lp, lp.flip(0)], dim=1)
local_type = torch.cat([lt, lt])
gp, gt, gd = z['global_pairs'], z['global_type'], z['global_dir']
fwd, bwd = gd[:, 0] > 0, gd[:, 1] > 0
global_index = torch.cat([gp[:, fwd], gp.flip(0)[:, bwd]], dim=1)
global_type = torch.cat([gt[fwd], gt[bwd]])
directed_args = [z['atom_type'], z['pos'], local_index, local_type, global_index, global_type]


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
    a = net(*directed_args)
    b = pairwise(*pair_args)
    c = pairwise_v1(*pair_args)
    agree = max(float((x - y).abs().max()) for x, y in zip(a, b))
    agree_v1 = max(float((x - y).abs().max()) for x, y in zip(c, b))
    result = {
        'pairwise_full_ms': timed(lambda: pairwise(*pair_args)),
        'pairwise_local_ms': timed(lambda: FastPairwiseLocalOnly(pairwise)(*pair_args[:4])),
        'pairwise_v1_full_ms': timed(lambda: pairwise_v1(*pair_args)),
        'pairwise_v1_local_ms': timed(lambda: PairwiseLocalOnly(pairwise_v1)(*pair_args[:4])),
        'directed_full_ms': timed(lambda: net(*directed_args)),
        'directed_local_ms': timed(lambda: LocalOnly(net)(*directed_args[:4])),
        'max_abs_diff_pairwise_vs_directed': agree,
        'max_abs_diff_pairwise_vs_v1': agree_v1,
        'threads': threads,
        'torch': torch.__version__,
    }
print(json.dumps(result))
