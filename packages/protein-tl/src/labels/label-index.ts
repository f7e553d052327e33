import { InvalidArgumentError } from '@lab/tensor-core';
import { UnknownLabelError } from '../errors/unknown-label-error';
import { formatLabelOrder, readLabelOrder, writeLabelOrder } from '../io/label-order';

/**
 * A fixed mapping between family accessions and class indices (0-based, in label-order file order).
 *
 * @remarks Build it from a label-order file ({@link LabelIndex.read}) to score or run a trained head, or from the
 * training rows ({@link LabelIndex.fromLabels}, sorted for determinism) and save it next to the model. Unknown labels
 * throw {@link UnknownLabelError}, which says how to fix them.
 *
 * @example
 * ```ts
 * const index = LabelIndex.fromLabels(['PF00002.24', 'PF00001.21', 'PF00002.24']);
 * index.labels;                   // ['PF00001.21', 'PF00002.24']
 * index.indexOf('PF00002.24');    // 1
 * index.labelAt(0);               // 'PF00001.21'
 * ```
 */
export class LabelIndex {
  /** The labels, in class-index order. */
  readonly labels: readonly string[];
  private readonly byLabel: Map<string, number>;
  private byAccession: Map<string, string> | undefined;

  /**
   * @param labels - the labels in class-index order
   * @throws InvalidArgumentError for no labels, an empty or whitespace-containing label, or a repeated one
   */
  constructor(labels: readonly string[]) {
    formatLabelOrder(labels); // validates
    this.labels = Object.freeze([...labels]);
    this.byLabel = new Map(labels.map((l, i) => [l, i]));
  }

  /**
   * The sorted distinct labels of a collection (e.g. the training rows' family accessions).
   * @param labels - labels, repeats allowed
   * @returns the index
   */
  static fromLabels(labels: Iterable<string>): LabelIndex {
    return new LabelIndex([...new Set(labels)].sort());
  }

  /**
   * Reads a label-order file (see `readLabelOrder`).
   * @param path - the file
   * @returns the index
   */
  static async read(path: string): Promise<LabelIndex> {
    return new LabelIndex(await readLabelOrder(path));
  }

  /**
   * Writes the labels as a label-order file.
   * @param path - the file
   */
  async write(path: string): Promise<void> {
    await writeLabelOrder(path, this.labels);
  }

  /** Number of classes. */
  get size(): number {
    return this.labels.length;
  }

  /**
   * True when the label is known.
   * @param label - a family accession
   */
  has(label: string): boolean {
    return this.byLabel.has(label);
  }

  /**
   * The class index of a label.
   * @param label - a family accession
   * @param context - where the label came from, for the error message (e.g. `test_1.csv line 5`)
   * @returns its 0-based index
   * @throws UnknownLabelError when the label is not known
   */
  indexOf(label: string, context?: string): number {
    const i = this.byLabel.get(label);
    if (i === undefined) throw new UnknownLabelError(label, this.size, this.suggest(label), context);
    return i;
  }

  /**
   * The label of a class index.
   * @param index - 0-based class index
   * @returns the label
   * @throws InvalidArgumentError when the index is not an integer in [0, size)
   */
  labelAt(index: number): string {
    const label = Number.isInteger(index) ? this.labels[index] : undefined;
    if (label === undefined) {
      throw new InvalidArgumentError('index', `Class index ${index} is out of range: this label index has ${this.size} classes (0..${this.size - 1}).`);
    }
    return label;
  }

  /**
   * Class indices of many labels.
   * @param labels - family accessions
   * @returns their indices
   * @throws UnknownLabelError at the first unknown label (its position in the input is named)
   */
  encode(labels: Iterable<string>): Int32Array {
    const out: number[] = [];
    for (const label of labels) out.push(this.indexOf(label, `item ${out.length}`));
    return Int32Array.from(out);
  }

  /**
   * Labels of many class indices.
   * @param indices - 0-based class indices
   * @returns the labels
   */
  decode(indices: ArrayLike<number>): string[] {
    return Array.from({ length: indices.length }, (_, i) => this.labelAt(indices[i]!));
  }

  private suggest(label: string): string | undefined {
    if (!this.byAccession) {
      this.byAccession = new Map();
      for (const l of this.labels) this.byAccession.set(stripVersion(l), l);
    }
    return this.byAccession.get(stripVersion(label));
  }
}

function stripVersion(label: string): string {
  return label.replace(/\.\d+$/, '');
}
