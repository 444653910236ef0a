/** HTML tables for `display.html`: top alerts with their reasons, per-scenario recall… */

export interface TableOptions {
  caption?: string;
  /** Column order and subset; default: the keys of the first row. */
  columns?: readonly string[];
  /** Rows beyond this are counted, not shown. */
  maxRows?: number;
  /** Digits after the point for non-integer numbers. */
  digits?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function cellText(value: unknown, digits: number): string {
  if (value === null || value === undefined) return '';
  // NaN is how danfojs and the feature columns spell "missing": show an empty cell, not "NaN".
  if (typeof value === 'number') return Number.isNaN(value) ? '' : Number.isInteger(value) || !Number.isFinite(value) ? String(value) : value.toFixed(digits);
  if (Array.isArray(value)) return value.map((v) => cellText(v, digits)).join('; ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function htmlTable(rows: readonly Record<string, unknown>[], options: TableOptions = {}): string {
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  const shown = rows.slice(0, options.maxRows ?? 50);
  const digits = options.digits ?? 3;
  const head = columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join('');
  const body = shown
    .map((row) => `<tr>${columns.map((c) => {
      const value = row[c];
      const align = typeof value === 'number' ? 'right' : 'left';
      return `<td style="text-align:${align}">${escapeHtml(cellText(value, digits))}</td>`;
    }).join('')}</tr>`)
    .join('\n');
  const more = rows.length > shown.length ? `<tr><td colspan="${columns.length}"><i>… ${rows.length - shown.length} more rows</i></td></tr>` : '';
  const caption = options.caption ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>` : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}${more}</tbody></table>`;
}
