/**
 * The Microsoft Purview audit-log search export: CSV whose rows carry the O365 record as
 * JSON in an `AuditData` column (`CreationDate,UserIds,Operations,AuditData` or the newer
 * `RecordId,CreationDate,RecordType,Operation,UserId,AuditData,…`). This is the file
 * analysts most often have for Microsoft 365, so it is read like any other format: each
 * row becomes `{column: value}` and the normaliser unwraps `AuditData`.
 */

/** True for a header line of such an export (a CSV header naming an AuditData column). */
export function isAuditCsvHeader(line: string): boolean {
  return line.indexOf(',') > 0 && /(^|,)"?AuditData"?(,|$)/.test(line.trim());
}

/** Splits one CSV record (RFC 4180 quoting). Returns null when a quoted field is still open. */
export function splitCsv(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return null; // the field continues on the next line
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      out.push(value);
      const comma = line.indexOf(',', j);
      if (comma < 0) break;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      out.push(comma < 0 ? line.slice(i) : line.slice(i, comma));
      if (comma < 0) break;
      i = comma + 1;
    }
  }
  return out;
}

/** Turns lines into row objects keyed by the header; carries quoted fields across lines. */
export class CsvRows {
  private carry = '';
  constructor(private readonly header: string[]) {}

  /** The row completed by this line, or null when its quoted field continues. */
  push(line: string): { row: Record<string, string>; text: string } | null {
    const text = this.carry === '' ? line : `${this.carry}\n${line}`;
    const cells = splitCsv(text);
    if (cells === null) {
      this.carry = text;
      return null;
    }
    this.carry = '';
    const row: Record<string, string> = {};
    for (let k = 0; k < this.header.length; k++) row[this.header[k]] = cells[k] ?? '';
    return { row, text };
  }

  /** Text of a row left unfinished at the end of the file. */
  rest(): string {
    return this.carry;
  }
}
