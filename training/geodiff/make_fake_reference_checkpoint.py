#!/usr/bin/env python3
"""Writes a SYNTHETIC checkpoint in the layout of the reference GeoDiff code (random weights, not a trained model), to
test convert_reference_checkpoint.py end to end where no real checkpoint can be had.

The state dict uses the reference's parameter names (conv.nn / conv.lin1 / conv.lin2 in the SchNet blocks, node_emb in
the GIN encoder, the model_global / model_local aliases, betas and alphas), and the SchNet atom embedding has rows longer
than 10 so that the max_norm=10 behaviour matters. Next to it, `expected.npz` holds what the reference forward pass
computes on a fixed input (local edges embedded with the global edge encoder, embedding rows renormalised to 10),
evaluated with the module of geodiff_model.py under that behaviour.

Usage: /usr/bin/python3 training/geodiff/make_fake_reference_checkpoint.py OUT_DIR
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from geodiff_model import DualEncoderEpsNetwork, radius_graph, to_pairs  # noqa: E402


def reference_names(state):
    out = {}
    for key, value in state.items():
        k = key.replace('.filter.', '.conv.nn.').replace('encoder_global.interactions.', 'encoder_global.interactions.')
        k = k.replace('.lin1.', '.conv.lin1.').replace('.lin2.', '.conv.lin2.')
        k = k.replace('encoder_local.atom_emb.', 'encoder_local.node_emb.')
        out[k] = value.clone()
    for prefix, parts in (('model_global', ['edge_encoder_global', 'encoder_global', 'grad_global_dist_mlp']),
                          ('model_local', ['edge_encoder_local', 'encoder_local', 'grad_local_dist_mlp'])):
        for i, part in enumerate(parts):
            for k, v in list(out.items()):
                if k.startswith(part + '.'):
                    out[f'{prefix}.{i}.{k[len(part) + 1:]}'] = v.clone()
    betas = torch.sigmoid(torch.linspace(-6, 6, 5000)) * (2e-3 - 1e-7) + 1e-7
    out['betas'] = betas
    out['alphas'] = torch.cumprod(1 - betas, 0)
    return out


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(11)
    net = DualEncoderEpsNetwork(hidden=32, num_convs=2, num_convs_local=2)
    with torch.no_grad():
        net.encoder_global.embedding.weight.mul_(8.0)  # rows of norm ~45: max_norm=10 matters
        for p in net.parameters():
            p.add_(0.05 * torch.randn_like(p))
    state = reference_names(net.state_dict())
    config = {'model': {'type': 'diffusion', 'network': 'dualenc', 'hidden_dim': 32, 'num_convs': 2, 'num_convs_local': 2,
                        'cutoff': 10.0, 'mlp_act': 'relu', 'beta_schedule': 'sigmoid', 'beta_start': 1e-7,
                        'beta_end': 2e-3, 'num_diffusion_timesteps': 5000, 'edge_order': 3, 'edge_encoder': 'mlp',
                        'smooth_conv': False}}
    torch.save({'config': config, 'model': state, 'iteration': 0}, os.path.join(out_dir, 'fake-reference.pt'))

    # The reference forward pass on a fixed input: a 5-atom chain with its order-3 edges and a radius graph.
    atom_type = torch.tensor([6, 6, 8, 1, 1])
    pos = torch.tensor([[0.0, 0.0, 0.0], [1.5, 0.1, 0.0], [2.2, 1.2, 0.3], [-0.5, 0.9, 0.2], [2.9, 1.6, -0.4]])
    bonds = [(0, 1, 1), (1, 2, 1), (0, 3, 1), (2, 4, 1)]
    dist = {(0, 1): 1, (1, 2): 1, (0, 3): 1, (2, 4): 1, (0, 2): 2, (1, 3): 2, (1, 4): 2, (2, 3): 3, (0, 4): 3}
    edges = sorted([(i, j, 1 if d == 1 else 22 + d - 1) for (i, j), d in dist.items()] +
                   [(j, i, 1 if d == 1 else 22 + d - 1) for (i, j), d in dist.items()])
    local_index = torch.tensor([[e[0] for e in edges], [e[1] for e in edges]])
    local_type = torch.tensor([e[2] for e in edges])
    gi, gt = radius_graph(pos, torch.zeros(5, dtype=torch.long), local_index, local_type)
    assert len(bonds) == 4
    ref = DualEncoderEpsNetwork(hidden=32, num_convs=2, num_convs_local=2)
    ref.load_state_dict(net.state_dict())
    with torch.no_grad():
        w = ref.encoder_global.embedding.weight
        n = w.norm(dim=1, keepdim=True)
        w.copy_(torch.where(n > 10.0, w * (10.0 / (n + 1e-7)), w))
        ref.edge_encoder_local.load_state_dict(ref.edge_encoder_global.state_dict())
        eps_local, eps_global = ref(atom_type, pos, local_index, local_type, gi, gt)
    # inputs in the export's pair form (the directed-edge reference output above is what must come out)
    lp, lpt, _ = to_pairs(local_index, local_type)
    gp, gpt, gdir = to_pairs(gi, gt)
    np.savez(os.path.join(out_dir, 'expected.npz'), atom_type=atom_type.numpy(), pos=pos.numpy(),
             local_pairs=lp.numpy(), local_type=lpt.numpy(), global_pairs=gp.numpy(), global_type=gpt.numpy(),
             global_dir=gdir.numpy(), eps_local=eps_local.numpy(), eps_global=eps_global.numpy())
    print(os.path.join(out_dir, 'fake-reference.pt'))


if __name__ == '__main__':
    main()
