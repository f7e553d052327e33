/**
 * Element symbols by atomic number (index 0 is the dummy atom `*`), used to name atoms in molecules and errors.
 */
const SYMBOLS: readonly string[] = (
  '* H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr ' +
  'Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu ' +
  'Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg ' +
  'Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og'
).split(' ');

/**
 * The elements a {@link Molecule} may contain, by symbol and atomic number: H, B, C, N, O, F, Si, P, S, Cl, Se, Br, I.
 *
 * @remarks
 * This covers the organic, drug-like chemistry of GEOM-QM9 and GEOM-Drugs that GeoDiff is trained on. GeoDiff itself
 * embeds any atomic number below 100, but a trained model has only seen these elements (and rarely B, Si, Se); other
 * elements, metals and dummy atoms are rejected with an `UnsupportedElementError` rather than featurised silently.
 */
export const SUPPORTED_ELEMENTS: Readonly<Record<string, number>> = Object.freeze({
  H: 1,
  B: 5,
  C: 6,
  N: 7,
  O: 8,
  F: 9,
  Si: 14,
  P: 15,
  S: 16,
  Cl: 17,
  Se: 34,
  Br: 35,
  I: 53,
});

const SUPPORTED_NUMBERS = new Set(Object.values(SUPPORTED_ELEMENTS));

/** True when `atomicNumber` is one of {@link SUPPORTED_ELEMENTS}. */
export function isSupportedElement(atomicNumber: number): boolean {
  return SUPPORTED_NUMBERS.has(atomicNumber);
}

/**
 * The element symbol of an atomic number (`*` for 0, `Z<n>` outside 0..118).
 * @param atomicNumber - the atomic number
 */
export function elementSymbol(atomicNumber: number): string {
  return SYMBOLS[atomicNumber] ?? `Z${atomicNumber}`;
}
