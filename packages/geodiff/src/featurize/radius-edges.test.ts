import { InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { featurize } from './featurize';
import { type RadiusGraph, type TypedEdges, radiusEdges } from './radius-edges';

function rows(g: RadiusGraph): number[][] {
  return Array.from({ length: g.numEdges }, (_, e) => [g.edgeIndex[e]!, g.edgeIndex[g.numEdges + e]!, g.edgeType[e]!]);
}

function typed(list: number[][]): TypedEdges {
  return {
    edgeIndex: Int32Array.from([...list.map(([s]) => s!), ...list.map(([, t]) => t!)]),
    edgeType: Int32Array.from(list.map(([, , type]) => type!)),
  };
}

/** Points on the x axis. */
function line(...xs: number[]): Float64Array {
  return Float64Array.from(xs.flatMap((x) => [x, 0, 0]));
}

describe('radiusEdges', () => {
  it('adds type-0 edges for pairs closer than the cutoff and keeps existing edges and their types', () => {
    // atoms at x = 0, 1, 2.5, 12 with the bond 0-1; 10 Å cutoff: 0-2 (2.5) and 1-2 (1.5) and 2-3 (9.5) are in range,
    // 1-3 (11) and 0-3 (12) are not.
    const g = radiusEdges(line(0, 1, 2.5, 12), typed([[0, 1, 1], [1, 0, 1]]));
    expect(rows(g)).toEqual([
      [0, 1, 1],
      [0, 2, 0],
      [1, 0, 1],
      [1, 2, 0],
      [2, 0, 0],
      [2, 1, 0],
      [2, 3, 0],
      [3, 2, 0],
    ]);
    expect(g.numRadiusEdges).toBe(6);
  });

  it('uses a strict cutoff', () => {
    expect(radiusEdges(line(0, 10), typed([])).numEdges).toBe(0);
    expect(radiusEdges(line(0, 1.5, 3.5), typed([]), 2).numEdges).toBe(2); // 1.5-3.5 is exactly 2
    expect(rows(radiusEdges(line(0, 9.999), typed([])))).toEqual([[0, 1, 0], [1, 0, 0]]);
    expect(rows(radiusEdges(line(0, 1.5, 3.4), typed([]), 2))).toEqual([[0, 1, 0], [1, 0, 0], [1, 2, 0], [2, 1, 0]]);
  });

  it('keeps existing edges beyond the cutoff (local edges are not distance-filtered)', () => {
    const g = radiusEdges(line(0, 1.5, 50), typed([[0, 2, 24], [2, 0, 24]]), 10);
    expect(rows(g)).toEqual([[0, 1, 0], [0, 2, 24], [1, 0, 0], [2, 0, 24]]);
  });

  it('extends featurized propane: all pairs already local, far atoms added only within range', () => {
    const atom = { element: 'C', atomicNumber: 6, formalCharge: 0, aromatic: false };
    const propane = featurize({ smiles: 'CCC', atoms: [atom, atom, atom], bonds: [{ i: 0, j: 1, type: 'single' }, { i: 1, j: 2, type: 'single' }] });
    const same = radiusEdges(line(0, 1.5, 3), propane);
    expect(same.numRadiusEdges).toBe(0);
    expect(Array.from(same.edgeType)).toEqual(Array.from(propane.edgeType));
    expect(Array.from(same.edgeIndex)).toEqual(Array.from(propane.edgeIndex));
  });

  it('keeps at most maxNumNeighbors per centre atom, scanning in index order as torch_cluster on CUDA', () => {
    const cluster = Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    const capped = radiusEdges(cluster, typed([]), 10, { maxNumNeighbors: 2 });
    // centres 0, 1, 2 take the first three candidates (themselves included) and drop themselves: two neighbours each;
    // centres 3 and 4 fill their three slots with atoms 0, 1, 2 before reaching themselves.
    expect(rows(capped).map(([s, t]) => `${s}->${t}`)).toEqual([
      '0->1', '0->2', '0->3', '0->4',
      '1->0', '1->2', '1->3', '1->4',
      '2->0', '2->1', '2->3', '2->4',
    ]);
    expect(radiusEdges(cluster, typed([]), 10, { maxNumNeighbors: Infinity }).numEdges).toBe(20);
    expect(radiusEdges(cluster, typed([])).numEdges).toBe(20); // default 32
  });

  it('returns symmetric edges without self loops when no atom exceeds the neighbour cap', () => {
    const coords = Float64Array.from({ length: 3 * 30 }, (_, k) => Math.sin(7.3 * k) * 8);
    const g = radiusEdges(coords, typed([]), 6);
    const set = new Set(rows(g).map(([s, t]) => `${s},${t}`));
    for (const [s, t] of rows(g)) {
      expect(s).not.toBe(t);
      expect(set.has(`${t},${s}`)).toBe(true);
      const d = Math.hypot(coords[3 * s!]! - coords[3 * t!]!, coords[3 * s! + 1]! - coords[3 * t! + 1]!, coords[3 * s! + 2]! - coords[3 * t! + 2]!);
      expect(d).toBeLessThan(6);
    }
    let within = 0;
    for (let i = 0; i < 30; i++) {
      for (let j = 0; j < 30; j++) {
        if (i !== j && Math.hypot(coords[3 * i]! - coords[3 * j]!, coords[3 * i + 1]! - coords[3 * j + 1]!, coords[3 * i + 2]! - coords[3 * j + 2]!) < 6) within++;
      }
    }
    expect(g.numEdges).toBe(within);
  });

  it('rejects malformed coordinates, cutoffs and edges', () => {
    expect(() => radiusEdges(new Float64Array(5), typed([]))).toThrow(InvalidArgumentError);
    expect(() => radiusEdges(Float64Array.from([0, 0, NaN]), typed([]))).toThrow(/finite/);
    expect(() => radiusEdges(line(0, 1), typed([]), 0)).toThrow(/cutoff/);
    expect(() => radiusEdges(line(0, 1), typed([[0, 2, 1]]))).toThrow(/outside/);
    expect(() => radiusEdges(line(0, 1), typed([[0, 1, 1], [0, 1, 1]]))).toThrow(/repeated/);
    expect(() => radiusEdges(line(0, 1), { edgeIndex: new Int32Array(3), edgeType: new Int32Array(1) })).toThrow(/2 x 1/);
    expect(() => radiusEdges(line(0, 1), typed([]), 10, { maxNumNeighbors: 0 })).toThrow(/maxNumNeighbors/);
  });
});
