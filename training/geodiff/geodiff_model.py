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


def message_slots(dst):
    """Slots for summing messages by target without a scatter-add: message e gets the slot dst[e] * K + r, r its rank
    among the messages to the same target (in message order), K the largest number of messages to one target (>= 1).
    Slots are unique, so a plain ScatterND (reduction 'none') fills a zero [N * K, C] table that a ReduceSum over K turns
    into the sums (`sum_by_slots`), deterministic and in message order. onnxruntime's CPU ScatterND with reduction='add'
    races when it runs on more than one thread and indices repeat (microsoft/onnxruntime#18048, #23396): rows updated
    by two threads at once lose updates (the old export gave wrong outputs in ~40% of calls at 2 threads)."""
    e = dst.shape[0]
    ar = torch.arange(e, dtype=dst.dtype, device=dst.device)
    order = torch.argsort(dst * e + ar)  # by target, then message order (keys unique)
    s = dst[order]
    first = s != torch.cat([torch.full_like(s[:1], -1), s[:-1]])[:e]
    group = torch.cumsum(first.to(dst.dtype), 0) - 1
    starts = torch.nonzero(first)[:, 0]
    rank_sorted = ar - starts[group]
    rank = torch.zeros_like(rank_sorted).scatter(0, order, rank_sorted)
    k = torch.cat([rank, torch.zeros_like(rank[:1])]).max() + 1
    return dst * k + rank, k


def sum_by_slots(msg, slots, like):
    """Rows of `msg` [E, C] summed into `like.shape[0]` rows through `message_slots` (see there)."""
    slot, k = slots
    n, c = like.shape[0], msg.shape[1]
    table = torch.zeros(n * k, c, dtype=msg.dtype, device=msg.device)
    table[slot] = msg
    return table.view(n, k, c).sum(1)


def slot_table(dst, num_nodes):
    """The inverse of `message_slots`: for each slot of the [num_nodes * K] table, the message that fills it (its index
    in dst), or len(dst) for an empty slot; and K. Gathering the messages (with one extra row for the empty slots)
    by it and summing over K gives the sums by target, with no scatter at all."""
    slot, k = message_slots(dst)
    e = dst.shape[0]
    ar = torch.arange(e, dtype=dst.dtype, device=dst.device)
    table = torch.zeros(num_nodes * k, dtype=dst.dtype, device=dst.device) + e
    return table.scatter(0, slot, ar), k


def softplus_exact(x):
    """softplus(x) = log(1 + e^x). Eager: torch's kernel. ONNX export: relu(x) + log(1 + exp(-|x|)), the same function
    (overflow-free; equal to torch's thresholded softplus to float32 rounding), in ops that onnxruntime's CPU provider
    runs fast: its `Softplus` kernel (alone or fused into a FusedGemm) is a scalar loop on one thread, ~4x the time of
    these five elementwise ops together (Exp is vectorised and multi-threaded by MLAS)."""
    if torch.onnx.is_in_onnx_export():
        return torch.relu(x) + torch.log(1.0 + torch.exp(-torch.abs(x)))
    return nn.functional.softplus(x)


class FastPairwiseDualEncoder(nn.Module):
    """PairwiseDualEncoder's function (same inputs, outputs and trained weights) rearranged for onnxruntime on CPU.

    * All six SchNet filter networks read the same edge attributes and not the atom features: their first Linear
      layers run before the interactions (six GEMMs; `fuse_filters` makes them one [Pg, H] x [H, 6H] GEMM, which measured
      no faster in onnxruntime on 2 cores and needs a Slice copy per interaction), then softplus.
    * Shifted softplus `ssp(x) = softplus(x) - log 2` is always followed by a Linear layer: the shift is folded into that
      layer's bias (b - log 2 * W 1, computed in float64), so no subtraction runs on the edges.
    * softplus exports as relu(x) + log(1 + exp(-|x|)) (`softplus_exact`); eager mode keeps torch's kernel.
    * pos[i] - pos[j] is computed once per pair set and reused for the lengths and the output transform.
    * Sums over messages. Eager mode: index_add into the targets cat(j, i) (messages i -> j, then j -> i), a pair's
      filter broadcast over both directions. ONNX export: no scatter-add at all. onnxruntime's CPU ScatterND with
      reduction='add' races when it runs on more than one thread and indices repeat (microsoft/onnxruntime#18048,
      #23396; the previous export gave wrong eps_global in ~40% of calls at 2 threads). Instead `slot_table` lays the
      messages of each pair set out once per call as an [N, K] table (K the largest number of messages to one atom,
      message order kept), and every sum is a Gather into that table and a ReduceSum over K: deterministic, and no
      zero-filled scatter target per layer. Empty slots read a zero row (SchNet: a zero atom row, lin1 has no bias;
      GIN: an edge-attribute row of -inf, relu(h - inf) = 0; output transform: a zero row).
    * A missing direction of a global pair, or a pair beyond the cut-off, sends its message from the zero atom row
      instead of multiplying the filter by 0/1 masks in every interaction (the message is 0 either way).
    The fused and folded weights are derived from `net` when this module is built (buffers, float32): build it after
    the weights are final (it is an export/inference form, not trained).
    """

    def __init__(self, net, fuse_filters=False):
        super().__init__()
        self.net = net
        self.fuse_filters = fuse_filters
        shift = math.log(2.0)
        blocks = list(net.encoder_global.interactions)
        cutoffs = {b.cutoff for b in blocks}
        if len(cutoffs) != 1:
            raise ValueError('FastPairwiseDualEncoder needs one cut-off for all interactions')
        self.cutoff = float(cutoffs.pop())
        self.hidden = net.config['hidden']
        with torch.no_grad():
            self.register_buffer('filter_w1', torch.cat([b.filter[0].weight for b in blocks], 0).detach().clone())
            self.register_buffer('filter_b1', torch.cat([b.filter[0].bias for b in blocks], 0).detach().clone())
            for k, b in enumerate(blocks):
                w2, b2 = b.filter[2].weight.double(), b.filter[2].bias.double()
                self.register_buffer(f'filter_b2_{k}', (b2 - shift * w2.sum(1)).float())
                wl, bl = b.lin.weight.double(), b.lin.bias.double()
                self.register_buffer(f'lin_b_{k}', (bl - shift * wl.sum(1)).float())

    def local(self, atom_type, pos, local_pairs, local_type):
        net = self.net
        i, j = local_pairs[0], local_pairs[1]
        d = pos[i] - pos[j]
        length = d.norm(dim=-1, keepdim=True)
        attr = net.edge_encoder_local(length, local_type)
        enc = net.encoder_local
        h = enc.atom_emb(atom_type)
        n_atoms, n_pairs = h.shape[0], attr.shape[0]
        src, dst = torch.cat([i, j], 0), torch.cat([j, i], 0)
        export = torch.onnx.is_in_onnx_export()
        if export:
            table, k_max = slot_table(dst, n_atoms)
            src_t = torch.cat([src, torch.zeros_like(src[:1])], 0)[table]
            pair_t = torch.cat([torch.arange(n_pairs).repeat(2), torch.full_like(src[:1], n_pairs)], 0)[table]
            attr_t = torch.cat([attr, torch.full_like(attr[:1], -math.inf)], 0)[pair_t]
        for k, conv in enumerate(enc.convs):
            if export:
                agg = torch.relu(h[src_t] + attr_t).view(n_atoms, k_max, -1).sum(1)
            else:
                agg = scatter_rows(torch.relu(h[src].view(2, n_pairs, -1) + attr).view(2 * n_pairs, -1), dst, h)
            out = conv.nn(agg + h)
            if k < len(enc.convs) - 1:
                out = torch.relu(out)
            h = out + h
        inv = net.grad_local_dist_mlp(torch.cat([h[i] * h[j], attr], dim=-1))
        dd = d / length * (2.0 * inv)
        if export:
            return torch.cat([-dd, dd, torch.zeros_like(dd[:1])], 0)[table].view(n_atoms, k_max, 3).sum(1)
        return scatter_rows(torch.cat([-dd, dd], 0), dst, pos)

    def forward(self, atom_type, pos, local_pairs, local_type, global_pairs, global_type, global_dir):
        net = self.net
        H = self.hidden
        i, j = global_pairs[0], global_pairs[1]
        d = pos[i] - pos[j]
        length = d.norm(dim=-1, keepdim=True)
        attr = net.edge_encoder_global(length, global_type)
        enc = net.encoder_global
        h = enc.embedding(atom_type)
        n_atoms, n_pairs = h.shape[0], attr.shape[0]
        # message sources: the zero atom row (index n_atoms) where the directed edge is missing or beyond the cut-off
        within = length[:, 0] <= self.cutoff
        none = torch.full_like(i, n_atoms)
        src = torch.cat([torch.where(within & (global_dir[:, 0] > 0), i, none),
                         torch.where(within & (global_dir[:, 1] > 0), j, none)], 0)
        dst = torch.cat([j, i], 0)
        export = torch.onnx.is_in_onnx_export()
        if export:
            table, k_max = slot_table(dst, n_atoms)
            src_t = torch.cat([src, none[:1]], 0)[table]
            pair_t = torch.cat([torch.arange(n_pairs).repeat(2), torch.full_like(src[:1], n_pairs)], 0)[table]
            # one extra filter row (any finite values: empty slots multiply it by the zero atom row)
            attr_f = torch.cat([attr, torch.zeros_like(attr[:1])], 0)
        else:
            attr_f = attr
        if self.fuse_filters:
            filters = softplus_exact(nn.functional.linear(attr_f, self.filter_w1, self.filter_b1))  # [P, 6H]
        zero_row = torch.zeros_like(h[:1])
        for k, block in enumerate(enc.interactions):
            a = filters[:, k * H:(k + 1) * H] if self.fuse_filters else softplus_exact(block.filter[0](attr_f))
            w = nn.functional.linear(a, block.filter[2].weight, getattr(self, f'filter_b2_{k}'))
            x = block.lin1(torch.cat([h, zero_row], 0))
            if export:
                agg = (x[src_t] * w[pair_t]).view(n_atoms, k_max, H).sum(1)
            else:
                agg = scatter_rows((x[src].view(2, n_pairs, H) * w).view(2 * n_pairs, H), dst, h)
            h = h + nn.functional.linear(softplus_exact(block.lin2(agg)), block.lin.weight, getattr(self, f'lin_b_{k}'))
        inv = net.grad_global_dist_mlp(torch.cat([h[i] * h[j], attr], dim=-1))
        weight = (global_dir[:, 0:1] + global_dir[:, 1:2]) * (global_type == 0).to(inv.dtype).unsqueeze(-1)
        dd = d / length * (inv * weight)
        if export:
            eps_global = torch.cat([-dd, dd, torch.zeros_like(dd[:1])], 0)[table].view(n_atoms, k_max, 3).sum(1)
        else:
            eps_global = scatter_rows(torch.cat([-dd, dd], 0), dst, pos)
        return self.local(atom_type, pos, local_pairs, local_type), eps_global


class FastPairwiseLocalOnly(nn.Module):
    """The local branch of FastPairwiseDualEncoder alone."""

    def __init__(self, fast):
        super().__init__()
        self.fast = fast

    def forward(self, atom_type, pos, local_pairs, local_type):
        return self.fast.local(atom_type, pos, local_pairs, local_type)
