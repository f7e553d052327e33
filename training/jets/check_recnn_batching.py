"""Self-check of recnn_model.py: the level-batched evaluation (LevelBatch + RecNN.embed_batch) equals a plain
node-by-node recursion, for both cells, on random binary trees (single leaves included), and gradients flow.

    /usr/bin/python3 training/jets/check_recnn_batching.py      # prints "ok" (a few seconds on one core)
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recnn_model import LevelBatch, RecNN  # noqa: E402


class RandomTrees:
    """TreeArrays-shaped random trees: random merges of n leaves, nodes stored children first, root last."""

    def __init__(self, sizes, rng):
        xs, lefts, rights, depths, offset = [], [], [], [], [0]
        for n in sizes:
            size = 2 * n - 1
            left = -np.ones(size, dtype=np.int64)
            right = -np.ones(size, dtype=np.int64)
            pool = list(range(n))
            nxt = n
            while len(pool) > 1:
                a = pool.pop(rng.integers(len(pool)))
                b = pool.pop(rng.integers(len(pool)))
                left[nxt], right[nxt] = a, b
                pool.append(nxt)
                nxt += 1
            depth = np.zeros(size, dtype=np.int64)
            for k in range(size - 1, -1, -1):  # parents come after children
                if left[k] >= 0:
                    depth[left[k]] = depth[right[k]] = depth[k] + 1
            o = offset[-1]
            lefts.append(np.where(left >= 0, left + o, -1))
            rights.append(np.where(right >= 0, right + o, -1))
            depths.append(depth)
            xs.append(rng.normal(size=(size, 7)).astype(np.float32))
            offset.append(o + size)
        self.x = np.concatenate(xs)
        self.left = np.concatenate(lefts)
        self.right = np.concatenate(rights)
        self.depth = np.concatenate(depths)
        self.offset = np.array(offset, dtype=np.int64)


def main():
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    data = RandomTrees([1, 2, 5, 17, 1, 40, 3], rng)
    jets = np.arange(len(data.offset) - 1)
    for variant in ("simple", "gated"):
        torch.manual_seed(0)
        model = RecNN(variant, 7, 12)

        def rec(k):
            u = model.embed(torch.from_numpy(data.x[k : k + 1]))
            if data.left[k] < 0:
                return u
            return model.cell(rec(data.left[k]), rec(data.right[k]), u)

        with torch.no_grad():
            h_jet, nodes = model.embed_batch(LevelBatch(data, jets), keep_nodes=True)
            ref_jet = torch.cat([rec(data.offset[j + 1] - 1) for j in jets])
            ref_nodes = torch.cat([rec(k) for k in range(data.offset[-1])])
            # a shuffled batch returns the jets in its own order
            perm = rng.permutation(jets)
            h_perm, _ = model.embed_batch(LevelBatch(data, perm))
        assert torch.allclose(h_jet, ref_jet, atol=1e-5), (variant, (h_jet - ref_jet).abs().max())
        assert torch.allclose(nodes, ref_nodes, atol=1e-5), (variant, (nodes - ref_nodes).abs().max())
        assert torch.allclose(h_perm, ref_jet[perm], atol=1e-5), variant
        loss = model(LevelBatch(data, jets)).sum()
        loss.backward()
        assert all(p.grad is not None for p in model.parameters()), variant
    print("ok")


if __name__ == "__main__":
    main()
