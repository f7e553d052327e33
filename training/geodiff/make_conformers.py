#!/usr/bin/env python3
"""Builds the conformer sets GeoDiff is trained and evaluated on here, with RDKit (ETKDG v3 + MMFF94).

GEOM's reference conformers (CREST/xTB) cannot be had on this machine, so every conformer we train on or compare with
is an RDKit ETKDG conformer relaxed with MMFF94. Two modes:

  train      real molecules from Debian rdkit-data (/usr/share/RDKit/Data/NCI/first_5K.smi) and their BRICS fragments
             of QM9 size (<= 9 heavy atoms), minus every molecule of the GEOM test sets (canonical SMILES with and
             without stereo), split by molecule into train / val SDF files.
  reference  the reference ensembles of a test list (`smiles,n_conformers`, the GEOM test SMILES): n_conformers
             (capped by --max-confs) ETKDG + MMFF conformers per molecule, with the time per conformer recorded.
             With --factor 2 --no-mmff --seed 100000 the same mode makes the RDKit ETKDG baseline to compare with.

The SDF records carry `smiles` (input), `conf_id`, `source`. The TypeScript package turns them into training arrays:
`geodiff featurize --input data/train.sdf --out data/train.npz` (see training/README.md).

Usage (Debian's interpreter, `apt-get install python3-rdkit rdkit-data`):
  /usr/bin/python3 training/geodiff/make_conformers.py train --out training/geodiff/data
  /usr/bin/python3 training/geodiff/make_conformers.py reference --input ../shared/data/geom-test-smiles/qm9_test_smiles.csv \
      --out training/geodiff/data/qm9-ref.sdf --every 20 --max-confs 16
"""
import argparse
import csv
import json
import os
import random
import sys
import time

from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem, BRICS
from rdkit.Chem.MolStandardize import rdMolStandardize

RDLogger.DisableLog('rdApp.*')

NCI = '/usr/share/RDKit/Data/NCI/first_5K.smi'
SUPPORTED = {1, 5, 6, 7, 8, 9, 14, 15, 16, 17, 34, 35, 53}
GEOM_TESTS = ('qm9_test_smiles.csv', 'drugs_test_smiles.csv')


def canonical_keys(mol):
    """Canonical SMILES with and without stereo, hydrogens implicit."""
    m = Chem.RemoveHs(mol)
    return {Chem.MolToSmiles(m), Chem.MolToSmiles(m, isomericSmiles=False)}


def excluded_smiles(geom_dir):
    keys = set()
    for name in GEOM_TESTS:
        path = os.path.join(geom_dir, name)
        if not os.path.exists(path):
            sys.exit(f'missing {path}: the GEOM test SMILES are needed to keep test molecules out of training')
        with open(path) as f:
            for row in csv.DictReader(f):
                mol = Chem.MolFromSmiles(row['smiles'])
                if mol is not None:
                    keys |= canonical_keys(mol)
    return keys


def usable(mol, max_heavy):
    if mol is None or mol.GetNumHeavyAtoms() < 2 or mol.GetNumHeavyAtoms() > max_heavy:
        return False
    if any(a.GetAtomicNum() not in SUPPORTED for a in mol.GetAtoms()):
        return False
    if any(b.GetBondType() not in (Chem.BondType.SINGLE, Chem.BondType.DOUBLE, Chem.BondType.TRIPLE, Chem.BondType.AROMATIC)
           for b in mol.GetBonds()):
        return False
    return len(Chem.GetMolFrags(mol)) == 1


def brics_fragments(mol, max_heavy=9, min_heavy=3):
    """BRICS fragments with the dummy attachment atoms replaced by hydrogens."""
    out = []
    for smi in BRICS.BRICSDecompose(mol, keepNonLeafNodes=True):
        frag = Chem.MolFromSmiles(smi)
        if frag is None:
            continue
        rw = Chem.RWMol(frag)
        for atom in rw.GetAtoms():
            if atom.GetAtomicNum() == 0:
                atom.SetAtomicNum(1)
                atom.SetIsotope(0)
        try:
            frag = Chem.RemoveHs(rw.GetMol())
            Chem.SanitizeMol(frag)
        except Exception:
            continue
        if min_heavy <= frag.GetNumHeavyAtoms() <= max_heavy:
            out.append(Chem.MolToSmiles(frag))
    return out


def embed(smiles, num_confs, seed, prune_rms=0.5, mmff=True):
    """ETKDG v3 conformers, relaxed with MMFF94 unless mmff=False; returns the molecule with hydrogens, or None."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    mol = Chem.AddHs(mol)
    params = AllChem.ETKDGv3()
    params.randomSeed = seed
    params.pruneRmsThresh = prune_rms
    params.numThreads = 1
    ids = AllChem.EmbedMultipleConfs(mol, numConfs=num_confs, params=params)
    if len(ids) == 0:
        return None
    if not mmff:
        return mol
    if not AllChem.MMFFHasAllMoleculeParams(mol):
        return None
    AllChem.MMFFOptimizeMoleculeConfs(mol, numThreads=1, maxIters=2000)
    return mol


def write_confs(writer, mol, smiles, source):
    for k, conf in enumerate(mol.GetConformers()):
        mol.SetProp('_Name', smiles)
        mol.SetProp('smiles', smiles)
        mol.SetProp('conf_id', str(k))
        mol.SetProp('source', source)
        writer.write(mol, confId=conf.GetId())


def cmd_train(args):
    rng = random.Random(args.seed)
    excluded = excluded_smiles(args.geom_dir)
    largest = rdMolStandardize.LargestFragmentChooser()
    drugs, frags = [], set()
    with open(NCI) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            mol = Chem.MolFromSmiles(parts[0])
            if mol is None:
                continue
            mol = largest.choose(mol)
            if usable(mol, args.max_heavy) and not (canonical_keys(mol) & excluded):
                drugs.append(Chem.MolToSmiles(mol))
            if mol is not None and mol.GetNumHeavyAtoms() <= 30:  # BRICS with non-leaf nodes grows combinatorially
                for smi in brics_fragments(mol):
                    fm = Chem.MolFromSmiles(smi)
                    if usable(fm, 9) and not (canonical_keys(fm) & excluded):
                        frags.add(smi)
    drugs = sorted(set(drugs))
    frags = sorted(frags - set(drugs))
    print(f'{len(drugs)} NCI molecules, {len(frags)} QM9-sized BRICS fragments (after excluding GEOM test molecules)')
    items = [(s, 'nci') for s in drugs] + [(s, 'brics') for s in frags]
    rng.shuffle(items)
    n_val = max(1, int(len(items) * args.val_fraction))
    splits = {'val': items[:n_val], 'train': items[n_val:]}
    os.makedirs(args.out, exist_ok=True)
    stats = {}
    for split, rows in splits.items():
        path = os.path.join(args.out, f'{split}.sdf')
        writer = Chem.SDWriter(path)
        n_mols = n_confs = 0
        t0 = time.time()
        for i, (smi, source) in enumerate(rows):
            mol = embed(smi, args.confs, seed=args.seed + i)
            if mol is None:
                continue
            write_confs(writer, mol, smi, source)
            n_mols += 1
            n_confs += mol.GetNumConformers()
            if (i + 1) % 200 == 0:
                print(f'  {split}: {i + 1}/{len(rows)} molecules, {n_confs} conformers, {time.time() - t0:.0f} s', flush=True)
        writer.close()
        stats[split] = {'molecules': n_mols, 'conformers': n_confs, 'seconds': round(time.time() - t0, 1)}
        print(f'{path}: {n_mols} molecules, {n_confs} conformers')
    with open(os.path.join(args.out, 'conformers.json'), 'w') as f:
        json.dump({'source': NCI, 'method': 'RDKit ETKDGv3 + MMFF94', 'rdkit': Chem.rdBase.rdkitVersion,
                   'confs_per_molecule': args.confs, 'excluded': 'GEOM-QM9 and GEOM-Drugs test SMILES', **stats}, f, indent=2)


def cmd_reference(args):
    with open(args.input) as f:
        rows = list(csv.DictReader(f))
    rows = rows[::args.every]
    if args.limit:
        rows = rows[:args.limit]
    writer = Chem.SDWriter(args.out)
    timings = []
    skipped = []
    for i, row in enumerate(rows):
        smi = row['smiles']
        n = args.factor * min(int(row['n_conformers']), args.max_confs)
        t0 = time.perf_counter()
        mol = embed(smi, n, seed=args.seed + i, prune_rms=-1, mmff=not args.no_mmff)
        dt = time.perf_counter() - t0
        if mol is None:
            skipped.append(smi)
            continue
        timings.append((dt, mol.GetNumConformers()))
        write_confs(writer, mol, smi, 'rdkit-etkdg' if args.no_mmff else 'rdkit-etkdg-mmff')
        if (i + 1) % 50 == 0:
            print(f'  {i + 1}/{len(rows)}', flush=True)
    writer.close()
    total_t = sum(t for t, _ in timings)
    total_c = sum(c for _, c in timings)
    meta = {'input': os.path.basename(args.input), 'every': args.every, 'limit': args.limit, 'max_confs': args.max_confs,
            'molecules': len(timings), 'conformers': total_c, 'skipped': skipped,
            'seconds': round(total_t, 2), 'seconds_per_conformer': total_t / max(total_c, 1),
            'factor': args.factor, 'seed': args.seed,
            'method': 'RDKit ETKDGv3' + ('' if args.no_mmff else ' + MMFF94') + ', one thread', 'rdkit': Chem.rdBase.rdkitVersion}
    with open(args.out + '.json', 'w') as f:
        json.dump(meta, f, indent=2)
    print(json.dumps(meta))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    t = sub.add_parser('train')
    t.add_argument('--out', default=os.path.join(os.path.dirname(__file__), 'data'))
    t.add_argument('--geom-dir', default=os.path.join(os.path.dirname(__file__), '../../../shared/data/geom-test-smiles'))
    t.add_argument('--confs', type=int, default=4)
    t.add_argument('--max-heavy', type=int, default=40)
    t.add_argument('--val-fraction', type=float, default=0.03)
    t.add_argument('--seed', type=int, default=0)
    r = sub.add_parser('reference')
    r.add_argument('--input', required=True)
    r.add_argument('--out', required=True)
    r.add_argument('--every', type=int, default=1, help='take every k-th molecule of the list (a spread-out subset)')
    r.add_argument('--limit', type=int, default=0)
    r.add_argument('--max-confs', type=int, default=1000)
    r.add_argument('--seed', type=int, default=0)
    r.add_argument('--factor', type=int, default=1, help='conformers per molecule = factor * min(n_conformers, max_confs)')
    r.add_argument('--no-mmff', action='store_true', help='plain ETKDG (the RDKit baseline of the GeoDiff paper)')
    args = p.parse_args()
    cmd_train(args) if args.cmd == 'train' else cmd_reference(args)


if __name__ == '__main__':
    main()
