/**
 * C's `printf("%.<precision>g")` in JavaScript, so that text output matches FastJet programs character for character.
 * @packageDocumentation
 */

/**
 * Formats a number as C's `%.<precision>g` does: `precision` significant digits, fixed notation for decimal exponents
 * in [−4, precision), exponential notation (`1.5e+21`, at least two exponent digits) otherwise, trailing zeros removed.
 * @param x - the number
 * @param precision - significant digits (1–21) @default 6
 * @returns the text, e.g. `formatG(0.000012345678901, 10)` → `1.23456789e-05`
 * @example
 * ```ts
 * formatG(1234.5, 10); // '1234.5'
 * formatG(-0, 10);     // '-0'
 * ```
 */
export function formatG(x: number, precision = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const p = Math.max(1, Math.min(21, Math.trunc(precision)));
  const exp = x.toExponential(p - 1);
  const cut = exp.indexOf('e');
  const e = Number(exp.slice(cut + 1));
  if (e < -4 || e >= p) {
    const mantissa = stripZeros(exp.slice(0, cut));
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return stripZeros(x.toFixed(p - 1 - e));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
