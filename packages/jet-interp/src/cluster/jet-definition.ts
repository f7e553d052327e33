/**
 * Jet definitions of the longitudinally invariant generalised-kT family with E-scheme recombination.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { formatG } from '../format/format-g';

/** The sequential-recombination algorithms: anti-kt (p = −1), Cambridge/Aachen (p = 0), kt (p = 1), generalised kt (any p). */
export type JetAlgorithm = 'antikt' | 'ca' | 'kt' | 'genkt';

/**
 * The algorithm names {@link parseJetAlgorithm} accepts for each algorithm.
 * @example
 * ```ts
 * JET_ALGORITHMS.ca; // ['ca', 'cambridge', 'cambridge-aachen', 'c/a', 'cam']
 * ```
 */
export const JET_ALGORITHMS: Readonly<Record<JetAlgorithm, readonly string[]>> = Object.freeze({
  antikt: Object.freeze(['antikt', 'anti-kt', 'akt']),
  ca: Object.freeze(['ca', 'cambridge', 'cambridge-aachen', 'c/a', 'cam']),
  kt: Object.freeze(['kt']),
  genkt: Object.freeze(['genkt', 'generalised-kt', 'generalized-kt']),
});

/** A jet definition: algorithm, radius R and, for `genkt`, the exponent p. Recombination is always the E scheme. */
export interface JetDefinition {
  /** The algorithm. */
  readonly algorithm: JetAlgorithm;
  /** The radius R > 0 (finite). */
  readonly radius: number;
  /** The exponent p of `genkt` (−1 anti-kt, 0 C/A, 1 kt); fixed by the other algorithms. */
  readonly p: number;
}

const P_OF: Record<Exclude<JetAlgorithm, 'genkt'>, number> = { antikt: -1, ca: 0, kt: 1 };

/**
 * Builds and checks a jet definition.
 * @param algorithm - `antikt`, `ca`, `kt` or `genkt` (or an alias from {@link JET_ALGORITHMS})
 * @param radius - R, finite and > 0
 * @param p - the exponent of `genkt` (required for it, ignored otherwise)
 * @returns a frozen {@link JetDefinition}
 * @throws InvalidArgumentError for an unknown algorithm, R ≤ 0 or not finite, or a missing/non-finite p for genkt
 * @example
 * ```ts
 * const def = jetDefinition('antikt', 0.4);
 * def.p; // -1
 * ```
 */
export function jetDefinition(algorithm: JetAlgorithm | string, radius: number, p?: number): JetDefinition {
  const alg = parseJetAlgorithm(algorithm);
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0) {
    throw new InvalidArgumentError('radius', `The jet radius R must be a finite number > 0; received ${String(radius)}.`);
  }
  let exponent: number;
  if (alg === 'genkt') {
    if (typeof p !== 'number' || !Number.isFinite(p)) {
      throw new InvalidArgumentError('p', `The generalised-kt exponent p must be a finite number; received ${String(p)}.`);
    }
    exponent = p;
  } else {
    exponent = P_OF[alg];
  }
  return Object.freeze({ algorithm: alg, radius, p: exponent });
}

/**
 * Resolves an algorithm name or alias (case-insensitive).
 * @param name - e.g. `antikt`, `anti-kt`, `CA`, `cambridge`, `kt`, `genkt`
 * @returns the canonical algorithm
 * @throws InvalidArgumentError listing the accepted names
 * @example
 * ```ts
 * parseJetAlgorithm('Cambridge'); // 'ca'
 * ```
 */
export function parseJetAlgorithm(name: string): JetAlgorithm {
  const key = String(name).toLowerCase();
  for (const [alg, names] of Object.entries(JET_ALGORITHMS)) {
    if (names.includes(key)) return alg as JetAlgorithm;
  }
  throw new InvalidArgumentError('algorithm', `Unknown jet algorithm "${name}". Supported: antikt, ca, kt, genkt.`);
}

/**
 * FastJet's description of a jet definition (as `JetDefinition::description()` prints it), e.g.
 * `Longitudinally invariant anti-kt algorithm with R = 0.4 and E scheme recombination`.
 * @param definition - the jet definition
 * @returns the description
 * @example
 * ```ts
 * describeJetDefinition(jetDefinition('ca', 1)); // 'Longitudinally invariant Cambridge/Aachen algorithm with R = 1 and E scheme recombination'
 * ```
 */
export function describeJetDefinition(definition: JetDefinition): string {
  const r = formatG(definition.radius, 6);
  const name = { antikt: 'anti-kt', ca: 'Cambridge/Aachen', kt: 'kt', genkt: 'generalised kt' }[definition.algorithm];
  const extra = definition.algorithm === 'genkt' ? `, p = ${formatG(definition.p, 6)}` : '';
  return `Longitudinally invariant ${name} algorithm with R = ${r}${extra} and E scheme recombination`;
}
