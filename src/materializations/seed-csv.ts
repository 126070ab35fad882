/**
 * Reading a seed's CSV: one pass over the text that checks it before an engine loads it
 * (the text is UTF-8, there is a header, every row has as many fields as the header, quotes
 * are closed) and hands each record to a visitor (the type inference of `seed-types.ts`).
 * Mistakes are reported with the file, line and column, which engines' own readers do not
 * always give.
 */
import { readFileSync } from 'node:fs';
import { StrataError } from '../errors.js';

export interface CsvShape {
  header: string[];
  /** Data rows (not counting the header). */
  rows: number;
  /** Blank lines skipped between rows (in a file of one column a blank line is a row: an empty value). */
  blankLines: number;
  /** Of those, lines of spaces (an engine's reader takes them for a row of one field). */
  spaceLines: number;
  /** The text of the file, without a byte order mark. */
  text: string;
}

/** What a reader of the records is handed: the header (trimmed), then each data record with which of its fields were quoted (undefined when none was) and its first line. */
export interface CsvVisitor {
  header(names: string[]): void;
  record(fields: string[], quoted: readonly boolean[] | undefined, line: number): void;
}

/** Field start columns (1-based) of `line`, honouring quotes. */
export function fieldColumns(line: string, delimiter: string): number[] {
  const cols = [1];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && line.startsWith(delimiter, i)) cols.push(i + delimiter.length + 1);
  }
  return cols;
}

/**
 * Calls `onRecord` for each record of a CSV text (quotes, doubled quotes, newlines inside
 * quotes), with `blank` set for a line of nothing or spaces (one field). Returns the line of a
 * quote never closed, if any. Lines are scanned a character at a time: with a split of each
 * line (a slice of the whole text), Node 20's optimized code at times spent a search of the
 * whole text on every line, and a million-row seed hung on its second to fifth load in a
 * process.
 */
export function eachCsvRecord(text: string, delimiter: string, onRecord: (fields: string[], quoted: readonly boolean[] | undefined, line: number, blank: boolean) => void): number | undefined {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  const first = delimiter.charCodeAt(0);
  const single = delimiter.length === 1;
  while (pos < n) {
    // A line without quotes: its fields end at each delimiter.
    const fields: string[] = [];
    let start = pos;
    let i = pos;
    let quote = false;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (c === 34) {
        quote = true;
        break;
      }
      if (c === first && (single || text.startsWith(delimiter, i))) {
        fields.push(text.slice(start, i));
        start = i + delimiter.length;
        i = start - 1;
      }
    }
    if (quote) {
      const r = quotedRecord(text, pos, delimiter);
      if (!r) return line;
      onRecord(r.fields, r.quoted, line, false);
      line += r.lines;
      pos = r.next;
      continue;
    }
    const end = i > start && text.charCodeAt(i - 1) === 13 ? i - 1 : i;
    const last = text.slice(start, end);
    fields.push(last);
    pos = i + 1;
    const blank = fields.length === 1 && (last === '' || (last.charCodeAt(0) <= 32 && last.trim() === ''));
    onRecord(fields, undefined, line++, blank);
  }
  return undefined;
}

/** Parse one record with quotes starting at `start`: its fields, where the next record starts and how many lines it spans; undefined when a quote is not closed. */
function quotedRecord(text: string, start: number, delimiter: string): { fields: string[]; quoted: boolean[]; next: number; lines: number } | undefined {
  const fields: string[] = [];
  const quoted: boolean[] = [];
  const first = delimiter.charCodeAt(0);
  const n = text.length;
  let lines = 1;
  let field = '';
  let wasQuoted = false;
  // `run` starts the characters outside quotes not yet added to `field`
  let run = start;
  let i = start;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      // a quoted part, up to its closing quote ("" is a quote)
      field += text.slice(run, i);
      wasQuoted = true;
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return undefined;
        const part = text.slice(from, q);
        for (let k = part.indexOf('\n'); k >= 0; k = part.indexOf('\n', k + 1)) lines++;
        field += part;
        if (text.charCodeAt(q + 1) !== 34) {
          i = run = q + 1;
          break;
        }
        field += '"';
        from = q + 2;
      }
    } else if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) === 10) || (ch === first && text.startsWith(delimiter, i))) {
      fields.push(field + text.slice(run, i));
      quoted.push(wasQuoted);
      field = '';
      wasQuoted = false;
      if (ch === first) i = run = i + delimiter.length;
      else return { fields, quoted, next: i + (ch === 13 ? 2 : 1), lines };
    } else i++;
  }
  fields.push(field + text.slice(run, n));
  quoted.push(wasQuoted);
  return { fields, quoted, next: n, lines };
}

function decode(path: string, displayPath: string): string {
  const bytes = readFileSync(path);
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    // Find the first bad byte to point at its line.
    let line = 1;
    let col = 1;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      const len = b < 0x80 ? 1 : b >> 5 === 6 ? 2 : b >> 4 === 14 ? 3 : b >> 3 === 30 ? 4 : 0;
      let ok = len > 0 && i + len <= bytes.length;
      for (let k = 1; ok && k < len; k++) ok = bytes[i + k]! >> 6 === 2;
      if (!ok) {
        throw new StrataError('seed-encoding', `${displayPath} is not UTF-8: byte 0x${b.toString(16)} at line ${line}, column ${col}`, {
          position: { file: displayPath, line, column: col },
          hint: 're-save the file as UTF-8',
        });
      }
      if (b === 0x0a) {
        line++;
        col = 1;
      } else col++;
      i += len - 1;
    }
    throw new StrataError('seed-encoding', `${displayPath} is not UTF-8`, { position: { file: displayPath } });
  }
}

/**
 * Check a seed's file and count its rows, handing each data record to `onRecord` on the way
 * (one pass over the text), after the header. Blank lines between rows are skipped, as engines' readers skip
 * them, except in a file of one column, where they are empty values.
 */
export function checkCsv(path: string, displayPath: string, delimiter = ',', visitor?: CsvVisitor): CsvShape {
  const text = decode(path, displayPath);
  const lineText = (n: number) => text.split(/\r?\n/)[n - 1] ?? '';
  let header: string[] | undefined;
  let rows = 0;
  let blankLines = 0;
  let spaceLines = 0;
  const unclosed = eachCsvRecord(text, delimiter, (fields, quoted, line, blank) => {
    if (!header) {
      if (blank) throw new StrataError('seed-empty', `${displayPath} is empty: a seed needs a header row`, { position: { file: displayPath, line: 1, column: 1 } });
      header = fields.map((h) => h.trim());
      const seen = new Set<string>();
      header.forEach((h, i) => {
        const at = () => ({ file: displayPath, line: 1, column: fieldColumns(lineText(1), delimiter)[i] });
        if (h === '') throw new StrataError('seed-header', `${displayPath}: column ${i + 1} of the header has no name`, { position: at() });
        if (seen.has(h.toLowerCase())) throw new StrataError('seed-header', `${displayPath}: the header names column '${h}' twice`, { position: at() });
        seen.add(h.toLowerCase());
      });
      visitor?.header(header);
      return;
    }
    if (blank && header.length > 1) {
      blankLines++;
      if (fields[0] !== '') spaceLines++;
      return;
    }
    rows++;
    if (fields.length !== header.length) {
      const first = lineText(line);
      const column = fields.length > header.length ? fieldColumns(first, delimiter)[header.length] ?? 1 : first.length + 1;
      throw new StrataError('seed-ragged', `${displayPath}: line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`, {
        position: { file: displayPath, line, column },
        source: text,
        hint: fields.length > header.length ? 'quote values that contain the delimiter ("a, b")' : 'add the missing values (leave them empty for NULL)',
      });
    }
    visitor?.record(fields, quoted, line);
  });
  if (unclosed !== undefined) {
    throw new StrataError('seed-quote', `${displayPath}: a quote opened on line ${unclosed} is never closed`, { position: { file: displayPath, line: unclosed, column: 1 }, source: text });
  }
  if (!header) throw new StrataError('seed-empty', `${displayPath} is empty: a seed needs a header row`, { position: { file: displayPath, line: 1, column: 1 } });
  return { header, rows, blankLines, spaceLines, text };
}
