/**
 * The clustering engine: generalised-kT sequential recombination with geometric nearest neighbours found on a
 * (rapidity, azimuth) tiling, on flat typed arrays. Cells are at least max(R, 0.1) wide, so a jet's neighbours within R
 * lie in the 3 × 3 cells around its own; each cell's jets sit contiguously in a pool, cells whose edge is farther than
 * the best candidate so far are skipped, and the smallest d_iJ is kept in a tournament tree (O(log N) per update).
 *
 * Semantics follow FastJet 3.4 operation for operation where they decide the outcome:
 * - a jet's nearest neighbour is searched only below ΔR² < R² (strictly), so a pair at exactly ΔR = R does not merge;
 * - d_iJ = ΔR²(i, NN_i) · min(s_i, s_NN) with s = pt^(2p) (anti-kt: 1/pt², or 1e300 for pt² ≤ 1e-300; C/A: 1; kt: pt²;
 *   genkt: (max(pt², 1e-300) when p ≤ 0)^p), and a jet without a neighbour has d_iB = R² · s_i; the smallest value
 *   decides the step, and the history records it divided by R²;
 * - rapidity, azimuth and ΔR² use FastJet's formulas (see particles/kinematics.ts), E-scheme sums are pairwise in the
 *   order of the clustering tree, so jet momenta agree with FastJet's bit for bit.
 * Exactly equal distances between different candidates are resolved by position in internal arrays (as in FastJet,
 * whose order depends on its strategy); they do not occur for generic real-valued momenta.
 * @packageDocumentation
 */
import type { JetDefinition } from './jet-definition';
import { MAX_RAPIDITY, TWO_PI } from '../particles/kinematics';

/** FastJet's history code for "an original particle: no parent". */
export const NO_PARENT = -2;
/** FastJet's history code for "merged with the beam" (parent2 of a beam step). */
export const BEAM = -1;

/** The complete result of one clustering, in FastJet's history layout. */
export interface ClusteringHistory {
  /** Number of input particles N. */
  readonly n: number;
  /** Four-momenta of all jets (particles first, then one per merge), `[px, py, pz, E]` per jet. */
  readonly jets: Float64Array;
  /** Number of jets in `jets` (N + number of merges). */
  readonly jetCount: number;
  /** History elements (2N): parent1 (history index, or NO_PARENT for particles). */
  readonly parent1: Int32Array;
  /** parent2 (history index, BEAM for beam steps, NO_PARENT for particles). */
  readonly parent2: Int32Array;
  /** The history element this one merged into, or −1. */
  readonly child: Int32Array;
  /** The jet a history element created (−1 for beam steps). */
  readonly jetOf: Int32Array;
  /** The history element that created each jet. */
  readonly historyOfJet: Int32Array;
  /** The normalised distance of the step (d_ij or d_iB divided by R²); 0 for particles. */
  readonly dij: Float64Array;
  /** max(dij) over this and all earlier steps. */
  readonly maxDijSoFar: Float64Array;
  /** Number of original particles in each jet. */
  readonly multiplicity: Int32Array;
}

const ALG_KT = 0;
const ALG_CA = 1;
const ALG_ANTIKT = 2;
const ALG_GENKT = 3;

/** Cells span at least R / SPAN; neighbours within R are at most SPAN cells away in each direction (1 measured fastest). */
const SPAN = 1;
/** Width of a neighbourhood in cells. */
const WIDTH = 2 * SPAN + 1;
/** Cells in a neighbourhood. */
const AREA = WIDTH * WIDTH;
/** Only rapidities below this bound set the tiled rapidity range (jets beyond go to the edge cells). */
const TILING_RAPIDITY_CAP = 10;
/** Margin subtracted from cell-edge distances so that rounding never skips a cell holding a nearer jet. */
const EDGE_MARGIN = 1e-12;

/** Neighbour cells of every cell of an nRap × nPhi grid (the cell itself first), cached per grid shape. */
interface NeighbourTable {
  /** Up to AREA cells per cell, at `AREA · t …`. */
  nbr: Int32Array;
  /** How many. */
  count: Uint8Array;
  /** Rapidity offset + SPAN of each neighbour. */
  dr: Uint8Array;
  /** Azimuth offset + SPAN of each neighbour. */
  dp: Uint8Array;
}
const tableCache = new Map<number, NeighbourTable>();

function neighbourTable(nRap: number, nPhi: number): NeighbourTable {
  const key = nRap * 1_000_003 + nPhi;
  const hit = tableCache.get(key);
  if (hit) return hit;
  const nTiles = nRap * nPhi;
  const nbr = new Int32Array(nTiles * AREA);
  const count = new Uint8Array(nTiles);
  const drs = new Uint8Array(nTiles * AREA);
  const dps = new Uint8Array(nTiles * AREA);
  const order: [number, number][] = [[0, 0]];
  for (let dr = -SPAN; dr <= SPAN; dr++) for (let dp = -SPAN; dp <= SPAN; dp++) if (dr !== 0 || dp !== 0) order.push([dr, dp]);
  const seen = new Int32Array(nTiles).fill(-1);
  for (let ir = 0; ir < nRap; ir++) {
    for (let ip = 0; ip < nPhi; ip++) {
      const t = ir * nPhi + ip;
      const base = t * AREA;
      let c = 0;
      for (const [dr, dp] of order) {
        const jr = ir + dr;
        if (jr < 0 || jr >= nRap) continue;
        const u = jr * nPhi + ((((ip + dp) % nPhi) + nPhi) % nPhi);
        if (seen[u] === t) continue; // fewer than WIDTH cells around the circle
        seen[u] = t;
        nbr[base + c] = u;
        drs[base + c] = dr + SPAN;
        dps[base + c] = dp + SPAN;
        c++;
      }
      count[t] = c;
    }
  }
  const table = { nbr, count, dr: drs, dp: dps };
  if (tableCache.size >= 32) tableCache.clear();
  tableCache.set(key, table);
  return table;
}

/**
 * Working state of one clustering: per-jet typed arrays, the cells, and a tournament tree over d_iJ (each active jet
 * owns a leaf; the root holds the leaf with the smallest value, the lowest leaf among equals). One state is kept between
 * calls and reset, because allocating some thirty typed arrays per event costs more than clustering a small event.
 */
class State {
  /** Per-jet capacity. */
  readonly jetCap: number;
  /** Leaf capacity of the tournament tree (a power of two). */
  readonly leafCap: number;
  readonly rap: Float64Array;
  readonly phi: Float64Array;
  readonly scale: Float64Array;
  readonly nn: Int32Array;
  readonly nnDist: Float64Array;
  readonly tileOf: Int32Array;
  /** Position of each jet in its cell's segment of the pool. */
  readonly posOf: Int32Array;
  readonly slotOf: Int32Array;
  readonly leaf: Float64Array;
  readonly tree: Int32Array;
  readonly jetInSlot: Int32Array;
  /** Leaves in use by this clustering (a power of two ≥ N). */
  leafCount = 1;
  R2 = 1;
  /** Squared distances from a jet to the cells SPAN − d away in rapidity / azimuth (scratch for cellBounds). */
  readonly boundRap = new Float64Array(WIDTH);
  readonly boundPhi = new Float64Array(WIDTH);
  /** Each cell's jets are a contiguous segment of the pool: start, length and capacity per cell. */
  tileStart = new Int32Array(0);
  tileLen = new Int32Array(0);
  tileCap = new Int32Array(0);
  /** Marks of the cells already in a step's union; `stamp` only grows, so marks never need clearing. */
  tileStamp = new Int32Array(0);
  stamp = 0;
  /** The pool: jet id, rapidity and azimuth of each entry (copies, so that scanning a cell reads memory in order). */
  poolId = new Int32Array(0);
  poolY = new Float64Array(0);
  poolP = new Float64Array(0);
  poolTop = 0;
  table: NeighbourTable = { nbr: new Int32Array(0), count: new Uint8Array(0), dr: new Uint8Array(0), dp: new Uint8Array(0) };
  nPhi = 1;
  nRap = 1;
  rapMin = 0;
  rapSize = 1;
  phiSize = TWO_PI;

  constructor(jetCap: number, leafCap: number) {
    this.jetCap = jetCap;
    this.leafCap = leafCap;
    const f = new Float64Array(4 * jetCap + leafCap);
    const i = new Int32Array(5 * jetCap + 3 * leafCap);
    this.rap = f.subarray(0, jetCap);
    this.phi = f.subarray(jetCap, 2 * jetCap);
    this.scale = f.subarray(2 * jetCap, 3 * jetCap);
    this.nnDist = f.subarray(3 * jetCap, 4 * jetCap);
    this.leaf = f.subarray(4 * jetCap);
    this.nn = i.subarray(0, jetCap);
    this.tileOf = i.subarray(jetCap, 2 * jetCap);
    this.posOf = i.subarray(2 * jetCap, 3 * jetCap);
    this.slotOf = i.subarray(3 * jetCap, 4 * jetCap);
    this.jetInSlot = i.subarray(4 * jetCap, 4 * jetCap + leafCap);
    this.tree = i.subarray(4 * jetCap + leafCap, 4 * jetCap + 3 * leafCap);
  }

  /** Prepares for a clustering of n particles with jet radius² R2. */
  reset(jetCap: number, n: number, R2: number): void {
    this.R2 = R2;
    this.nn.fill(-1, 0, jetCap);
    this.nnDist.fill(R2, 0, jetCap);
    let size = 1;
    while (size < n) size <<= 1;
    this.leafCount = size;
    this.leaf.fill(Infinity, 0, size);
    this.jetInSlot.fill(-1, 0, size);
    if (this.stamp > 1 << 30) {
      this.stamp = 0;
      this.tileStamp.fill(0);
    }
  }
}

let cachedState: State | undefined;
/** States for events above this many particles are not kept between calls. */
const MAX_CACHED_PARTICLES = 1 << 16;

function acquireState(jetCap: number, n: number, R2: number): State {
  let s = cachedState;
  if (!s || s.jetCap < jetCap || s.leafCap < n) {
    let cap = 64;
    while (cap < jetCap) cap <<= 1;
    s = new State(cap, cap);
    if (n <= MAX_CACHED_PARTICLES) cachedState = s;
  }
  s.reset(jetCap, n, R2);
  return s;
}

function setKinematics(s: State, jets: Float64Array, j: number, alg: number, pExp: number): void {
  const o = 4 * j;
  const px = jets[o]!;
  const py = jets[o + 1]!;
  const pz = jets[o + 2]!;
  const e = jets[o + 3]!;
  const kt2 = px * px + py * py;
  let ph = kt2 === 0 ? 0 : Math.atan2(py, px);
  if (ph < 0) ph += TWO_PI;
  if (ph >= TWO_PI) ph -= TWO_PI;
  s.phi[j] = ph;
  const absPz = pz < 0 ? -pz : pz;
  if (e === absPz && kt2 === 0) {
    s.rap[j] = pz >= 0 ? MAX_RAPIDITY + absPz : -(MAX_RAPIDITY + absPz);
  } else {
    const m2 = (e + pz) * (e - pz) - kt2;
    const ePlusPz = e + absPz;
    const y = 0.5 * Math.log((kt2 + (m2 > 0 ? m2 : 0)) / (ePlusPz * ePlusPz));
    s.rap[j] = pz > 0 ? -y : y;
  }
  let sc: number;
  if (alg === ALG_KT) sc = kt2;
  else if (alg === ALG_CA) sc = 1;
  else if (alg === ALG_ANTIKT) sc = kt2 > 1e-300 ? 1 / kt2 : 1e300;
  else sc = Math.pow(pExp <= 0 && kt2 < 1e-300 ? 1e-300 : kt2, pExp);
  s.scale[j] = sc;
}

/** Sets up the cells from the particles' rapidity range. */
function setupTiles(s: State, n: number, R: number): void {
  const rap = s.rap;
  let rapMin = 0;
  let rapMax = 0;
  for (let i = 0; i < n; i++) {
    const y = rap[i]!;
    if (y > -TILING_RAPIDITY_CAP && y < TILING_RAPIDITY_CAP) {
      if (y < rapMin) rapMin = y;
      if (y > rapMax) rapMax = y;
    }
  }
  // the small margin keeps cells strictly wider than R / SPAN despite rounding in the cell index
  let size = (Math.max(R, 0.1) / SPAN) * (1 + 1e-9);
  const maxTiles = Math.max(256, 8 * n);
  let nPhi = 1;
  let nRap = 1;
  for (;;) {
    nPhi = Math.max(1, Math.floor(TWO_PI / size));
    nRap = Math.max(1, Math.floor((rapMax - rapMin) / size));
    if (nPhi * nRap <= maxTiles) break;
    size *= 1.5;
  }
  s.nPhi = nPhi;
  s.nRap = nRap;
  s.rapMin = rapMin;
  s.phiSize = TWO_PI / nPhi;
  s.rapSize = nRap > 1 ? (rapMax - rapMin) / nRap : 1;
  if (s.tileStamp.length < nPhi * nRap) s.tileStamp = new Int32Array(nPhi * nRap);
  s.table = neighbourTable(nRap, nPhi);
}

/** The cell of jet j. */
function cellOf(s: State, j: number): number {
  let ir = s.nRap > 1 ? Math.floor((s.rap[j]! - s.rapMin) / s.rapSize) : 0;
  if (ir < 0) ir = 0;
  else if (ir >= s.nRap) ir = s.nRap - 1;
  let ip = Math.floor(s.phi[j]! / s.phiSize);
  if (ip >= s.nPhi) ip = s.nPhi - 1;
  return ir * s.nPhi + ip;
}

/** Places the n particles in their cells, each cell's segment with room for a few more jets. */
function placeParticles(s: State, n: number): void {
  const nTiles = s.nRap * s.nPhi;
  if (s.tileStart.length < nTiles) {
    s.tileStart = new Int32Array(nTiles);
    s.tileLen = new Int32Array(nTiles);
    s.tileCap = new Int32Array(nTiles);
  }
  const start = s.tileStart;
  const len = s.tileLen.fill(0, 0, nTiles);
  const cap = s.tileCap.fill(0, 0, nTiles);
  for (let i = 0; i < n; i++) {
    const t = cellOf(s, i);
    s.tileOf[i] = t;
    cap[t]!++;
  }
  let top = 0;
  for (let t = 0; t < nTiles; t++) {
    if (cap[t] === 0) continue;
    start[t] = top;
    cap[t] = cap[t]! + 2;
    top += cap[t]!;
  }
  if (s.poolId.length < 2 * top) {
    const size = Math.max(64, 2 * top);
    s.poolId = new Int32Array(size);
    s.poolY = new Float64Array(size);
    s.poolP = new Float64Array(size);
  }
  s.poolTop = top;
  for (let i = 0; i < n; i++) {
    const t = s.tileOf[i]!;
    const p = start[t]! + len[t]!++;
    s.poolId[p] = i;
    s.poolY[p] = s.rap[i]!;
    s.poolP[p] = s.phi[i]!;
    s.posOf[i] = p;
  }
}

/** Adds jet j to its cell (moving the cell's segment to the end of the pool, with twice the room, when it is full). */
function insertTile(s: State, j: number): void {
  const t = cellOf(s, j);
  s.tileOf[j] = t;
  let len = s.tileLen[t]!;
  if (len === s.tileCap[t]) {
    const cap = Math.max(4, 2 * len);
    if (s.poolTop + cap > s.poolId.length) growPool(s, s.poolTop + cap);
    const from = s.tileStart[t]!;
    const to = s.poolTop;
    s.poolId.copyWithin(to, from, from + len);
    s.poolY.copyWithin(to, from, from + len);
    s.poolP.copyWithin(to, from, from + len);
    for (let p = to; p < to + len; p++) s.posOf[s.poolId[p]!] = p;
    s.tileStart[t] = to;
    s.tileCap[t] = cap;
    s.poolTop += cap;
  }
  const p = s.tileStart[t]! + len++;
  s.tileLen[t] = len;
  s.poolId[p] = j;
  s.poolY[p] = s.rap[j]!;
  s.poolP[p] = s.phi[j]!;
  s.posOf[j] = p;
}

function growPool(s: State, needed: number): void {
  const size = Math.max(needed, 2 * s.poolId.length);
  const id = new Int32Array(size);
  const y = new Float64Array(size);
  const ph = new Float64Array(size);
  id.set(s.poolId.subarray(0, s.poolTop));
  y.set(s.poolY.subarray(0, s.poolTop));
  ph.set(s.poolP.subarray(0, s.poolTop));
  s.poolId = id;
  s.poolY = y;
  s.poolP = ph;
}

/** Removes jet j from its cell (the cell's last entry takes its place). */
function removeTile(s: State, j: number): void {
  const t = s.tileOf[j]!;
  const p = s.posOf[j]!;
  const last = s.tileStart[t]! + s.tileLen[t]! - 1;
  if (p !== last) {
    const moved = s.poolId[last]!;
    s.poolId[p] = moved;
    s.poolY[p] = s.poolY[last]!;
    s.poolP[p] = s.poolP[last]!;
    s.posOf[moved] = p;
  }
  s.tileLen[t]!--;
}

/**
 * Lower bounds on ΔR² from jet j to any jet in the cells d − SPAN away (d = 0 … 2 SPAN), per axis, from j's distances
 * to the edges of its own cell; written to s.boundRap and s.boundPhi. The azimuth bounds are 0 when the circle has
 * fewer than WIDTH cells (neighbours then wrap onto each other).
 */
function cellBounds(s: State, j: number): void {
  const t = s.tileOf[j]!;
  const ir = (t / s.nPhi) | 0;
  const ip = t - ir * s.nPhi;
  const br = s.boundRap;
  const bp = s.boundPhi;
  axisBounds(br, s.nRap > 1, s.rap[j]!, s.rapMin + ir * s.rapSize, s.rapSize);
  axisBounds(bp, s.nPhi >= WIDTH, s.phi[j]!, ip * s.phiSize, s.phiSize);
}

/**
 * One axis of {@link cellBounds}: out[SPAN ± d] = the squared distance from x to the edge of the cell d away on that
 * side (0 when x is within EDGE_MARGIN of it), given its own cell [lo, lo + size); all 0 when the axis is not tiled.
 */
function axisBounds(out: Float64Array, tiled: boolean, x: number, lo: number, size: number): void {
  out[SPAN] = 0;
  if (!tiled) {
    for (let d = 1; d <= SPAN; d++) out[SPAN - d] = out[SPAN + d] = 0;
    return;
  }
  const below = x - lo - EDGE_MARGIN;
  const above = lo + size - x - EDGE_MARGIN;
  for (let d = 1; d <= SPAN; d++) {
    const dl = below + (d - 1) * size;
    const du = above + (d - 1) * size;
    out[SPAN - d] = dl > 0 ? dl * dl : 0;
    out[SPAN + d] = du > 0 ? du * du : 0;
  }
}

/**
 * The nearest neighbour of j with ΔR² < R² (strictly, as in FastJet) among the jets of the cells around its own; a cell
 * whose edge is already farther than the best candidate is skipped.
 */
function findNN(s: State, j: number): void {
  const poolY = s.poolY;
  const poolP = s.poolP;
  const tileStart = s.tileStart;
  const tileLen = s.tileLen;
  const { nbr, dr, dp } = s.table;
  cellBounds(s, j);
  const br = s.boundRap;
  const bp = s.boundPhi;
  let best = s.R2;
  let arg = -1;
  const t = s.tileOf[j]!;
  const base = t * AREA;
  const c = s.table.count[t]!;
  const pj = s.phi[j]!;
  const yj = s.rap[j]!;
  const self = s.posOf[j]!;
  for (let q = 0; q < c; q++) {
    if (br[dr[base + q]!]! + bp[dp[base + q]!]! >= best) continue;
    const u = nbr[base + q]!;
    const from = tileStart[u]!;
    const to = from + tileLen[u]!;
    for (let p = from; p < to; p++) {
      let dphi = Math.abs(pj - poolP[p]!);
      if (dphi > Math.PI) dphi = TWO_PI - dphi;
      const drap = yj - poolY[p]!;
      const d = dphi * dphi + drap * drap;
      if (d < best && p !== self) {
        best = d;
        arg = p;
      }
    }
  }
  s.nn[j] = arg >= 0 ? s.poolId[arg]! : -1;
  s.nnDist[j] = best;
}

/** The initial nearest neighbours: every pair of jets in the same or adjacent cells, each pair once. */
function initialNeighbours(s: State): void {
  const { poolY, poolP, poolId, tileStart, tileLen, nn, nnDist } = s;
  const { nbr, count } = s.table;
  const nTiles = s.nRap * s.nPhi;
  for (let t = 0; t < nTiles; t++) {
    const from = tileStart[t]!;
    const to = from + tileLen[t]!;
    const base = t * AREA;
    const c = count[t]!;
    for (let p = from; p < to; p++) {
      const yj = poolY[p]!;
      const pj = poolP[p]!;
      const j = poolId[p]!;
      let best = nnDist[j]!;
      let arg = nn[j]!;
      for (let q = 0; q < c; q++) {
        const u = nbr[base + q]!;
        if (u < t) continue;
        const uFrom = u === t ? p + 1 : tileStart[u]!;
        const uTo = tileStart[u]! + tileLen[u]!;
        for (let r = uFrom; r < uTo; r++) {
          let dphi = Math.abs(pj - poolP[r]!);
          if (dphi > Math.PI) dphi = TWO_PI - dphi;
          const drap = yj - poolY[r]!;
          const d = dphi * dphi + drap * drap;
          if (d < best) {
            best = d;
            arg = poolId[r]!;
          }
          const i = poolId[r]!;
          if (d < nnDist[i]!) {
            nnDist[i] = d;
            nn[i] = j;
          }
        }
      }
      nnDist[j] = best;
      nn[j] = arg;
    }
  }
}

/** d_iJ = ΔR²(j, NN) · min(s_j, s_NN), or R² · s_j without a neighbour. */
function diJOf(s: State, j: number): number {
  const k = s.nn[j]!;
  let sc = s.scale[j]!;
  if (k >= 0) {
    const sk = s.scale[k]!;
    if (sk < sc) sc = sk;
  }
  return s.nnDist[j]! * sc;
}

/** Sets a leaf of the tournament tree and restores the minima above it. */
function heapSet(s: State, slot: number, value: number): void {
  const leaf = s.leaf;
  const tree = s.tree;
  leaf[slot] = value;
  let p = (slot + s.leafCount) >> 1;
  while (p >= 1) {
    const l = tree[2 * p]!;
    const r = tree[2 * p + 1]!;
    const w = leaf[r]! < leaf[l]! ? r : l;
    // above an unchanged winner that is not this leaf, nothing changes
    if (w === tree[p] && w !== slot) break;
    tree[p] = w;
    p >>= 1;
  }
}

/** Adds the untagged cells around cell t to the union list; returns its new length. */
function addNeighbourhood(s: State, t: number, union: Int32Array, u: number, stamp: number): number {
  const base = t * AREA;
  const c = s.table.count[t]!;
  const nbr = s.table.nbr;
  const tileStamp = s.tileStamp;
  for (let q = 0; q < c; q++) {
    const v = nbr[base + q]!;
    if (tileStamp[v] !== stamp) {
      tileStamp[v] = stamp;
      union[u++] = v;
    }
  }
  return u;
}

/**
 * Clusters one event.
 * @param momenta - `[px, py, pz, E]` per particle (validated by the caller)
 * @param definition - the jet definition
 * @returns the clustering history
 */
export function runClustering(momenta: Float64Array, definition: JetDefinition): ClusteringHistory {
  const n = momenta.length >> 2;
  const nHist = 2 * n;
  const jetCap = Math.max(1, 2 * n);
  // two allocations for all the results (views), rather than nine
  const floats = new Float64Array(4 * jetCap + 2 * nHist);
  const ints = new Int32Array(4 * nHist + 2 * jetCap);
  const jets = floats.subarray(0, 4 * jetCap);
  jets.set(momenta);
  const dij = floats.subarray(4 * jetCap, 4 * jetCap + nHist);
  const maxDijSoFar = floats.subarray(4 * jetCap + nHist);
  const parent1 = ints.subarray(0, nHist).fill(NO_PARENT);
  const parent2 = ints.subarray(nHist, 2 * nHist).fill(NO_PARENT);
  const child = ints.subarray(2 * nHist, 3 * nHist).fill(-1);
  const jetOf = ints.subarray(3 * nHist, 4 * nHist).fill(-1);
  const historyOfJet = ints.subarray(4 * nHist, 4 * nHist + jetCap).fill(-1);
  const multiplicity = ints.subarray(4 * nHist + jetCap);
  for (let i = 0; i < n; i++) {
    jetOf[i] = i;
    historyOfJet[i] = i;
    multiplicity[i] = 1;
  }
  if (n === 0) return { n, jets, jetCount: 0, parent1, parent2, child, jetOf, historyOfJet, dij, maxDijSoFar, multiplicity };

  const R = definition.radius;
  const R2 = R * R;
  const invR2 = 1 / R2;
  const alg = definition.algorithm === 'kt' ? ALG_KT : definition.algorithm === 'ca' ? ALG_CA : definition.algorithm === 'antikt' ? ALG_ANTIKT : ALG_GENKT;
  const pExp = definition.p;

  const s = acquireState(jetCap, n, R2);
  for (let i = 0; i < n; i++) setKinematics(s, jets, i, alg, pExp);
  setupTiles(s, n, R);
  placeParticles(s, n);
  initialNeighbours(s);
  // the tournament tree over d_iJ
  {
    const { leaf, tree, leafCount, slotOf, jetInSlot } = s;
    for (let i = 0; i < n; i++) {
      slotOf[i] = i;
      jetInSlot[i] = i;
      leaf[i] = diJOf(s, i);
    }
    for (let i = 0; i < leafCount; i++) tree[leafCount + i] = i;
    for (let p = leafCount - 1; p >= 1; p--) {
      const l = tree[2 * p]!;
      const r = tree[2 * p + 1]!;
      tree[p] = leaf[r]! < leaf[l]! ? r : l;
    }
  }

  const { nn, nnDist, tileOf, slotOf, jetInSlot, leaf, tree, phi, rap, tileStart, tileLen } = s;
  const union = new Int32Array(3 * AREA);
  const withinR = new Uint8Array(AREA);
  let jetCount = n;
  let h = n;
  let maxSoFar = 0;
  for (let step = 0; step < n; step++) {
    const slot = tree[1]!;
    const a = jetInSlot[slot]!;
    const b = nn[a]!;
    const d = leaf[slot]! * invR2;
    if (d > maxSoFar) maxSoFar = d;
    dij[h] = d;
    maxDijSoFar[h] = maxSoFar;
    const stamp = ++s.stamp;
    let nu = 0;
    let nearK = 0;
    let k = -1;
    if (b >= 0) {
      k = jetCount++;
      const oa = 4 * a;
      const ob = 4 * b;
      const ok = 4 * k;
      jets[ok] = jets[oa]! + jets[ob]!;
      jets[ok + 1] = jets[oa + 1]! + jets[ob + 1]!;
      jets[ok + 2] = jets[oa + 2]! + jets[ob + 2]!;
      jets[ok + 3] = jets[oa + 3]! + jets[ob + 3]!;
      multiplicity[k] = multiplicity[a]! + multiplicity[b]!;
      const ha = historyOfJet[a]!;
      const hb = historyOfJet[b]!;
      const p1 = ha < hb ? ha : hb;
      const p2 = ha < hb ? hb : ha;
      parent1[h] = p1;
      parent2[h] = p2;
      child[p1] = h;
      child[p2] = h;
      jetOf[h] = k;
      historyOfJet[k] = h;
      setKinematics(s, jets, k, alg, pExp);
      removeTile(s, a);
      removeTile(s, b);
      const sb = slotOf[b]!;
      jetInSlot[sb] = -1;
      heapSet(s, sb, Infinity);
      slotOf[k] = slot;
      jetInSlot[slot] = k;
      insertTile(s, k);
      // the cells around k first (the only ones where k can be within R of a jet), then those around a and b
      const tk = tileOf[k]!;
      nu = addNeighbourhood(s, tk, union, nu, stamp);
      nearK = nu;
      // which of those cells can hold a jet within R of k
      cellBounds(s, k);
      const { dr, dp } = s.table;
      for (let q = 0; q < nearK; q++) withinR[q] = s.boundRap[dr[tk * AREA + q]!]! + s.boundPhi[dp[tk * AREA + q]!]! < R2 ? 1 : 0;
      nu = addNeighbourhood(s, tileOf[a]!, union, nu, stamp);
      nu = addNeighbourhood(s, tileOf[b]!, union, nu, stamp);
    } else {
      const ha = historyOfJet[a]!;
      parent1[h] = ha;
      parent2[h] = BEAM;
      child[ha] = h;
      nu = addNeighbourhood(s, tileOf[a]!, union, nu, stamp);
      removeTile(s, a);
      jetInSlot[slot] = -1;
      heapSet(s, slot, Infinity);
    }
    h++;

    // jets whose neighbour was a or b look again; jets near k check whether k is nearer than their neighbour
    const pk = k >= 0 ? phi[k]! : 0;
    const yk = k >= 0 ? rap[k]! : 0;
    const poolId = s.poolId;
    for (let q = 0; q < nu; q++) {
      const withK = q < nearK && withinR[q] === 1;
      const u = union[q]!;
      const from = tileStart[u]!;
      const to = from + tileLen[u]!;
      for (let p = from; p < to; p++) {
        const j = poolId[p]!;
        if (j === k) continue;
        const nj = nn[j]!;
        const needs = nj === a || (b >= 0 && nj === b);
        if (withK) {
          let dphi = Math.abs(pk - phi[j]!);
          if (dphi > Math.PI) dphi = TWO_PI - dphi;
          const drap = yk - rap[j]!;
          const dk = dphi * dphi + drap * drap;
          if (dk < nnDist[k]!) {
            nnDist[k] = dk;
            nn[k] = j;
          }
          if (!needs && dk < nnDist[j]!) {
            nnDist[j] = dk;
            nn[j] = k;
            heapSet(s, slotOf[j]!, diJOf(s, j));
          }
        }
        if (needs) {
          findNN(s, j);
          heapSet(s, slotOf[j]!, diJOf(s, j));
        }
      }
    }
    if (k >= 0) heapSet(s, slot, diJOf(s, k));
  }
  return { n, jets, jetCount, parent1, parent2, child, jetOf, historyOfJet, dij, maxDijSoFar, multiplicity };
}
