#!/usr/bin/env python3
"""Converts a checkpoint of the reference GeoDiff implementation (MinkaiXu/GeoDiff, `checkpoints/<name>/<iter>.pt`, a
dict with 'config' and 'model') into an export that `@lab/geodiff` loads: model.onnx + local/model.onnx, manifests,
golden files and geodiff.json.

The reference's dual encoder with `network: dualenc`, `edge_encoder: mlp` and `smooth_conv: false` (the QM9 and Drugs
configs) maps onto geodiff_model.DualEncoderEpsNetwork parameter by parameter:

  encoder_global.interactions.i.conv.nn.{0,2}   -> encoder_global.interactions.i.filter.{0,2}
  encoder_global.interactions.i.conv.lin{1,2}    -> encoder_global.interactions.i.lin{1,2}
  encoder_local.node_emb                         -> encoder_local.atom_emb
  everything else                                -> the same name
  model_global.*, model_local.*, betas, alphas   -> dropped (aliases and the schedule)

Two behaviours of the reference are reproduced in the weights: its SchNet atom embedding has max_norm=10 (rows longer
than 10 are rescaled when looked up; here they are rescaled once), and its forward pass embeds the local edges with the
*global* edge encoder (its `edge_encoder_local` is never used), so `edge_encoder_global` is copied into
`edge_encoder_local`.

No real checkpoint can be had on this machine; the conversion is tested end to end on a SYNTHETIC checkpoint with the
reference's layout (make_fake_reference_checkpoint.py).

Usage:
  /usr/bin/python3 training/geodiff/convert_reference_checkpoint.py CHECKPOINT.pt --out DIR [--golden-npz val.npz]
(`--golden-npz`: arrays from `geodiff featurize` of any SDF; the first two conformers become the golden input.)
"""
import argparse
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
from geodiff_model import DualEncoderEpsNetwork  # noqa: E402


def config_value(config, key, default=None):
    if config is None:
        return default
    if isinstance(config, dict):
        return config.get(key, default)
    return getattr(config, key, default)


def model_config(ckpt):
    cfg = ckpt.get('config') if isinstance(ckpt, dict) else None
    model_cfg = config_value(cfg, 'model', cfg)
    get = lambda k, d: config_value(model_cfg, k, d)  # noqa: E731
    if get('network', 'dualenc') != 'dualenc':
        raise SystemExit(f"network {get('network', None)!r} is not supported: only the dual encoder ('dualenc') converts")
    if get('edge_encoder', 'mlp') != 'mlp':
        raise SystemExit(f"edge_encoder {get('edge_encoder', None)!r} is not supported: only 'mlp' converts")
    if get('smooth_conv', False):
        raise SystemExit('smooth_conv: true is not supported (the exported SchNet uses the hard cut-off of the QM9/Drugs configs)')
    if get('mlp_act', 'relu') != 'relu':
        raise SystemExit(f"mlp_act {get('mlp_act', None)!r} is not supported: only relu")
    if get('type', 'diffusion') != 'diffusion':
        raise SystemExit(f"model type {get('type', None)!r} is not supported: only 'diffusion'")
    return {
        'hidden': int(get('hidden_dim', 128)), 'num_convs': int(get('num_convs', 6)),
        'num_convs_local': int(get('num_convs_local', 4)), 'cutoff': float(get('cutoff', 10.0)),
        'edge_order': int(get('edge_order', 3)), 'beta_schedule': get('beta_schedule', 'sigmoid'),
        'beta_start': float(get('beta_start', 1e-7)), 'beta_end': float(get('beta_end', 2e-3)),
        'num_diffusion_timesteps': int(get('num_diffusion_timesteps', 5000)),
    }


def rename(key):
    """Reference parameter name -> ours (None: drop)."""
    if key.startswith(('model_global.', 'model_local.')) or key in ('betas', 'alphas', 'sigmas'):
        return None
    key = key.replace('.conv.nn.', '.filter.').replace('.conv.lin1.', '.lin1.').replace('.conv.lin2.', '.lin2.')
    return key.replace('encoder_local.node_emb.', 'encoder_local.atom_emb.')


def convert_state(state):
    out = {}
    for key, value in state.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        new = rename(key)
        if new is not None:
            out[new] = value.detach().clone().float()
    emb = out['encoder_global.embedding.weight']
    norms = emb.norm(dim=1, keepdim=True)
    out['encoder_global.embedding.weight'] = torch.where(norms > 10.0, emb * (10.0 / (norms + 1e-7)), emb)
    for key in [k for k in out if k.startswith('edge_encoder_global.')]:
        out[key.replace('edge_encoder_global.', 'edge_encoder_local.')] = out[key].clone()
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('checkpoint')
    p.add_argument('--out', required=True)
    p.add_argument('--golden-npz', default=os.path.join(HERE, 'data', 'val.npz'))
    p.add_argument('--name', default='geodiff-converted')
    p.add_argument('--version', default='0.1.0')
    args = p.parse_args()
    ckpt = torch.load(args.checkpoint, map_location='cpu')
    state = ckpt['model'] if isinstance(ckpt, dict) and 'model' in ckpt else ckpt
    cfg = model_config(ckpt)
    if cfg['edge_order'] != 3:
        print(f"note: edge_order {cfg['edge_order']} — featurize with the same order (geodiff.json records it)")
    model = DualEncoderEpsNetwork(cfg['hidden'], cfg['num_convs'], cfg['num_convs_local'], cfg['cutoff'])
    missing, unexpected = model.load_state_dict(convert_state(state), strict=False)
    if missing or unexpected:
        raise SystemExit(f'checkpoint does not match the dual encoder: missing {missing}, unexpected {unexpected}')

    from train_geodiff import ConformerSet, export  # noqa: E402
    if not os.path.exists(args.golden_npz):
        raise SystemExit(f'{args.golden_npz} not found: pass --golden-npz with arrays from `geodiff featurize` of any SDF')
    export_args = argparse.Namespace(version=args.version, timesteps=cfg['num_diffusion_timesteps'], name=args.name,
                                     beta_start=cfg['beta_start'], beta_end=cfg['beta_end'],
                                     beta_schedule=cfg['beta_schedule'], edge_order=cfg['edge_order'],
                                     training_data=f'converted from {os.path.basename(args.checkpoint)} (reference GeoDiff checkpoint)')
    export(model, ConformerSet(args.golden_npz), args.out, export_args, {'best_val': None, 'iterations': None, 'minutes': None})


if __name__ == '__main__':
    main()
