/**
 * A quick check of a seed's CSV before the engine loads it: the text is UTF-8, every row
 * has as many fields as the header, quotes are closed. Mistakes are reported with the
 * file, line and column, which engines' own readers do not always give.
 */
import { readFileSync } from 'node:fs';
import { StrataError } from '../errors.js';

export interface CsvShape {
  header: string[];
  /** Data rows (not counting the header). */
  rows: number;
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

export function checkCsv(path: string, displayPath: string, delimiter = ','): CsvShape {
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines[0]!.trim() === '') {
    throw new StrataError('seed-empty', `${displayPath} is empty: a seed needs a header row`, { position: { file: displayPath, line: 1, column: 1 } });
  }
  // Walk the text once, tracking quotes across lines, counting fields per record.
  let header: string[] | null = null;
  let expected = 0;
  let fields = 1;
  let quoted = false;
  let field = '';
  const headerFields: string[] = [];
  let recordLine = 1;
  let rows = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!quoted) {
      recordLine = n + 1;
      fields = 1;
      field = '';
    } else field += '\n';
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (ch === '"') {
        if (quoted && line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = !quoted;
      } else if (!quoted && line.startsWith(delimiter, i)) {
        if (!header) headerFields.push(field);
        field = '';
        fields++;
        i += delimiter.length - 1;
      } else field += ch;
    }
    if (quoted) continue;
    if (!header) {
      headerFields.push(field);
      header = headerFields.map((h) => h.trim());
      expected = fields;
      const seen = new Map<string, number>();
      header.forEach((h, i) => {
        if (h === '') throw new StrataError('seed-header', `${displayPath}: column ${i + 1} of the header has no name`, { position: { file: displayPath, line: 1, column: fieldColumns(lines[0]!, delimiter)[i] } });
        const prior = seen.get(h.toLowerCase());
        if (prior !== undefined) throw new StrataError('seed-header', `${displayPath}: the header names column '${h}' twice`, { position: { file: displayPath, line: 1, column: fieldColumns(lines[0]!, delimiter)[i] } });
        seen.set(h.toLowerCase(), i);
      });
      continue;
    }
    if (line.trim() === '' && fields === 1) continue;
    rows++;
    if (fields !== expected) {
      const cols = fieldColumns(lines[recordLine - 1]!, delimiter);
      const column = fields > expected ? cols[expected] ?? 1 : (lines[recordLine - 1]!.length || 0) + 1;
      throw new StrataError('seed-ragged', `${displayPath}: line ${recordLine} has ${fields} field${fields === 1 ? '' : 's'}, the header has ${expected}`, {
        position: { file: displayPath, line: recordLine, column },
        source: text,
        hint: fields > expected ? 'quote values that contain the delimiter ("a, b")' : 'add the missing values (leave them empty for NULL)',
      });
    }
  }
  if (quoted) {
    throw new StrataError('seed-quote', `${displayPath}: a quote opened on line ${recordLine} is never closed`, { position: { file: displayPath, line: recordLine, column: 1 }, source: text });
  }
  return { header: header ?? [], rows };
}
