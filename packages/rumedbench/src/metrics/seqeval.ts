import { InvalidArgumentError } from '@lab/tensor-core';

/** An entity span: type, first and last token index (inclusive) in the flattened sequence. */
export interface EntitySpan {
  type: string;
  start: number;
  end: number;
}

function splitTag(tag: string): { prefix: string; type: string } {
  const prefix = tag.charAt(0);
  const rest = tag.slice(1);
  const dash = rest.indexOf('-');
  const type = (dash >= 0 ? rest.slice(dash + 1) : rest) || '_';
  return { prefix, type };
}

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevTag !== '.' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && tag !== '.' && prevType !== type;
}

/**
 * Entity spans of IOB/IOBES tag sequences in seqeval's default (conlleval-compatible, non-strict) sense: an `I-X`
 * after `O` or after another type starts a new entity. Sentences are joined with an `O` between them, as seqeval does.
 * @param sequences - one tag list per sentence
 */
export function getEntities(sequences: ReadonlyArray<readonly string[]>): EntitySpan[] {
  const flat: string[] = [];
  for (const s of sequences) flat.push(...s, 'O');
  const spans: EntitySpan[] = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  for (let i = 0; i <= flat.length; i++) {
    const chunk = i < flat.length ? flat[i]! : 'O';
    const { prefix: tag, type } = splitTag(chunk);
    if (endOfChunk(prevTag, tag, prevType, type)) spans.push({ type: prevType, start: begin, end: i - 1 });
    if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  }
  return spans;
}

function check(gold: ReadonlyArray<readonly string[]>, pred: ReadonlyArray<readonly string[]>): void {
  if (gold.length !== pred.length) throw new InvalidArgumentError('pred', `gold has ${gold.length} sentences but predictions have ${pred.length}.`);
  gold.forEach((g, i) => {
    if (g.length !== pred[i]!.length) throw new InvalidArgumentError('pred', `sentence ${i}: ${g.length} gold tags but ${pred[i]!.length} predicted.`);
  });
}

/**
 * Token accuracy over all tokens, as `seqeval.metrics.accuracy_score`.
 */
export function tokenAccuracy(gold: ReadonlyArray<readonly string[]>, pred: ReadonlyArray<readonly string[]>): number {
  check(gold, pred);
  let correct = 0;
  let total = 0;
  gold.forEach((g, i) => {
    const p = pred[i]!;
    for (let k = 0; k < g.length; k++) {
      total++;
      if (g[k] === p[k]) correct++;
    }
  });
  return correct / total;
}

/** Entity-level precision, recall and F1 (micro over types), with per-type counts. */
export interface EntityScores {
  precision: number;
  recall: number;
  f1: number;
  trueEntities: number;
  predictedEntities: number;
  correctEntities: number;
  perType: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

/**
 * Entity-level micro F1 as `seqeval.metrics.f1_score` in its default mode (exact span and type match; 0 where a
 * ratio is undefined).
 */
export function entityScores(gold: ReadonlyArray<readonly string[]>, pred: ReadonlyArray<readonly string[]>): EntityScores {
  check(gold, pred);
  const key = (e: EntitySpan) => `${e.type}\u0000${e.start}\u0000${e.end}`;
  const g = getEntities(gold);
  const p = getEntities(pred);
  const gs = new Set(g.map(key));
  const ps = new Set(p.map(key));
  const types = [...new Set([...g, ...p].map((e) => e.type))].sort();
  const perType: EntityScores['perType'] = {};
  let correct = 0;
  for (const k of ps) if (gs.has(k)) correct++;
  for (const t of types) {
    const gt = new Set(g.filter((e) => e.type === t).map(key));
    const pt = new Set(p.filter((e) => e.type === t).map(key));
    let c = 0;
    for (const k of pt) if (gt.has(k)) c++;
    perType[t] = { ...prf(c, pt.size, gt.size), support: gt.size };
  }
  return { ...prf(correct, ps.size, gs.size), trueEntities: gs.size, predictedEntities: ps.size, correctEntities: correct, perType };
}

function prf(correct: number, predicted: number, truth: number) {
  const precision = predicted ? correct / predicted : 0;
  const recall = truth ? correct / truth : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
