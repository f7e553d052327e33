#!/usr/bin/python3
"""RDKit MMFF94 reference data for the openchemlib MMFF94 refinement (refine-with-mmff.test.ts).

For each molecule: one ETKDGv3 conformer (fixed seed), written twice as SD records with explicit hydrogens in
MolFromSmiles + AddHs order (= @lab/geodiff parseSmiles order):

  1. ROLE=start            the ETKDG conformer, with RDKit's MMFF94 and MMFF94s energies of it;
  2. ROLE=rdkit-minimised  the same conformer after RDKit MMFFOptimizeMolecule (MMFF94, maxIters=10000), with its
                           MMFF94 energy and RDKit's return code (0 = converged).

Energies (kcal/mol) are computed on the coordinates as written (4 decimals), so a reader of the file sees exactly the
geometry RDKit scored. RDKit defaults otherwise: constant dielectric 1, nonbonded cutoff 100 A.

    /usr/bin/python3 rdkit-mmff-reference.py > mmff-etkdg.sdf                  # the committed fixture
    /usr/bin/python3 rdkit-mmff-reference.py --smiles first_5K.smi --count 12  # the live parity test's input

With --smiles, the first --count usable molecules of a .smi file (SMILES first on each line) are taken: one fragment,
elements H C N O F Si P S Cl Br I only, no radicals, 4-35 heavy atoms, MMFF94-typable by RDKit, embeddable.
"""
import argparse
import sys

import rdkit
from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem

RDLogger.DisableLog("rdApp.*")

SEED = 20240611
FIXTURE = [
    ("(S)-ibuprofen", "CC(C)Cc1ccc([C@H](C)C(=O)O)cc1"),
    ("aspirin", "CC(=O)Oc1ccccc1C(=O)O"),
    ("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"),
    ("4-nitrophenol", "O=[N+]([O-])c1ccc(O)cc1"),
    ("benzyltrimethylammonium", "C[N+](C)(C)Cc1ccccc1"),
    ("sulfanilamide", "Nc1ccc(S(N)(=O)=O)cc1"),
]
ALLOWED = {1, 6, 7, 8, 9, 14, 15, 16, 17, 35, 53}


def energy(mol: Chem.Mol, variant: str) -> float:
    props = AllChem.MMFFGetMoleculeProperties(mol, mmffVariant=variant)
    return AllChem.MMFFGetMoleculeForceField(mol, props).CalcEnergy()


def reread(mol: Chem.Mol) -> Chem.Mol:
    return Chem.MolFromMolBlock(Chem.MolToMolBlock(mol), removeHs=False)


def usable(smiles: str) -> bool:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None or "." in smiles or not 4 <= mol.GetNumAtoms() <= 35:
        return False
    if any(a.GetAtomicNum() not in ALLOWED or a.GetNumRadicalElectrons() for a in mol.GetAtoms()):
        return False
    return AllChem.MMFFHasAllMoleculeParams(Chem.AddHs(mol))


def records(name: str, smiles: str) -> list:
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    params = AllChem.ETKDGv3()
    params.randomSeed = SEED
    if AllChem.EmbedMolecule(mol, params) != 0:
        return []
    source = f"RDKit {rdkit.__version__} ETKDGv3 randomSeed={SEED}, MMFF94 (rdkit-mmff-reference.py)"
    start = reread(mol)
    start.SetProp("_Name", name)
    start.SetProp("SMILES", smiles)
    start.SetProp("ROLE", "start")
    start.SetProp("MMFF94_ENERGY", f"{energy(start, 'MMFF94'):.6f}")
    start.SetProp("MMFF94S_ENERGY", f"{energy(start, 'MMFF94s'):.6f}")
    start.SetProp("SOURCE", source)
    minimised = Chem.Mol(start)
    status = AllChem.MMFFOptimizeMolecule(minimised, mmffVariant="MMFF94", maxIters=10000)
    minimised = reread(minimised)
    minimised.SetProp("_Name", name)
    minimised.SetProp("SMILES", smiles)
    minimised.SetProp("ROLE", "rdkit-minimised")
    minimised.SetProp("MMFF94_ENERGY", f"{energy(minimised, 'MMFF94'):.6f}")
    minimised.SetProp("RDKIT_MINIMISE_STATUS", str(status))
    minimised.SetProp("SOURCE", source)
    return [start, minimised]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smiles", help=".smi file (SMILES, then an optional name/id)")
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args()
    if args.smiles is None:
        molecules = FIXTURE
    else:
        molecules = []
        with open(args.smiles) as f:
            for line in f:
                parts = line.split()
                if parts and usable(parts[0]):
                    molecules.append((f"NCI {parts[1] if len(parts) > 1 else len(molecules) + 1}", parts[0]))
                if len(molecules) >= args.count:
                    break
    writer = Chem.SDWriter(sys.stdout)
    for name, smiles in molecules:
        for mol in records(name, smiles):
            writer.write(mol)
    writer.close()


if __name__ == "__main__":
    main()
