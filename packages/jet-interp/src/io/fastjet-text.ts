/**
 * FastJet's text event format: one particle per line as `px py pz E`, events ended by a line starting with `#END`,
 * other lines starting with `#` are comments.
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DataFormatError, isGzipFile } from '@lab/tensor-core';
import { checkEnergyTolerance, particleError, particleProblem, ParticleEvent } from '../particles/particle-event';
import { formatG } from '../format/format-g';

/** Options of the FastJet text readers. */
export interface FastJetTextOptions {
  /** Relative tolerance for E < |p| (see {@link DEFAULT_ENERGY_TOLERANCE}). @default 1e-5 */
  energyTolerance?: number;
  /** Name used in error messages. @default the file's base name, or `<text>` */
  source?: string;
  /** {@link readFastJetEvents} only: called with the number of bytes of the file read so far (for progress bars). */
  onBytes?: (bytes: number) => void;
}

/**
 * Incremental parser: feed it lines, it returns an event at each `#END`.
 * @internal
 */
class FastJetTextParser {
  private values: number[] = [];
  private lineNo = 0;
  private eventIndex = 0;
  private readonly tol: number;
  constructor(private readonly source: string, energyTolerance: number | undefined) {
    this.tol = checkEnergyTolerance(energyTolerance);
  }

  /** Parses one line; returns the finished event at `#END`. */
  line(raw: string): ParticleEvent | undefined {
    this.lineNo++;
    const text = raw.trim();
    if (text === '') return undefined;
    if (text.charCodeAt(0) === 35 /* # */) {
      return text.startsWith('#END') ? this.finish() : undefined;
    }
    const tokens = text.split(/\s+/);
    if (tokens.length < 4) {
      throw new DataFormatError(this.source, `expected "px py pz E", found ${tokens.length} value${tokens.length === 1 ? '' : 's'}: "${text.slice(0, 80)}"`, `line ${this.lineNo}`);
    }
    const px = this.number(tokens[0]!);
    const py = this.number(tokens[1]!);
    const pz = this.number(tokens[2]!);
    const e = this.number(tokens[3]!);
    const problem = particleProblem(px, py, pz, e, this.tol);
    if (problem) {
      throw particleError(this.values.length / 4, problem, { event: this.eventIndex, file: this.source, location: `line ${this.lineNo}` });
    }
    this.values.push(px, py, pz, e);
    return undefined;
  }

  /** The last event when the input does not end with `#END` (only if it has particles). */
  end(): ParticleEvent | undefined {
    return this.values.length > 0 ? this.finish() : undefined;
  }

  private finish(): ParticleEvent {
    const event = new ParticleEvent(Float64Array.from(this.values), { validate: false });
    this.values = [];
    this.eventIndex++;
    return event;
  }

  private number(token: string): number {
    const v = Number(token);
    if (!Number.isNaN(v) || /^[+-]?nan/i.test(token)) return v;
    const lower = token.toLowerCase();
    if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
    if (lower === '-inf' || lower === '-infinity') return -Infinity;
    throw new DataFormatError(this.source, `"${token.slice(0, 40)}" is not a number`, `line ${this.lineNo}`);
  }
}

/**
 * Parses events in FastJet's text format.
 *
 * @remarks Values after the fourth on a line (e.g. a PDG id) are ignored. Text after the last `#END` forms a final event
 * when it has particles (a single-event file needs no `#END`); two `#END` lines in a row give an empty event, so event
 * indices follow the file. NaN or infinite components (`nan`, `inf` are read), negative energies and E < |p| beyond the
 * tolerance throw {@link InvalidParticleError} naming the event, particle and line; a malformed line throws
 * DataFormatError with the line.
 *
 * @param text - the file's contents
 * @param options - tolerance and the name for error messages
 * @returns the events
 * @example
 * ```ts
 * const [event] = parseFastJetEvents('# a comment\n1 0 0 1\n0 1 0 1\n#END\n');
 * event.size; // 2
 * ```
 */
export function parseFastJetEvents(text: string, options: FastJetTextOptions = {}): ParticleEvent[] {
  const parser = new FastJetTextParser(options.source ?? '<text>', options.energyTolerance);
  const events: ParticleEvent[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const ev = parser.line(text.slice(start, end));
    if (ev) events.push(ev);
    start = end + 1;
  }
  const last = parser.end();
  if (last) events.push(last);
  return events;
}

/**
 * Streams the events of a FastJet text file (plain or gzip-compressed, detected from its first bytes), one at a time,
 * so that files of any size can be read.
 * @param path - the file
 * @param options - tolerance and the name for error messages
 * @returns an async iterable of events
 * @example
 * ```ts
 * for await (const event of readFastJetEvents('Pythia-PtMin1000-LHC-10ev.dat')) {
 *   console.log(clusterJets(event, jetDefinition('antikt', 0.4), 20).length);
 * }
 * ```
 */
export async function* readFastJetEvents(path: string, options: FastJetTextOptions = {}): AsyncGenerator<ParticleEvent> {
  const parser = new FastJetTextParser(options.source ?? basename(path), options.energyTolerance);
  const gzip = await isGzipFile(path);
  const raw = createReadStream(path);
  if (options.onBytes) {
    const onBytes = options.onBytes;
    raw.on('data', () => onBytes(raw.bytesRead));
  }
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => stream.destroy(e));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const ev = parser.line(line);
      if (ev) yield ev;
    }
  } finally {
    lines.close();
    raw.destroy();
  }
  const last = parser.end();
  if (last) yield last;
}

/**
 * Writes events in FastJet's text format, at full double precision (17 significant digits), each followed by `#END`.
 * @param events - the events
 * @returns the text
 * @example
 * ```ts
 * formatFastJetEvents([ParticleEvent.fromRows([[1, 0, 0, 1]])]); // '1 0 0 1\n#END\n'
 * ```
 */
export function formatFastJetEvents(events: Iterable<ParticleEvent>): string {
  const parts: string[] = [];
  for (const event of events) {
    const m = event.momenta;
    for (let i = 0; i < m.length; i += 4) {
      parts.push(`${formatG(m[i]!, 17)} ${formatG(m[i + 1]!, 17)} ${formatG(m[i + 2]!, 17)} ${formatG(m[i + 3]!, 17)}\n`);
    }
    parts.push('#END\n');
  }
  return parts.join('');
}

