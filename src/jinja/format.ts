/**
 * Python string formatting: `'%s' % args` (printf style) and `'{}'.format(...)` with
 * the format-spec mini-language (fill, align, sign, width, grouping, precision, type).
 */
import {
  PyFloat,
  PyTypeError,
  PyValueError,
  isFloat,
  isMapping,
  isTuple,
  mappingGet,
  mappingHas,
  num,
  pyRepr,
  pyStr,
  typeName,
} from './values.js';

/** Raised for `'%d' % 'x'`-style mistakes. */
function typeErr(msg: string): never {
  throw new PyTypeError(msg);
}

/** Format a number in fixed notation with `p` decimals, rounding half-even on the exact value like Python. */
export function toFixedPy(n: number, p: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : n < 0 ? '-inf' : 'nan';
  return n.toFixed(Math.min(100, p));
}

function applyExp(s: string): string {
  // JS `1.5e+3` → Python `1.5e+03`
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function fmtGeneral(n: number, p: number, alt: boolean): string {
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : n < 0 ? '-inf' : 'nan';
  if (p === 0) p = 1;
  if (n === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(n.toPrecision(p)))));
  let s: string;
  if (exp < -4 || exp >= p) {
    s = n.toExponential(p - 1);
    if (!alt) s = s.replace(/\.?0+e/, 'e');
    s = applyExp(s);
  } else {
    s = n.toFixed(Math.max(0, p - 1 - exp));
    if (!alt && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s;
}

function group(intPart: string, sep: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | undefined;
  type: string;
}

function parseSpec(spec: string): Spec {
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su.exec(spec);
  if (!m) throw new PyValueError(`Invalid format specifier '${spec}'`);
  return {
    fill: m[1] ?? (m[5] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[5] ? '=' : ''),
    sign: m[3] ?? '-',
    alt: !!m[4],
    zero: !!m[5],
    width: m[6] ? Number(m[6]) : 0,
    grouping: m[7] ?? '',
    precision: m[8] !== undefined ? Number(m[8]) : undefined,
    type: m[9] ?? '',
  };
}

function pad(body: string, sign: string, spec: Spec, defaultAlign: string): string {
  const align = spec.align || defaultAlign;
  const total = sign.length + body.length;
  if (total >= spec.width) return sign + body;
  const n = spec.width - total;
  const f = spec.fill;
  switch (align) {
    case '<':
      return sign + body + f.repeat(n);
    case '^': {
      const l = Math.floor(n / 2);
      return f.repeat(l) + sign + body + f.repeat(n - l);
    }
    case '=':
      return sign + f.repeat(n) + body;
    default:
      return f.repeat(n) + sign + body;
  }
}

/** Apply a format spec (`>10`, `.2f`, `,`, `08.3f`…) to a value, like Python's `format(value, spec)`. */
export function formatSpec(value: unknown, spec: string): string {
  if (spec === '') return pyStr(value);
  const s = parseSpec(spec);
  const isNum = typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFloat;
  if (!isNum) {
    if (s.type && s.type !== 's') {
      throw new PyValueError(`Unknown format code '${s.type}' for object of type '${typeName(value)}'`);
    }
    let str = pyStr(value);
    if (s.precision !== undefined) str = str.slice(0, s.precision);
    return pad(str, '', s, '<');
  }
  const n = num(value);
  let t = s.type;
  if (t === '' ) t = isFloat(value) ? '' : 'd';
  if (t === 'n') t = isFloat(value) ? 'g' : 'd';
  let body: string;
  const a = Math.abs(n);
  switch (t) {
    case 'd':
      if (!Number.isInteger(n) || value instanceof PyFloat) throw new PyValueError(`Unknown format code 'd' for object of type 'float'`);
      body = String(a);
      break;
    case 'b':
      body = (s.alt ? '0b' : '') + a.toString(2);
      break;
    case 'o':
      body = (s.alt ? '0o' : '') + a.toString(8);
      break;
    case 'x':
      body = (s.alt ? '0x' : '') + a.toString(16);
      break;
    case 'X':
      body = (s.alt ? '0X' : '') + a.toString(16).toUpperCase();
      break;
    case 'c':
      body = String.fromCodePoint(a);
      break;
    case 'f':
    case 'F':
      body = toFixedPy(a, s.precision ?? 6);
      break;
    case 'e':
    case 'E':
      body = applyExp(a.toExponential(s.precision ?? 6));
      if (t === 'E') body = body.toUpperCase();
      break;
    case 'g':
    case 'G':
      body = fmtGeneral(a, s.precision ?? 6, s.alt);
      if (t === 'G') body = body.toUpperCase();
      break;
    case '%':
      body = toFixedPy(a * 100, s.precision ?? 6) + '%';
      break;
    default:
      // no type on a float: like str() but honouring precision as 'g'
      body = s.precision !== undefined ? fmtGeneral(a, s.precision, false) : pyStr(value instanceof PyFloat ? value : a).replace(/^-/, '');
      if (value instanceof PyFloat && s.precision === undefined) body = pyStr(new PyFloat(a));
  }
  if (s.grouping && /^[dfFeEgG%]?$/.test(t)) {
    const [ip, ...rest] = body.split('.');
    body = [group(ip!, s.grouping), ...rest].join('.');
  }
  const negative = n < 0 || Object.is(n, -0);
  const sign = negative ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
  return pad(body, sign, s, '>');
}

function resolveField(field: string, args: unknown[], kwargs: Record<string, unknown>, auto: { i: number }): unknown {
  const m = /^([^.[]*)(.*)$/s.exec(field)!;
  const head = m[1]!;
  let v: unknown;
  if (head === '') {
    v = args[auto.i++];
    if (auto.i > args.length) throw new Error('Replacement index ' + (auto.i - 1) + ' out of range for positional args tuple');
  } else if (/^\d+$/.test(head)) {
    const i = Number(head);
    if (i >= args.length) throw new Error(`Replacement index ${i} out of range for positional args tuple`);
    v = args[i];
  } else {
    if (!Object.prototype.hasOwnProperty.call(kwargs, head)) throw new Error(`KeyError: '${head}'`);
    v = kwargs[head];
  }
  let rest = m[2]!;
  while (rest) {
    const a = /^\.([^.[]+)/.exec(rest);
    if (a) {
      v = isMapping(v)
        ? mappingGet(v, a[1])
        : v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, a[1]!)
          ? (v as Record<string, unknown>)[a[1]!]
          : undefined;
      rest = rest.slice(a[0].length);
      continue;
    }
    const b = /^\[([^\]]*)\]/.exec(rest);
    if (b) {
      const key = /^\d+$/.test(b[1]!) ? Number(b[1]) : b[1];
      v = Array.isArray(v) ? v[key as number] : mappingGet(v, key);
      rest = rest.slice(b[0].length);
      continue;
    }
    break;
  }
  return v;
}

/** Python `str.format(*args, **kwargs)`. */
export function strFormat(fmt: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let out = '';
  const auto = { i: 0 };
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c === '{') {
      if (fmt[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      let depth = 1;
      let j = i + 1;
      while (j < fmt.length && depth > 0) {
        if (fmt[j] === '{') depth++;
        else if (fmt[j] === '}') depth--;
        if (depth > 0) j++;
      }
      if (depth !== 0) throw new PyValueError("Single '{' encountered in format string");
      const inner = fmt.slice(i + 1, j);
      const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(inner)!;
      let v = resolveField(m[1]!, args, kwargs, auto);
      let spec = m[3] ?? '';
      if (spec.includes('{')) spec = strFormat(spec, args, kwargs);
      if (m[2] === 'r' || m[2] === 'a') v = pyRepr(v);
      else if (m[2] === 's') v = pyStr(v);
      out += formatSpec(v, spec);
      i = j + 1;
    } else if (c === '}') {
      if (fmt[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      throw new PyValueError("Single '}' encountered in format string");
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Python `fmt % values`. */
export function percentFormat(fmt: string, values: unknown): string {
  const positional: unknown[] = isTuple(values) ? values : [values];
  const mapping = isMapping(values) ? values : undefined;
  let pi = 0;
  let usedMapping = false;
  const re = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g;
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fmt))) {
    out += fmt.slice(last, m.index);
    last = re.lastIndex;
    const conv = m[5]!;
    if (conv === '%' && !m[1] && !m[2] && !m[3] && !m[4]) {
      out += '%';
      continue;
    }
    const next = (): unknown => {
      if (pi >= positional.length) typeErr('not enough arguments for format string');
      return positional[pi++];
    };
    let v: unknown;
    if (m[1] !== undefined) {
      if (!mapping) typeErr('format requires a mapping');
      if (!mappingHas(mapping, m[1])) throw new Error(`KeyError: '${m[1]}'`);
      v = mappingGet(mapping, m[1]);
      usedMapping = true;
    }
    let width = m[3] === '*' ? num(next()) : m[3] ? Number(m[3]) : 0;
    const prec = m[4] === '*' ? num(next()) : m[4] !== undefined ? Number(m[4]) : undefined;
    if (m[1] === undefined) v = next();
    const flags = m[2]!;
    let body: string;
    let sign = '';
    const numeric = (): number => {
      if (typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat) return num(v);
      typeErr(`%${conv} format: a real number is required, not ${typeName(v)}`);
    };
    switch (conv) {
      case 's':
        body = pyStr(v);
        if (prec !== undefined) body = body.slice(0, prec);
        break;
      case 'r':
      case 'a':
        body = pyRepr(v);
        if (prec !== undefined) body = body.slice(0, prec);
        break;
      case 'c':
        body = typeof v === 'string' ? v : String.fromCodePoint(numeric());
        break;
      default: {
        const n = numeric();
        if (n < 0 || Object.is(n, -0)) sign = '-';
        else if (flags.includes('+')) sign = '+';
        else if (flags.includes(' ')) sign = ' ';
        const a = Math.abs(n);
        switch (conv) {
          case 'd':
          case 'i':
          case 'u':
            body = String(Math.trunc(a));
            break;
          case 'o':
            body = (flags.includes('#') ? '0o' : '') + Math.trunc(a).toString(8);
            break;
          case 'x':
            body = (flags.includes('#') ? '0x' : '') + Math.trunc(a).toString(16);
            break;
          case 'X':
            body = (flags.includes('#') ? '0X' : '') + Math.trunc(a).toString(16).toUpperCase();
            break;
          case 'e':
          case 'E':
            body = applyExp(a.toExponential(prec ?? 6));
            if (conv === 'E') body = body.toUpperCase();
            break;
          case 'f':
          case 'F':
            body = toFixedPy(a, prec ?? 6);
            break;
          default:
            body = fmtGeneral(a, prec ?? 6, flags.includes('#'));
            if (conv === 'G') body = body.toUpperCase();
        }
      }
    }
    const total = sign.length + body.length;
    if (width < 0) width = 0;
    if (total < width) {
      if (flags.includes('-')) body = sign + body + ' '.repeat(width - total);
      else if (flags.includes('0') && !'srac'.includes(conv)) body = sign + '0'.repeat(width - total) + body;
      else body = ' '.repeat(width - total) + sign + body;
    } else body = sign + body;
    out += body;
  }
  out += fmt.slice(last);
  if (!usedMapping && !mapping && pi < positional.length) typeErr('not all arguments converted during string formatting');
  return out;
}
