"""Reference values for the GetBestRMS parity test of src/eval (best-rmsd.parity.test.ts).

Picks molecules from RDKit's NCI sample (first_5K.smi, Debian package rdkit-data): symmetric ones, ones with
conjugated terminal groups (nitro, carboxylate, amidine) and plain ones; embeds a few ETKDG conformers of each with a
fixed seed, adds an atom-renumbered copy of one conformer for some of them, writes everything to one SD file, reads it
back and prints, as JSON on stdout, rdMolAlign.GetBestRMS(RemoveHs(probe), RemoveHs(ref)) for every ordered pair of
conformers of each molecule -- GeoDiff's get_best_rmsd.

usage: best_rms_parity.py SMI_FILE OUT_DIR [NUM_MOLECULES]
"""
import json
import random
import sys

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import AllChem, rdMolAlign

RDLogger.DisableLog('rdApp.*')

ALLOWED = {1, 5, 6, 7, 8, 9, 14, 15, 16, 17, 34, 35, 53}  # the package's SUPPORTED_ELEMENTS
TERMINAL = Chem.MolFromSmarts('[O,N;D1;$([O,N;D1]-[*]=[O,N;D1]),$([O,N;D1]=[*]-[O,N;D1])]~[*]')
SEED = 20240607
NUM_CONFS = 3
MAX_MATCHES_FOR_SPEED = 5000


def candidates(path):
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            mol = Chem.MolFromSmiles(parts[0])
            if mol is None or len(Chem.GetMolFrags(mol)) != 1:
                continue
            if any(a.GetAtomicNum() not in ALLOWED for a in mol.GetAtoms()):
                continue
            if not 4 <= mol.GetNumAtoms() <= 24:
                continue
            yield parts[0], mol


def main():
    smi_path, out_dir = sys.argv[1], sys.argv[2]
    wanted = int(sys.argv[3]) if len(sys.argv) > 3 else 72
    quota = {'symmetric': wanted * 4 // 9, 'terminal': wanted * 2 // 9}
    quota['plain'] = wanted - quota['symmetric'] - quota['terminal']
    taken = {k: 0 for k in quota}
    rng = random.Random(SEED)
    writer = Chem.SDWriter(f'{out_dir}/conformers.sdf')
    molecules = []
    record = 0
    for smiles, mol in candidates(smi_path):
        if all(taken[k] >= quota[k] for k in quota):
            break
        heavy = Chem.RemoveHs(mol)
        n_auto = len(heavy.GetSubstructMatches(heavy, uniquify=False, maxMatches=MAX_MATCHES_FOR_SPEED + 1))
        if n_auto > MAX_MATCHES_FOR_SPEED:
            continue
        kind = 'terminal' if mol.HasSubstructMatch(TERMINAL) else 'symmetric' if n_auto > 1 else 'plain'
        if taken[kind] >= quota[kind]:
            continue
        mh = Chem.AddHs(mol)
        params = AllChem.ETKDGv3()
        params.randomSeed = SEED
        cids = list(AllChem.EmbedMultipleConfs(mh, NUM_CONFS, params))
        if len(cids) < 2:
            continue
        confs = []
        for cid in cids:
            m = Chem.Mol(mh, confId=cid)
            m.SetProp('_Name', f'nci_{len(molecules)}_conf{cid}')
            confs.append(m)
        if len(molecules) % 3 == 0:
            # a copy of the first conformer with its atoms (hydrogens included) in another order
            order = list(range(mh.GetNumAtoms()))
            rng.shuffle(order)
            perm = Chem.RenumberAtoms(Chem.Mol(confs[0]), order)
            perm.SetProp('_Name', f'nci_{len(molecules)}_perm')
            confs.append(perm)
        indices = []
        for m in confs:
            writer.write(m)
            indices.append(record)
            record += 1
        taken[kind] += 1
        molecules.append({'smiles': smiles, 'kind': kind, 'automorphisms': n_auto, 'records': indices})
    writer.close()

    # Read the conformers back, so that both sides compare the same (4-decimal) coordinates.
    read = [m for m in Chem.SDMolSupplier(f'{out_dir}/conformers.sdf', removeHs=False)]
    pairs = []
    for entry in molecules:
        for p in entry['records']:
            for r in entry['records']:
                if p == r:
                    continue
                probe = Chem.RemoveHs(Chem.Mol(read[p]))
                ref = Chem.RemoveHs(Chem.Mol(read[r]))
                pairs.append([p, r, rdMolAlign.GetBestRMS(probe, ref)])
    json.dump({'rdkit': rdBase.rdkitVersion, 'molecules': molecules, 'pairs': pairs}, sys.stdout)


if __name__ == '__main__':
    main()
