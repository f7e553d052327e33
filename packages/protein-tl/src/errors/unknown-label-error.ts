import { LabError } from '@lab/tensor-core';

/**
 * A family accession is not in a {@link LabelIndex}.
 *
 * @remarks `code` is `UNKNOWN_LABEL`. The message says how many labels the index has, suggests a known accession that
 * differs only in its Pfam version suffix (`PF00001.21` vs `PF00001.20`), and lists the fixes: add the accession to
 * the label-order file (and retrain the head), or drop such records first with `LabelIndex.has`.
 *
 * @example
 * ```ts
 * const index = new LabelIndex(['PF00001.21']);
 * try { index.indexOf('PF00002.1'); }
 * catch (e) { if (e instanceof UnknownLabelError) console.log(e.label); } // 'PF00002.1'
 * ```
 */
export class UnknownLabelError extends LabError {
  /** The unknown label. */
  readonly label: string;
  /** A known label with the same accession and another version, if any. */
  readonly suggestion: string | undefined;

  /**
   * @param label - the unknown label
   * @param knownCount - how many labels the index has
   * @param suggestion - a close known label, if any
   * @param context - where the label came from (e.g. `test_1.csv line 5`), if known
   */
  constructor(label: string, knownCount: number, suggestion?: string, context?: string) {
    super(
      'UNKNOWN_LABEL',
      `Unknown label "${label}"${context ? ` (${context})` : ''}: it is not among the ${knownCount} labels of this label index.` +
        (suggestion ? ` A known label has the same accession with another version: "${suggestion}"; compare the Pfam releases of the data and the label order.` : '') +
        ' Fix: add it to the label-order file and retrain the classifier head, or drop such records first (LabelIndex.has).',
    );
    this.name = 'UnknownLabelError';
    this.label = label;
    this.suggestion = suggestion;
  }
}
