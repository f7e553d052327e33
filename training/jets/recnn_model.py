"""The RecNN of Louppe, Cho, Becot and Cranmer ("QCD-aware recursive neural networks for jet physics", 2017), as used
by the seed study, in PyTorch, with evaluation batched by tree depth.

Node embedding (all nodes):      u_k = ReLU(W_u x_k + b_u)                         (x_k: the 7 scaled node features)
Leaf:                            h_k = u_k
Internal node, simple variant:   h_k = ReLU(W_h [h_L; h_R; u_k] + b_h)
Internal node, gated variant:    r   = sigmoid(W_r [h_L; h_R; u_k] + b_r)               (reset gates, 3H)
                                 ĥ_k = ReLU(W_h (r ⊙ [h_L; h_R; u_k]) + b_h)
                                 z   = softmax over the 4 gates of W_z [ĥ_k; h_L; h_R; u_k] + b_z   (per dimension)
                                 h_k = z_H ⊙ ĥ_k + z_L ⊙ h_L + z_R ⊙ h_R + z_N ⊙ u_k
Jet embedding h_J = h_root; classifier: ReLU(Dense(H)) → ReLU(Dense(H)) → Dense(1) → sigmoid.

The three parts are separate modules (`Embed`, `SimpleCell`/`GatedCell`, `Head`) because the ONNX export ships them as
three graphs and TypeScript drives the loop over tree levels (see train_recnn.py).

`LevelBatch` flattens the trees of a batch of jets by depth: every node of one depth, across all jets, is evaluated at
once, from the deepest level to the roots; a node's children are always one level deeper, so each level only reads the
previous level's embeddings (Louppe et al.'s batching).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class Embed(nn.Module):
    """x [nodes, F] -> u [nodes, H]."""

    def __init__(self, n_features: int, hidden: int):
        super().__init__()
        self.fc = nn.Linear(n_features, hidden)
        nn.init.xavier_uniform_(self.fc.weight, gain=nn.init.calculate_gain("relu"))
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        return F.relu(self.fc(x))


class SimpleCell(nn.Module):
    """h = ReLU(W_h [h_L; h_R; u] + b_h)."""

    def __init__(self, hidden: int):
        super().__init__()
        self.fc_h = nn.Linear(3 * hidden, hidden)
        nn.init.orthogonal_(self.fc_h.weight)
        nn.init.zeros_(self.fc_h.bias)

    def forward(self, h_left, h_right, u):
        return F.relu(self.fc_h(torch.cat([h_left, h_right, u], dim=1)))


class GatedCell(nn.Module):
    """Louppe et al.'s gated cell: reset gates on [h_L; h_R; u], a softmax over four update gates per dimension."""

    def __init__(self, hidden: int):
        super().__init__()
        self.hidden = hidden
        self.fc_r = nn.Linear(3 * hidden, 3 * hidden)
        self.fc_h = nn.Linear(3 * hidden, hidden)
        self.fc_z = nn.Linear(4 * hidden, 4 * hidden)
        nn.init.orthogonal_(self.fc_h.weight)
        for fc in (self.fc_r, self.fc_z):
            nn.init.xavier_uniform_(fc.weight)
        for fc in (self.fc_r, self.fc_h, self.fc_z):
            nn.init.zeros_(fc.bias)

    def forward(self, h_left, h_right, u):
        hhu = torch.cat([h_left, h_right, u], dim=1)
        r = torch.sigmoid(self.fc_r(hhu))
        h_new = F.relu(self.fc_h(r * hhu))
        z = self.fc_z(torch.cat([h_new, hhu], dim=1)).reshape(-1, 4, self.hidden)
        z = torch.softmax(z, dim=1)
        return z[:, 0] * h_new + z[:, 1] * h_left + z[:, 2] * h_right + z[:, 3] * u


class GatherCell(nn.Module):
    """The recursive cell with its children's gathers inside (the ONNX graph `cell-gather/` that TypeScript runs):
    table [rows, H] holds every embedding computed so far, left/right [nodes] (int32) the children's rows in it,
    u [nodes, H] the nodes' own u; h = cell(table[left], table[right], u). The same weights as `cell`."""

    def __init__(self, cell: nn.Module):
        super().__init__()
        self.cell = cell

    def forward(self, table, left, right, u):
        return self.cell(table.index_select(0, left), table.index_select(0, right), u)


class Head(nn.Module):
    """h_J [jets, H] -> (probability [jets], logit [jets])."""

    def __init__(self, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(hidden, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)

    def logit(self, h):
        return self.out(F.relu(self.fc2(F.relu(self.fc1(h))))).squeeze(1)

    def forward(self, h_jet):
        logit = self.logit(h_jet)
        return torch.sigmoid(logit), logit


class LevelBatch:
    """The trees of some jets arranged by depth (numpy, built once per batch).

    Nodes are sorted by (depth, leaf after internal, index); level d is `order[start[d]:start[d + 1]]`, its first
    `n_internal[d]` nodes internal. For the internal nodes of level d, `left[d]`/`right[d]` are the positions of their
    children in level d + 1. `roots` are the positions of the jets' roots in level 0 (which holds only roots).
    """

    def __init__(self, data: "TreeArrays", jets: np.ndarray):
        jets = np.asarray(jets, dtype=np.int64)
        starts = data.offset[jets]
        counts = data.offset[jets + 1] - starts
        n = int(counts.sum())
        first = np.cumsum(counts) - counts
        shift = np.repeat(starts - first, counts)
        nodes = np.arange(n, dtype=np.int64) + shift  # global node ids, jet after jet
        left = data.left[nodes]
        right = data.right[nodes]
        internal = left >= 0
        depth = data.depth[nodes]
        order = np.lexsort((np.arange(n), ~internal, depth))
        D = int(depth.max())
        sorted_depth = depth[order]
        start = np.searchsorted(sorted_depth, np.arange(D + 2))
        pos = np.empty(n, dtype=np.int64)
        pos[order] = np.arange(n) - start[sorted_depth]
        n_internal = np.bincount(depth[internal], minlength=D + 1)
        self.jets = jets
        self.nodes = nodes
        self.n = n
        self.order = order
        self.depth_max = D
        self.start = start
        self.n_internal = n_internal
        self.left = []
        self.right = []
        for d in range(D + 1):
            ids = order[start[d] : start[d] + n_internal[d]]
            self.left.append(torch.from_numpy(pos[left[ids] - shift[ids]]))
            self.right.append(torch.from_numpy(pos[right[ids] - shift[ids]]))
        roots = first + counts - 1  # the root is the last node of each jet
        self.roots = torch.from_numpy(pos[roots])
        self.x = torch.from_numpy(data.x[nodes[order]])
        self.order_t = torch.from_numpy(order)


class TreeArrays:
    """The arrays of a `jet-interp train-data` file that the network needs (int64 indices, float32 features)."""

    def __init__(self, npz):
        self.x = np.ascontiguousarray(npz["node_x"], dtype=np.float32)
        self.left = npz["node_left"].astype(np.int64)
        self.right = npz["node_right"].astype(np.int64)
        self.depth = npz["node_depth"].astype(np.int64)
        self.offset = npz["jet_node_offset"].astype(np.int64)
        self.label = npz["jet_label"].astype(np.int64)
        self.split = npz["jet_split"].astype(np.int64)


class RecNN(nn.Module):
    def __init__(self, variant: str = "simple", n_features: int = 7, hidden: int = 70):
        super().__init__()
        if variant not in ("simple", "gated"):
            raise ValueError(f"variant must be simple or gated, not {variant!r}")
        self.variant = variant
        self.hidden = hidden
        self.embed = Embed(n_features, hidden)
        self.cell = SimpleCell(hidden) if variant == "simple" else GatedCell(hidden)
        self.head = Head(hidden)

    def embed_batch(self, batch: LevelBatch, keep_nodes: bool = False, cell_inputs: list | None = None):
        """Returns h_J [jets, H] in the batch's jet order and, with keep_nodes, every node's embedding in batch order
        (jet after jet, each jet's nodes in the file's order). `cell_inputs` collects (h_left, h_right, u) per level."""
        U = self.embed(batch.x)
        prev = None
        levels = []
        for d in range(batch.depth_max, -1, -1):
            a, b, m = int(batch.start[d]), int(batch.start[d + 1]), int(batch.n_internal[d])
            u_d = U[a:b]
            if m > 0:
                hl = prev.index_select(0, batch.left[d])
                hr = prev.index_select(0, batch.right[d])
                if cell_inputs is not None:
                    cell_inputs.append((hl, hr, u_d[:m]))
                h_d = torch.cat([self.cell(hl, hr, u_d[:m]), u_d[m:]], dim=0)
            else:
                h_d = u_d
            if keep_nodes:
                levels.append(h_d)
            prev = h_d
        h_jet = prev.index_select(0, batch.roots)
        if not keep_nodes:
            return h_jet, None
        sorted_emb = torch.cat(levels[::-1], dim=0)
        nodes = torch.empty_like(sorted_emb)
        nodes[batch.order_t] = sorted_emb
        return h_jet, nodes

    def forward(self, batch: LevelBatch):
        h_jet, _ = self.embed_batch(batch)
        return self.head.logit(h_jet)


def load_model_dir(model_dir: str) -> tuple[dict, "RecNN"]:
    """A RecNN model directory's recnn.json and the network with its weights.npz (sha256 checked against recnn.json),
    in eval mode."""
    import hashlib
    import json
    import os

    with open(os.path.join(model_dir, "recnn.json"), encoding="utf-8") as f:
        config = json.load(f)
    wfile = os.path.join(model_dir, config["weights"]["file"])
    with open(wfile, "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != config["weights"]["sha256"]:
            raise SystemExit(f"{wfile}: sha256 differs from recnn.json")
    model = RecNN(config["variant"], len(config["features"]), config["embeddingSize"])
    w = np.load(wfile)
    model.load_state_dict({k: torch.from_numpy(np.asarray(w[k])) for k in w.files})
    model.eval()
    return config, model


def save_recnn_json(model_dir: str, config: dict) -> None:
    """Writes recnn.json (2-space JSON, trailing newline)."""
    import json
    import os

    with open(os.path.join(model_dir, "recnn.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


def graph_provenance(cell_manifest: dict) -> tuple[str, dict]:
    """The training-data text and the extra provenance (variant, embedding size, algorithm, creator of the data) that
    graphs added to a model directory copy from its cell manifest."""
    prov = dict(cell_manifest["provenance"])
    extra = {k: v for k, v in prov.items() if k in ("variant", "embeddingSize", "algorithm", "dataCreatedBy")}
    return prov["trainingData"], extra
