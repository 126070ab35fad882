/**
 * Python's `decimal.Decimal`, as dbt's query results hold numbers that are not integers (agate
 * casts a DECIMAL and a DOUBLE alike to Decimal): the value keeps its digits and exponent, so
 * `1.50` prints `1.50`, a DOUBLE's `1.0` prints `1.0` and `1e20` prints `1E+20`, as Python's
 * `str()` prints them; its `repr()` is `Decimal('1.50')`.
 *
 * In templates it is a float (a {@link PyFloat} holding its value) for comparisons, `| int`,
 * `| float`, `| round`, `/` and `%`. `+`, `-` and `*` with an int or a Decimal are exact, as
 * Python's (`d * 2` is `Decimal('3.00')`, to 28 significant digits); with a float they are
 * Python's TypeError.
 */
import { PY_ADD, PY_MUL, PY_REPR, PY_SUB, PY_TYPE, PyFloat, PyTypeError, pyRepr } from '../jinja/index.js';

/** Python's default decimal context: 28 significant digits. */
const PRECISION = 28;

/** Python's `Decimal`: sign, coefficient digits and exponent, or NaN / ±Infinity. */
export class PyDecimal extends PyFloat {
  readonly [PY_TYPE] = 'decimal.Decimal';
  /**
   * @param negative the sign (Python keeps it on zero: `-0.0`)
   * @param digits the coefficient's digits, without leading zeros (`'0'` for zero); `'NaN'` or `'Infinity'` for those
   * @param exponent the power of ten the coefficient is scaled by (`1.50` is `150`, `-2`)
   */
  private constructor(
    readonly negative: boolean,
    readonly digits: string,
    readonly exponent: number,
  ) {
    super(valueOf(negative, digits, exponent));
  }

  /** `Decimal(text)`: `'1.50'`, `'-0.0'`, `'1e+20'`, `'NaN'`, `'inf'`; undefined when it is not a number. */
  static parse(text: string): PyDecimal | undefined {
    const s = text.trim();
    const special = /^([+-]?)(nan|inf|infinity)$/i.exec(s);
    if (special) return new PyDecimal(special[1] === '-', special[2]!.toLowerCase() === 'nan' ? 'NaN' : 'Infinity', 0);
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
    const frac = m[3] ?? '';
    const digits = (m[2]! + frac).replace(/^0+(?=\d)/, '');
    return new PyDecimal(m[1] === '-', digits, Number(m[4] ?? 0) - frac.length);
  }

  /** `Decimal(repr(f))`, as agate casts a float: `1.0` → `1.0`, `1e-05` → `0.00001`. */
  static fromFloat(n: number): PyDecimal {
    return PyDecimal.parse(pyRepr(new PyFloat(n)))!;
  }

  /**
   * A DECIMAL(p, s) value that came back as a JS number: its shortest text, with the column's
   * `scale` digits after the point (`1.5` in a DECIMAL(10,2) is `1.50`). Digits beyond a double's
   * precision are already lost (a DECIMAL(38,10) with 20 significant digits).
   */
  static withScale(n: number, scale: number): PyDecimal {
    const d = PyDecimal.parse(String(n))!;
    if (!d.isFinite() || d.exponent === -scale) return d;
    if (d.exponent > -scale) return new PyDecimal(d.negative, d.digits === '0' ? '0' : d.digits + '0'.repeat(d.exponent + scale), -scale);
    return d.quantize(scale);
  }

  /** Not NaN nor an infinity. */
  isFinite(): boolean {
    return this.digits !== 'NaN' && this.digits !== 'Infinity';
  }

  /** This value rounded half-even to `places` digits after the point (more digits are added as zeros). */
  quantize(places: number): PyDecimal {
    if (!this.isFinite() || this.exponent === -places) return this;
    if (this.exponent > -places) return new PyDecimal(this.negative, this.digits === '0' ? '0' : this.digits + '0'.repeat(this.exponent + places), -places);
    const drop = -places - this.exponent;
    const padded = this.digits.padStart(drop + 1, '0');
    let kept = padded.slice(0, padded.length - drop);
    const rest = padded.slice(padded.length - drop);
    const first = rest.charCodeAt(0) - 48;
    const roundUp = first > 5 || (first === 5 && (/[1-9]/.test(rest.slice(1)) || (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1));
    if (roundUp) kept = addOne(kept);
    return new PyDecimal(this.negative, kept.replace(/^0+(?=\d)/, ''), -places);
  }

  /** Python's `str(Decimal)`: plain notation unless the exponent is positive or the value is below 1E-6. */
  override toString(): string {
    const sign = this.negative ? '-' : '';
    if (this.digits === 'NaN') return 'NaN';
    if (this.digits === 'Infinity') return `${sign}Infinity`;
    const c = this.digits;
    const leftDigits = this.exponent + c.length;
    const dot = this.exponent <= 0 && leftDigits > -6 ? leftDigits : 1;
    let text: string;
    if (dot <= 0) text = '0.' + '0'.repeat(-dot) + c;
    else if (dot >= c.length) text = c + '0'.repeat(dot - c.length);
    else text = c.slice(0, dot) + '.' + c.slice(dot);
    const exp = leftDigits - dot;
    return sign + text + (exp === 0 ? '' : `E${exp > 0 ? '+' : '-'}${Math.abs(exp)}`);
  }

  [PY_REPR](): string {
    return `Decimal('${this.toString()}')`;
  }

  [PY_ADD](other: unknown, reflected: boolean): PyDecimal | undefined {
    return this.arithmetic('+', other, reflected, (a, b) => add(a, b));
  }
  [PY_SUB](other: unknown, reflected: boolean): PyDecimal | undefined {
    return this.arithmetic('-', other, reflected, (a, b) => (reflected ? add(b, negate(a)) : add(a, negate(b))));
  }
  [PY_MUL](other: unknown, reflected: boolean): PyDecimal | undefined {
    return this.arithmetic('*', other, reflected, (a, b) => ({ negative: a.negative !== b.negative, coefficient: a.coefficient * b.coefficient, exponent: a.exponent + b.exponent }));
  }

  /** `this <op> other` on exact parts; a float operand is Python's TypeError; undefined for what Decimal does not take. */
  private arithmetic(op: string, other: unknown, reflected: boolean, f: (a: Parts, b: Parts) => Parts): PyDecimal | undefined {
    if ((typeof other === 'number' && !Number.isInteger(other)) || (other instanceof PyFloat && !(other instanceof PyDecimal))) {
      const [l, r] = reflected ? ['float', 'decimal.Decimal'] : ['decimal.Decimal', 'float'];
      throw new PyTypeError(`unsupported operand type(s) for ${op}: '${l}' and '${r}'`);
    }
    const b = other instanceof PyDecimal ? other.parts() : typeof other === 'number' || typeof other === 'boolean' || typeof other === 'bigint' ? intParts(other) : undefined;
    const a = this.parts();
    // NaN and the infinities keep the float arithmetic of the value they hold
    if (!a || !b) return undefined;
    return PyDecimal.fromParts(f(a, b));
  }

  /** The exact parts of a finite value. */
  private parts(): Parts | undefined {
    return this.isFinite() ? { negative: this.negative, coefficient: BigInt(this.digits), exponent: this.exponent } : undefined;
  }

  /** The Decimal of exact parts, rounded half-even to the context's 28 significant digits. */
  private static fromParts(p: Parts): PyDecimal {
    const d = new PyDecimal(p.negative, p.coefficient.toString(), p.exponent);
    const excess = d.digits.length - PRECISION;
    return excess > 0 ? d.quantize(-(d.exponent + excess)) : d;
  }
}

/** A finite Decimal's sign, coefficient and exponent. */
interface Parts {
  negative: boolean;
  coefficient: bigint;
  exponent: number;
}

function intParts(n: number | boolean | bigint): Parts | undefined {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) return undefined;
  const big = BigInt(typeof n === 'boolean' ? Number(n) : n);
  return { negative: big < 0n, coefficient: big < 0n ? -big : big, exponent: 0 };
}

function negate(p: Parts): Parts {
  return { ...p, negative: !p.negative };
}

/** Exact sum; a zero sum is negative only when both operands are (Python's rounding). */
function add(a: Parts, b: Parts): Parts {
  const exponent = Math.min(a.exponent, b.exponent);
  const signed = (p: Parts) => (p.negative ? -1n : 1n) * p.coefficient * 10n ** BigInt(p.exponent - exponent);
  const sum = signed(a) + signed(b);
  return { negative: sum < 0n || (sum === 0n && a.negative && b.negative), coefficient: sum < 0n ? -sum : sum, exponent };
}

function valueOf(negative: boolean, digits: string, exponent: number): number {
  if (digits === 'NaN') return NaN;
  const n = digits === 'Infinity' ? Infinity : Number(`${digits}e${exponent}`);
  return negative ? -n : n;
}

/** A string of decimal digits plus one. */
function addOne(digits: string): string {
  const a = digits.split('');
  let i = a.length - 1;
  while (i >= 0 && a[i] === '9') a[i--] = '0';
  if (i < 0) return '1' + a.join('');
  a[i] = String(Number(a[i]) + 1);
  return a.join('');
}
