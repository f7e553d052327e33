#!/usr/bin/python3
"""Regenerates stereo-etkdg.sdf: one RDKit ETKDGv3 conformer (fixed seed) per stereo test molecule.

Run with Debian's RDKit (apt install python3-rdkit), from this folder:

    /usr/bin/python3 generate-stereo-fixtures.py > stereo-etkdg.sdf

Atoms are in the order of RDKit's MolFromSmiles + AddHs, which is also the order of @lab/geodiff's parseSmiles, so a
record's coordinates can be used as a conformer of parseSmiles(<SMILES data item>). Coordinates are RDKit ETKDG
output, not experimental structures.
"""
import sys

import rdkit
from rdkit import Chem
from rdkit.Chem import AllChem

SEED = 20240611
MOLECULES = [
    ("trans-2-butene", "C/C=C/C"),
    ("cis-2-butene", "C/C=C\\C"),
    ("L-alanine", "C[C@@H](C(=O)O)N"),  # (S)
    ("(S)-ibuprofen", "CC(C)Cc1ccc([C@H](C)C(=O)O)cc1"),
    ("L-threonine", "C[C@@H](O)[C@H](N)C(=O)O"),  # (2S,3R)
    ("meso-tartaric acid", "O=C(O)[C@@H](O)[C@@H](O)C(=O)O"),  # (2R,3S)
    ("(Z)-tamoxifen", "CC/C(=C(\\c1ccccc1)c1ccc(OCCN(C)C)cc1)c1ccccc1"),
]


def main() -> None:
    writer = Chem.SDWriter(sys.stdout)
    for name, smiles in MOLECULES:
        mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
        params = AllChem.ETKDGv3()
        params.randomSeed = SEED
        if AllChem.EmbedMolecule(mol, params) != 0:
            raise SystemExit(f"embedding failed for {name}")
        mol.SetProp("_Name", name)
        mol.SetProp("SMILES", smiles)
        mol.SetProp("SOURCE", f"RDKit {rdkit.__version__} ETKDGv3 randomSeed={SEED} (generate-stereo-fixtures.py)")
        writer.write(mol)
    writer.close()


if __name__ == "__main__":
    main()
