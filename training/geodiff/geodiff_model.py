"""GeoDiff's dual-encoder noise network (Xu et al., ICLR 2022) in plain PyTorch, ONNX-exportable.

The network follows the paper and the reference `DualEncoderEpsNetwork` (configs/qm9_default.yml: hidden 128, 6 SchNet
interactions on the radius graph, 4 GIN convolutions on the order-3 bond graph, ReLU MLPs, cut-off 10 Å, no smooth
cut-off), with these choices made explicit:

* Edge lists come from the caller (the TypeScript featuriser at sampling time, `radius_graph` below at training time):
  `local_index/local_type` are the order-extended bond edges (types > 0), `global_index/global_type` all edges of the
  radius graph unioned with them (type 0 = radius edge). This replaces the boolean masking of one edge list, which
  exports to ONNX as NonZero and is slower.
* The local encoder embeds its edges with its own edge encoder, as the paper describes (the reference code reuses the
  global encoder's for both; its `edge_encoder_local` is unused).
* Aggregations are `scatter_add` (ONNX ScatterElements with reduction='add', opset >= 16), never index_add/index_put,
  which export wrongly with duplicate indices.
* The outputs are node-level: `eps_local` and `eps_global` (only radius edges contribute), each the edge scores mapped to
  atoms by `eq_transform` — the sampler in TypeScript clips, weights and sums them.
"""
import math
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from common.export import scatter_rows  # noqa: E402


def scatter_sum(src, index, num_nodes):
    """Sum rows of `src` [E, C] into `num_nodes` rows by `index` [E]."""
    out = torch.zeros(num_nodes, src.shape[1], dtype=src.dtype, device=src.device)
    return out.scatter_add(0, index.unsqueeze(-1).expand(-1, src.shape[1]), src)


class MLP(nn.Module):
    """Linear layers with ReLU between them (none after the last), the reference's MultiLayerPerceptron."""

    def __init__(self, in_dim, dims):
        super().__init__()
        self.layers = nn.ModuleList()
        for d in dims:
            self.layers.append(nn.Linear(in_dim, d))
            in_dim = d

    def forward(self, x):
        for k, layer in enumerate(self.layers):
            x = layer(x)
            if k < len(self.layers) - 1:
                x = torch.relu(x)
        return x


class EdgeEncoder(nn.Module):
    """`MLPEdgeEncoder`: MLP(edge length) * embedding(edge type)."""

    def __init__(self, hidden):
        super().__init__()
        self.bond_emb = nn.Embedding(100, hidden)
        self.mlp = MLP(1, [hidden, hidden])

    def forward(self, length, edge_type):
        return self.mlp(length) * self.bond_emb(edge_type)


class ShiftedSoftplus(nn.Module):
    def __init__(self):
        super().__init__()
        self.shift = math.log(2.0)

    def forward(self, x):
        return nn.functional.softplus(x) - self.shift


class Interaction(nn.Module):
    """SchNet interaction block with a continuous-filter convolution (hard cut-off, as smooth_conv: false)."""

    def __init__(self, hidden, cutoff):
        super().__init__()
        self.filter = nn.Sequential(nn.Linear(hidden, hidden), ShiftedSoftplus(), nn.Linear(hidden, hidden))
        self.lin1 = nn.Linear(hidden, hidden, bias=False)
        self.lin2 = nn.Linear(hidden, hidden)
        self.act = ShiftedSoftplus()
        self.lin = nn.Linear(hidden, hidden)
        self.cutoff = cutoff

    def forward(self, h, src, dst, length, edge_attr):
        c = (length <= self.cutoff).to(h.dtype)
        w = self.filter(edge_attr) * c
        x = self.lin1(h)
        x = scatter_sum(x[src] * w, dst, h.shape[0])
        x = self.lin2(x)
        return self.lin(self.act(x))


class SchNetEncoder(nn.Module):
    def __init__(self, hidden, num_interactions, cutoff):
        super().__init__()
        self.embedding = nn.Embedding(100, hidden)
        self.interactions = nn.ModuleList([Interaction(hidden, cutoff) for _ in range(num_interactions)])

    def forward(self, z, src, dst, length, edge_attr):
        h = self.embedding(z)
        for block in self.interactions:
            h = h + block(h, src, dst, length, edge_attr)
        return h


class GINEConv(nn.Module):
    """GIN with edge features: nn(x_i + sum_j relu(x_j + e_ji)), eps = 0."""

    def __init__(self, hidden):
        super().__init__()
        self.nn = MLP(hidden, [hidden, hidden])

    def forward(self, x, src, dst, edge_attr):
        msg = torch.relu(x[src] + edge_attr)
        return self.nn(scatter_sum(msg, dst, x.shape[0]) + x)


class GINEncoder(nn.Module):
    def __init__(self, hidden, num_convs):
        super().__init__()
        self.atom_emb = nn.Embedding(100, hidden)
        self.convs = nn.ModuleList([GINEConv(hidden) for _ in range(num_convs)])

    def forward(self, z, src, dst, edge_attr):
        h = self.atom_emb(z)
        for k, conv in enumerate(self.convs):
            out = conv(h, src, dst, edge_attr)
            if k < len(self.convs) - 1:
                out = torch.relu(out)
            h = out + h  # short cut
        return h


def eq_transform(score, pos, src, dst, length):
    """Edge scores [E, 1] to atom vectors [N, 3]: i gets +g (p_i - p_j)/d, j gets -g (p_i - p_j)/d."""
    dd = (pos[src] - pos[dst]) / length * score
    return scatter_sum(dd, src, pos.shape[0]) - scatter_sum(dd, dst, pos.shape[0])


class DualEncoderEpsNetwork(nn.Module):
    def __init__(self, hidden=128, num_convs=6, num_convs_local=4, cutoff=10.0):
        super().__init__()
        self.config = dict(hidden=hidden, num_convs=num_convs, num_convs_local=num_convs_local, cutoff=cutoff)
        self.edge_encoder_global = EdgeEncoder(hidden)
        self.edge_encoder_local = EdgeEncoder(hidden)
        self.encoder_global = SchNetEncoder(hidden, num_convs, cutoff)
        self.encoder_local = GINEncoder(hidden, num_convs_local)
        self.grad_global_dist_mlp = MLP(2 * hidden, [hidden, hidden // 2, 1])
        self.grad_local_dist_mlp = MLP(2 * hidden, [hidden, hidden // 2, 1])

    @staticmethod
    def lengths(pos, src, dst):
        return (pos[src] - pos[dst]).norm(dim=-1, keepdim=True)

    def global_scores(self, atom_type, pos, global_index, global_type):
        """Global encoder: edge_inv_global [Eg, 1] (radius edges only, local edges zeroed) and the edge lengths."""
        gs, gd = global_index[0], global_index[1]
        len_g = self.lengths(pos, gs, gd)
        attr_g = self.edge_encoder_global(len_g, global_type)
        h_g = self.encoder_global(atom_type, gs, gd, len_g, attr_g)
        inv_g = self.grad_global_dist_mlp(torch.cat([h_g[gs] * h_g[gd], attr_g], dim=-1))
        return inv_g * (global_type == 0).to(inv_g.dtype).unsqueeze(-1), len_g

    def local_scores(self, atom_type, pos, local_index, local_type):
        """Local encoder: edge_inv_local [El, 1] and the edge lengths."""
        ls, ld = local_index[0], local_index[1]
        len_l = self.lengths(pos, ls, ld)
        attr_l = self.edge_encoder_local(len_l, local_type)
        h_l = self.encoder_local(atom_type, ls, ld, attr_l)
        return self.grad_local_dist_mlp(torch.cat([h_l[ls] * h_l[ld], attr_l], dim=-1)), len_l

    def edge_scores(self, atom_type, pos, local_index, local_type, global_index, global_type):
        """Edge-level outputs (edge_inv_local [El, 1], edge_inv_global [Eg, 1], radius-only) and edge lengths."""
        inv_l, len_l = self.local_scores(atom_type, pos, local_index, local_type)
        inv_g, len_g = self.global_scores(atom_type, pos, global_index, global_type)
        return inv_l, inv_g, len_l, len_g

    def forward(self, atom_type, pos, local_index, local_type, global_index, global_type):
        inv_l, inv_g, len_l, len_g = self.edge_scores(atom_type, pos, local_index, local_type, global_index, global_type)
        eps_local = eq_transform(inv_l, pos, local_index[0], local_index[1], len_l)
        eps_global = eq_transform(inv_g, pos, global_index[0], global_index[1], len_g)
        return eps_local, eps_global


class LocalOnly(nn.Module):
    """The local branch alone (eps_local), for sampling steps where the global term is unused (sigma >= global_start_sigma)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, atom_type, pos, local_index, local_type):
        inv_l, len_l = self.net.local_scores(atom_type, pos, local_index, local_type)
        return eq_transform(inv_l, pos, local_index[0], local_index[1], len_l)


def radius_graph(pos, batch, local_index, local_type, cutoff=10.0, max_neighbors=32):
    """Training-time radius graph on perturbed positions, with the semantics of the TypeScript `radiusEdges`.

    Pairs closer than `cutoff` in the same molecule; per centre atom i the first `max_neighbors` + 1 candidates in index
    order (i included, then dropped) give edges j -> i; unioned with the local edges (which keep their types), radius
    edges get type 0. Returns (global_index [2, E], global_type [E]), sorted by (source, target).
    """
    n = pos.shape[0]
    with torch.no_grad():
        same = batch.unsqueeze(0) == batch.unsqueeze(1)
        d2 = ((pos.unsqueeze(0) - pos.unsqueeze(1)) ** 2).sum(-1)
        within = same & (d2 < cutoff * cutoff)  # within[i, j]: j is a candidate of centre i (i itself included)
        rank = within.to(torch.int32).cumsum(dim=1)
        keep = within & (rank <= max_neighbors + 1)
        keep.fill_diagonal_(False)
        centre, nb = keep.nonzero(as_tuple=True)  # edge nb -> centre
        key_r = nb * n + centre
        key_l = local_index[0] * n + local_index[1]
        types = torch.zeros(n * n, dtype=torch.long, device=pos.device)
        present = torch.zeros(n * n, dtype=torch.bool, device=pos.device)
        present[key_r] = True
        present[key_l] = True
        types[key_l] = local_type
        keys = present.nonzero(as_tuple=True)[0]
        return torch.stack([keys // n, keys % n]), types[keys]


def diffusion_loss(model, batch_data, alphas, num_timesteps, cutoff=10.0, generator=None):
    """GeoDiff's `get_loss_diffusion` (anneal power 2): global loss x2 + local loss x5, mean over atoms."""
    atom_type, pos, batch, local_index, local_type, num_graphs = batch_data
    device = pos.device
    t = torch.randint(0, num_timesteps, (num_graphs // 2 + 1,), device=device, generator=generator)
    t = torch.cat([t, num_timesteps - t - 1])[:num_graphs]
    a = alphas[t]
    a_pos = a[batch].unsqueeze(-1)
    noise = torch.randn(pos.shape, device=device, generator=generator)
    pos_p = pos + noise * (1.0 - a_pos).sqrt() / a_pos.sqrt()
    global_index, global_type = radius_graph(pos_p, batch, local_index, local_type, cutoff)

    inv_l, inv_g, len_l, len_g = model.edge_scores(atom_type, pos_p, local_index, local_type, global_index, global_type)
    # targets
    a_l = a[batch[local_index[0]]].unsqueeze(-1)
    a_g = a[batch[global_index[0]]].unsqueeze(-1)
    d_gt_l = DualEncoderEpsNetwork.lengths(pos, local_index[0], local_index[1])
    d_gt_g = DualEncoderEpsNetwork.lengths(pos, global_index[0], global_index[1])
    tgt_l = (d_gt_l - len_l) / (1.0 - a_l).sqrt() * a_l.sqrt()
    tgt_g = (d_gt_g - len_g) / (1.0 - a_g).sqrt() * a_g.sqrt()
    radius = (global_type == 0).unsqueeze(-1) & (len_g <= cutoff)
    tgt_g = torch.where(radius, tgt_g, torch.zeros_like(tgt_g))
    inv_g = torch.where(radius, inv_g, torch.zeros_like(inv_g))

    ls, ld = local_index
    gs, gd = global_index
    loss_l = ((eq_transform(inv_l, pos_p, ls, ld, len_l) - eq_transform(tgt_l, pos_p, ls, ld, len_l)) ** 2).sum(-1)
    loss_g = ((eq_transform(inv_g, pos_p, gs, gd, len_g) - eq_transform(tgt_g, pos_p, gs, gd, len_g)) ** 2).sum(-1)
    return (2 * loss_g + 5 * loss_l).mean(), loss_g.mean().item(), loss_l.mean().item()


def sigmoid_betas(start=1e-7, end=2e-3, steps=5000):
    x = torch.linspace(-6, 6, steps, dtype=torch.float64)
    return torch.sigmoid(x) * (end - start) + start


class PairwiseDualEncoder(nn.Module):
    """The same network (same weights) evaluated per unordered atom pair instead of per directed edge: the export form.

    Everything GeoDiff computes on an edge except the messages is symmetric in its two atoms (the edge length and
    type, their embedding, the SchNet filters, the output MLP on h_i * h_j), so it is computed once per pair; messages
    go both ways where the directed edge exists, and eq_transform weights each pair by its number of directions.

    Inputs: atom_type [N]; pos [N, 3]; local_pairs [2, Pl] (i < j, every bond-graph pair has both directions) and
    local_type [Pl]; global_pairs [2, Pg], global_type [Pg] and global_dir [Pg, 2] (float 0/1: whether the directed
    edges i -> j and j -> i exist; a radius graph capped at 32 neighbours can hold one direction only).
    Outputs eps_local, eps_global [N, 3], equal to DualEncoderEpsNetwork's on the directed edges. Sums over edges are
    `scatter_rows` (ONNX ScatterND with row indices, much faster in onnxruntime than ScatterElements).
    """

    def __init__(self, net):
        super().__init__()
        self.net = net

    @staticmethod
    def pair_transform(score, pos, i, j, length, weight):
        dd = (pos[i] - pos[j]) / length * score * weight
        return scatter_rows(dd, i, pos) - scatter_rows(dd, j, pos)

    def local(self, atom_type, pos, local_pairs, local_type):
        net = self.net
        i, j = local_pairs[0], local_pairs[1]
        length = net.lengths(pos, i, j)
        attr = net.edge_encoder_local(length, local_type)
        enc = net.encoder_local
        h = enc.atom_emb(atom_type)
        for k, conv in enumerate(enc.convs):
            agg = scatter_rows(torch.relu(h[i] + attr), j, h) + scatter_rows(torch.relu(h[j] + attr), i, h)
            out = conv.nn(agg + h)
            if k < len(enc.convs) - 1:
                out = torch.relu(out)
            h = out + h
        inv = net.grad_local_dist_mlp(torch.cat([h[i] * h[j], attr], dim=-1))
        return self.pair_transform(inv, pos, i, j, length, 2.0)

    def forward(self, atom_type, pos, local_pairs, local_type, global_pairs, global_type, global_dir):
        net = self.net
        i, j = global_pairs[0], global_pairs[1]
        fwd, bwd = global_dir[:, 0:1], global_dir[:, 1:2]
        length = net.lengths(pos, i, j)
        attr = net.edge_encoder_global(length, global_type)
        enc = net.encoder_global
        h = enc.embedding(atom_type)
        for block in enc.interactions:
            w = block.filter(attr) * (length <= block.cutoff).to(h.dtype)
            x = block.lin1(h)
            agg = scatter_rows(x[i] * (w * fwd), j, h) + scatter_rows(x[j] * (w * bwd), i, h)
            h = h + block.lin(block.act(block.lin2(agg)))
        inv = net.grad_global_dist_mlp(torch.cat([h[i] * h[j], attr], dim=-1))
        inv = inv * (global_type == 0).to(inv.dtype).unsqueeze(-1)
        eps_global = self.pair_transform(inv, pos, i, j, length, fwd + bwd)
        return self.local(atom_type, pos, local_pairs, local_type), eps_global


class PairwiseLocalOnly(nn.Module):
    """The local branch of PairwiseDualEncoder alone."""

    def __init__(self, pairwise):
        super().__init__()
        self.pairwise = pairwise

    def forward(self, atom_type, pos, local_pairs, local_type):
        return self.pairwise.local(atom_type, pos, local_pairs, local_type)


def to_pairs(index, types):
    """Directed edges [2, E] (+ types) -> unordered pairs [2, P] (i < j), their types and direction flags [P, 2]."""
    n = int(index.max().item()) + 1 if index.numel() else 0
    a = torch.minimum(index[0], index[1])
    b = torch.maximum(index[0], index[1])
    key = a * n + b
    uniq, inverse = torch.unique(key, sorted=True, return_inverse=True)
    pairs = torch.stack([uniq // n, uniq % n])
    ptype = torch.zeros(uniq.shape[0], dtype=types.dtype)
    ptype[inverse] = types
    direction = torch.zeros(uniq.shape[0], 2)
    direction[inverse[index[0] < index[1]], 0] = 1.0
    direction[inverse[index[0] > index[1]], 1] = 1.0
    return pairs, ptype, direction
