/**
 * Jet axes for the observables: the jet's own direction, or the winner-take-all axis.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { ParticleEvent } from '../particles/particle-event';
import { deltaR2 } from '../particles/kinematics';
import { jetConstituents, type JetInput } from '../lund/recluster-jet';

/**
 * A direction in the (rapidity, azimuth) plane. A {@link FourMomentum} is one.
 * @example
 * ```ts
 * angularity(jet, 1, 1, { axis: { rapidity: 0.2, phi: 1.4 } });
 * ```
 */
export interface JetAxis {
  /** Rapidity y. */
  readonly rapidity: number;
  /** Azimuth φ (any range; differences are taken the short way round). */
  readonly phi: number;
}

/**
 * The winner-take-all (WTA) axis of a jet, from Cambridge/Aachen clustering with the WTA p⊥ recombination scheme.
 *
 * @remarks
 * The constituents are clustered pairwise by smallest (y, φ) distance (C/A); each merge keeps the direction of the
 * branch with the larger p⊥ and adds the p⊥ (FastJet contrib's `WTA_pt_scheme`). The merged branch therefore sits where
 * the harder one sat, and the axis is the direction of the particle that wins every merge: it lies on a constituent and
 * does not move when a soft particle is added (recoil-free). On exact ties the earlier particle wins. O(N²) with cached
 * nearest neighbours.
 *
 * @param jet - the jet's constituents or a clustering node
 * @returns the axis (rapidity and azimuth in [0, 2π) of the winning constituent)
 * @throws InvalidArgumentError for a jet without constituents
 * @example
 * ```ts
 * wtaAxis([FourMomentum.fromPtYPhiM(100, 0.1, 1), FourMomentum.fromPtYPhiM(10, 0.4, 1.2)]); // { rapidity: 0.1, phi: 1 }
 * ```
 */
export function wtaAxis(jet: JetInput): JetAxis {
  const event = jetConstituents(jet);
  if (event.size === 0) throw new InvalidArgumentError('jet', 'The jet has no constituents; a WTA axis needs at least one particle.');
  return wtaAxisOfEvent(event);
}

/** @internal the WTA C/A axis of validated, non-empty constituents */
export function wtaAxisOfEvent(event: ParticleEvent): JetAxis {
  const n = event.size;
  const y = new Float64Array(n);
  const phi = new Float64Array(n);
  const pt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = event.rapidity(i);
    phi[i] = event.phi(i);
    pt[i] = event.pt(i);
  }
  const alive = new Uint8Array(n).fill(1);
  const nn = new Int32Array(n).fill(-1);
  const nnDist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const findNeighbour = (i: number): void => {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (j === i || !alive[j]) continue;
      const d = deltaR2(y[i]!, phi[i]!, y[j]!, phi[j]!);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    nn[i] = best;
    nnDist[i] = bestD;
  };
  for (let i = 0; i < n; i++) findNeighbour(i);
  for (let left = n; left > 1; left--) {
    let a = -1;
    for (let i = 0; i < n; i++) if (alive[i] && (a < 0 || nnDist[i]! < nnDist[a]!)) a = i;
    const b = nn[a]!;
    // the harder branch keeps its direction; on a tie the earlier particle wins
    const [win, lose] = pt[a]! > pt[b]! || (pt[a] === pt[b] && a < b) ? [a, b] : [b, a];
    pt[win]! += pt[lose]!;
    alive[lose] = 0;
    // positions do not move, so only the neighbours of the removed branch need a new search
    for (let i = 0; i < n; i++) if (alive[i] && nn[i] === lose) findNeighbour(i);
  }
  const w = alive.indexOf(1);
  return { rapidity: y[w]!, phi: phi[w]! };
}
