import { InvalidArgumentError } from '@lab/tensor-core';

/**
 * Formats records as a Pfam CSV shard in the `family_accession,sequence` layout that `readPfamCsv` reads.
 *
 * @param records - family accession and unaligned sequence of each row
 * @returns the CSV text with header and `\n` line endings
 * @throws InvalidArgumentError when a field contains a comma, quote or line break (Pfam accessions and residues never do)
 * @example
 * ```ts
 * formatPfamCsv([{ familyAccession: 'PF00001.21', sequence: 'MKV' }]); // "family_accession,sequence\nPF00001.21,MKV\n"
 * ```
 */
export function formatPfamCsv(records: readonly { familyAccession: string; sequence: string }[]): string {
  const lines = ['family_accession,sequence'];
  records.forEach((r, i) => {
    for (const v of [r.familyAccession, r.sequence]) {
      if (/[",\r\n]/.test(v)) throw new InvalidArgumentError('records', `Record ${i}: "${v.slice(0, 40)}" contains a comma, quote or line break.`);
    }
    lines.push(`${r.familyAccession},${r.sequence}`);
  });
  return `${lines.join('\n')}\n`;
}
