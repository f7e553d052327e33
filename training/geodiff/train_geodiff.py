#!/usr/bin/env python3
"""Trains GeoDiff's dual-encoder network on arrays written by the TypeScript package and exports it to ONNX.

Input: `geodiff featurize` .npz files (one per split) with, for every conformer c,
  atom_type int64 [N], pos float32 [N, 3], num_atoms int64 [C], edge_index int64 [2, E] (order-3 local edges,
  atom indices local to their conformer), edge_type int64 [E], num_edges int64 [C], mol_index int64 [C].

Training is GeoDiff's denoising objective (models/epsnet/dualenc.py `get_loss_diffusion`): a timestep per molecule,
pos_t = pos + eps * sqrt((1 - a)/a), regress the edge scores onto (d_gt - d_t)/sigma_t through eq_transform,
loss = 2 * global + 5 * local; Adam (lr 1e-3, betas 0.95/0.999), plateau schedule (factor 0.6) on the validation loss.

Output (--out, default packages/geodiff/models/geodiff-default): model.onnx (opset 17, dynamic atom and edge counts),
model.json manifest, golden-inputs.npz / golden-outputs.npz, training-log.json.

Usage:
  node packages/geodiff/dist/cli.js featurize --input training/geodiff/data/train.sdf --out training/geodiff/data/train.npz
  node packages/geodiff/dist/cli.js featurize --input training/geodiff/data/val.sdf --out training/geodiff/data/val.npz
  TORCH_THREADS=2 /usr/bin/python3 training/geodiff/train_geodiff.py --minutes 60
  /usr/bin/python3 training/geodiff/train_geodiff.py --export-only   # re-export the last checkpoint
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from common.export import export_model  # noqa: E402
from geodiff_model import (DualEncoderEpsNetwork, FastPairwiseDualEncoder, FastPairwiseLocalOnly, diffusion_loss,  # noqa: E402
                           radius_graph, sigmoid_betas, to_pairs)


class ConformerSet:
    def __init__(self, path):
        z = np.load(path)
        self.atom_type = torch.from_numpy(z['atom_type'].astype(np.int64))
        self.pos = torch.from_numpy(z['pos'].astype(np.float32))
        self.num_atoms = z['num_atoms'].astype(np.int64)
        self.edge_index = torch.from_numpy(z['edge_index'].astype(np.int64))
        self.edge_type = torch.from_numpy(z['edge_type'].astype(np.int64))
        self.num_edges = z['num_edges'].astype(np.int64)
        self.mol_index = z['mol_index'].astype(np.int64)
        self.atom_start = np.concatenate([[0], np.cumsum(self.num_atoms)])
        self.edge_start = np.concatenate([[0], np.cumsum(self.num_edges)])
        self.size = len(self.num_atoms)

    def batch(self, ids):
        atom_type, pos, batch, li, lt = [], [], [], [], []
        offset = 0
        for g, c in enumerate(ids):
            a0, a1 = self.atom_start[c], self.atom_start[c + 1]
            e0, e1 = self.edge_start[c], self.edge_start[c + 1]
            atom_type.append(self.atom_type[a0:a1])
            p = self.pos[a0:a1]
            pos.append(p - p.mean(0, keepdim=True))
            batch.append(torch.full((a1 - a0,), g, dtype=torch.long))
            li.append(self.edge_index[:, e0:e1] + offset)
            lt.append(self.edge_type[e0:e1])
            offset += a1 - a0
        return (torch.cat(atom_type), torch.cat(pos), torch.cat(batch), torch.cat(li, 1), torch.cat(lt), len(ids))


def batches_by_atoms(data, rng, max_atoms):
    """Random conformers grouped into batches of at most `max_atoms` atoms."""
    order = rng.permutation(data.size)
    out, cur, n = [], [], 0
    for c in order:
        k = int(data.num_atoms[c])
        if cur and n + k > max_atoms:
            out.append(cur)
            cur, n = [], 0
        cur.append(int(c))
        n += k
    if cur:
        out.append(cur)
    return out


def evaluate(model, data, alphas, T, max_atoms, seed=123, limit=60):
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    model.eval()
    losses = []
    with torch.no_grad():
        for ids in batches_by_atoms(data, rng, max_atoms)[:limit]:
            loss, _, _ = diffusion_loss(model, data.batch(ids), alphas, T, generator=g)
            losses.append(loss.item())
    model.train()
    return float(np.mean(losses))


def export(model, val, out, args, log):
    """Writes model.onnx + local/model.onnx (same weights), manifests, golden files and geodiff.json to `out`."""
    model.eval()
    name = getattr(args, 'name', 'geodiff-default')
    schedule = {'type': getattr(args, 'beta_schedule', 'sigmoid'), 'betaStart': getattr(args, 'beta_start', 1e-7),
                'betaEnd': getattr(args, 'beta_end', 2e-3), 'numTimesteps': args.timesteps}
    training_data = getattr(args, 'training_data', None) or (
        'RDKit ETKDGv3 + MMFF94 conformers (up to 4 per molecule) of Debian rdkit-data NCI first_5K molecules and their '
        'QM9-sized BRICS fragments, GEOM-QM9/Drugs test molecules excluded (training/geodiff/make_conformers.py); '
        'arrays from `geodiff featurize`')
    ids = [0, 1] if val.size > 1 else [0]
    atom_type, pos, batch, li, lt, _ = val.batch(ids)
    gen = torch.Generator().manual_seed(7)
    pos_noisy = pos + 0.3 * torch.randn(pos.shape, generator=gen)
    gi, gt = radius_graph(pos_noisy, batch, li, lt)
    # The export evaluates the network per unordered atom pair (FastPairwiseDualEncoder: PairwiseDualEncoder's function
    # with the same weights, arranged for onnxruntime): check it against the directed-edge form the network was trained
    # in before writing anything.
    lp, lpt, _ = to_pairs(li, lt)
    gp, gpt, gdir = to_pairs(gi, gt)
    pairwise = FastPairwiseDualEncoder(model).eval()
    with torch.no_grad():
        directed = model(atom_type, pos_noisy, li, lt, gi, gt)
        paired = pairwise(atom_type, pos_noisy, lp, lpt, gp, gpt, gdir)
    for a, b in zip(directed, paired):
        scale = a.abs().max().item() + 1e-6
        assert (a - b).abs().max().item() <= 1e-4 * scale, 'pairwise export form differs from the directed network'
    inputs = {'atom_type': atom_type, 'pos': pos_noisy, 'local_pairs': lp, 'local_type': lpt,
              'global_pairs': gp, 'global_type': gpt, 'global_dir': gdir}
    dyn = {'atom_type': {0: 'atoms'}, 'pos': {0: 'atoms'}, 'local_pairs': {1: 'local_pairs'},
           'local_type': {0: 'local_pairs'}, 'global_pairs': {1: 'global_pairs'}, 'global_type': {0: 'global_pairs'},
           'global_dir': {0: 'global_pairs'}, 'eps_local': {0: 'atoms'}, 'eps_global': {0: 'atoms'}}
    cfg = model.config
    manifest = export_model(
        pairwise, inputs, ['eps_local', 'eps_global'], out,
        name=name, version=args.version, training_data=training_data,
        dynamic_axes=dyn, atol=2e-4, rtol=1e-4,
        description=(f"GeoDiff dual-encoder eps network: SchNet global encoder ({cfg['num_convs']} interactions) on the "
                     f"radius graph (cutoff {cfg['cutoff']} A) + GIN local encoder ({cfg['num_convs_local']} convs) on "
                     f"order-3 bond edges, hidden {cfg['hidden']}; evaluated per unordered atom pair (pairs i < j, "
                     'global_dir flags the directed edges i->j, j->i); outputs per-atom eps_local and eps_global '
                     '(radius edges only), edge scores mapped to atoms by eq_transform.'),
        script='training/geodiff/train_geodiff.py',
        metrics={'val_loss': log.get('best_val'), 'iterations': log.get('iterations'),
                 'train_minutes': log.get('minutes')},
        extra_provenance={'config': cfg, 'schedule': schedule, 'conformers': log.get('conformers')},
    )
    local_inputs = {k: inputs[k] for k in ['atom_type', 'pos', 'local_pairs', 'local_type']}
    export_model(
        FastPairwiseLocalOnly(pairwise), local_inputs, ['eps_local'], os.path.join(out, 'local'),
        name=f'{name}-local', version=args.version, training_data=training_data,
        dynamic_axes={k: dyn[k] for k in list(local_inputs) + ['eps_local']}, atol=2e-4, rtol=1e-4,
        description=f'The local branch of {name} alone (same weights): eps_local, for the sampling steps that do not '
                    'use the global term.',
        script='training/geodiff/train_geodiff.py', metrics=manifest['metrics'])
    with open(os.path.join(out, 'geodiff.json'), 'w') as f:
        json.dump({'network': 'dualenc', **cfg, 'edgeOrder': getattr(args, 'edge_order', 3), 'schedule': schedule,
                   'maxNumNeighbors': 32}, f, indent=2)
        f.write('\n')
    print(f"exported {out}: sha256 {manifest['sha256'][:12]}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', default=os.path.join(HERE, 'data'))
    p.add_argument('--out', default=os.path.join(HERE, '../../packages/geodiff/models/geodiff-default'))
    p.add_argument('--runs', default=os.path.join(HERE, 'runs'))
    p.add_argument('--minutes', type=float, default=60)
    p.add_argument('--max-iters', type=int, default=10 ** 9)
    p.add_argument('--batch-atoms', type=int, default=1200, help='atoms per batch (about 32 drug-like conformers)')
    p.add_argument('--hidden', type=int, default=128)
    p.add_argument('--num-convs', type=int, default=6)
    p.add_argument('--num-convs-local', type=int, default=4)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--timesteps', type=int, default=5000)
    p.add_argument('--val-every', type=int, default=500)
    p.add_argument('--seed', type=int, default=2021)
    p.add_argument('--version', default='0.1.0')
    p.add_argument('--resume', action='store_true')
    p.add_argument('--anneal', action='store_true',
                   help='decay the learning rate linearly from --lr to 5%% of it over the minutes left (with --resume: '
                        'a final annealing phase; the samples of a constant-rate run vary a lot between checkpoints)')
    p.add_argument('--export-only', action='store_true')
    p.add_argument('--export-weights', choices=['best', 'latest'], default='best',
                   help="with --export-only: the checkpoint's best-validation-loss weights or its latest ones")
    args = p.parse_args()
    torch.set_num_threads(int(os.environ.get('TORCH_THREADS', '2')))
    torch.manual_seed(args.seed)
    os.makedirs(args.runs, exist_ok=True)
    ckpt_path = os.path.join(args.runs, 'geodiff.pt')

    train = ConformerSet(os.path.join(args.data, 'train.npz'))
    val = ConformerSet(os.path.join(args.data, 'val.npz'))
    model = DualEncoderEpsNetwork(args.hidden, args.num_convs, args.num_convs_local)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.95, 0.999))
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.6, patience=10, min_lr=1e-5)
    log = {'history': [], 'iterations': 0, 'best_val': None, 'minutes': 0.0,
           'conformers': {'train': int(train.size), 'val': int(val.size),
                          'train_molecules': int(len(set(train.mol_index.tolist()))),
                          'val_molecules': int(len(set(val.mol_index.tolist())))}}
    resumed_best = None
    if (args.resume or args.export_only) and os.path.exists(ckpt_path):
        state = torch.load(ckpt_path)
        resumed_best = state['best_model']
        model.load_state_dict(state['best_model'] if args.export_only and args.export_weights == 'best' else state['model'])
        if not args.export_only:
            opt.load_state_dict(state['opt'])
        log = state['log']
    if args.export_only:
        export(model, val, args.out, args, log)
        return

    betas = sigmoid_betas(1e-7, 2e-3, args.timesteps)
    alphas = torch.cumprod(1 - betas, 0).float()
    rng = np.random.default_rng(args.seed + log['iterations'])
    print(f'{train.size} train conformers, {val.size} val; {sum(p.numel() for p in model.parameters())} parameters')
    t0 = time.time() - log['minutes'] * 60
    it = log['iterations']
    anneal_from = log['minutes']
    if args.anneal:
        log.setdefault('anneal', []).append({'from_minutes': anneal_from, 'to_minutes': args.minutes, 'lr': args.lr})
    best_state = resumed_best  # --resume keeps the best weights so far unless a later validation beats them
    done = False
    while not done:
        for ids in batches_by_atoms(train, rng, args.batch_atoms):
            if args.anneal:
                frac = min(1.0, ((time.time() - t0) / 60 - anneal_from) / max(args.minutes - anneal_from, 1e-6))
                for group in opt.param_groups:
                    group['lr'] = args.lr * (1.0 - 0.95 * frac)
            loss, lg, ll = diffusion_loss(model, train.batch(ids), alphas, args.timesteps)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10000.0)
            opt.step()
            it += 1
            if it % 50 == 0:
                print(f'it {it} loss {loss.item():.3f} (global {lg:.3f} local {ll:.3f}) {(time.time() - t0) / 60:.1f} min', flush=True)
            minutes = (time.time() - t0) / 60
            if it % args.val_every == 0 or minutes > args.minutes or it >= args.max_iters:
                v = evaluate(model, val, alphas, args.timesteps, args.batch_atoms)
                if not args.anneal:
                    sched.step(v)
                log['history'].append({'it': it, 'val_loss': v, 'train_loss': loss.item(), 'lr': opt.param_groups[0]['lr'],
                                       'minutes': round(minutes, 2)})
                if log['best_val'] is None or v < log['best_val']:
                    log['best_val'] = v
                    best_state = {k: t.clone() for k, t in model.state_dict().items()}
                log['iterations'] = it
                log['minutes'] = round(minutes, 2)
                torch.save({'model': model.state_dict(), 'best_model': best_state or model.state_dict(),
                            'opt': opt.state_dict(), 'log': log}, ckpt_path)
                print(f'== it {it} val {v:.4f} best {log["best_val"]:.4f} lr {opt.param_groups[0]["lr"]:.2e}', flush=True)
                if minutes > args.minutes or it >= args.max_iters:
                    done = True
                    break
    model.load_state_dict(best_state)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'training-log.json'), 'w') as f:
        json.dump(log, f, indent=2)
    export(model, val, args.out, args, log)


if __name__ == '__main__':
    main()
