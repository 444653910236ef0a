/** The Purview audit-log search CSV export: rows with the O365 record as JSON in AuditData. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { normalizeFile, normalizeText, type NormalizeResult } from '../../../src/events/normalize/index.js';
import { splitCsv } from '../../../src/events/normalize/csv.js';

const NOW = Date.UTC(2025, 5, 1);

function audit(id: string, op: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { CreationTime: '2025-05-01T10:00:00', Id: id, Operation: op, OrganizationId: 'org', RecordType: 15, UserId: 'Eve@Contoso.com', Workload: 'AzureActiveDirectory', ClientIP: '198.51.100.7', ...extra };
}

/** A CSV cell the way Excel / PowerShell Export-Csv write it: always quoted, quotes doubled. */
function cell(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

describe('Purview audit CSV export', () => {
  const oldHeader = 'CreationDate,UserIds,Operations,AuditData';
  const rows = [
    ['2025-05-01T10:00:00.0000000Z', 'eve@contoso.com', 'UserLoggedIn', JSON.stringify(audit('c-1', 'UserLoggedIn'))],
    ['2025-05-01T10:01:00.0000000Z', 'eve@contoso.com', 'UserLoginFailed', JSON.stringify(audit('c-2', 'UserLoginFailed', { LogonError: 'InvalidUserNameOrPassword' }))],
  ];
  const csv = `\uFEFF${oldHeader}\r\n${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;

  it('reads each row through its AuditData (old header, BOM, CRLF)', () => {
    const res = normalizeText(csv, { now: NOW });
    assert.deepEqual(res.activities.map((a) => [a.id, a.action, a.user, a.ip]), [
      ['c-1', 'login', 'eve@contoso.com', '198.51.100.7'],
      ['c-2', 'login_failed', 'eve@contoso.com', '198.51.100.7'],
    ]);
    assert.equal(res.rejections.length, 0);
  });

  it('the newer header names Operation and RecordType itself: AuditData still wins', () => {
    const header = 'RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits';
    const line = ['r1', '2025-05-01T10:00:00Z', 'AzureActiveDirectoryStsLogon', 'UserLoggedIn', 'eve@contoso.com', JSON.stringify(audit('c-3', 'UserLoggedIn')), ''].map(cell).join(',');
    const res = normalizeText(`${header}\n${line}\n`, { now: NOW });
    assert.deepEqual(res.activities.map((a) => [a.id, a.time]), [['c-3', Date.UTC(2025, 4, 1, 10)]]);
  });

  it('a bad AuditData is rejected with its reason; an unclosed quote at the end is invalid_csv', () => {
    const text = `${oldHeader}\n${['x', 'y', 'z', '{"truncated":'].map(cell).join(',')}\n${rows[0].map(cell).join(',')}\n"2025-05-01","eve","Op","{""never closed`;
    const res = normalizeText(text, { now: NOW });
    assert.deepEqual(res.activities.map((a) => a.id), ['c-1']);
    assert.deepEqual(res.rejections.map((r) => [r.reason, r.line]), [['invalid_json', 2], ['invalid_csv', 4]]);
  });

  describe('from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'threatlab-csv-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    it('streams the same rows', async () => {
      const path = join(dir, 'AuditLog.csv');
      writeFileSync(path, csv);
      const out: NormalizeResult = { activities: [], rejections: [] };
      for await (const r of normalizeFile(path, { now: NOW })) out.activities.push(...r.activities);
      assert.deepEqual(out.activities.map((a) => a.id), ['c-1', 'c-2']);
    });
  });

  it('splitCsv follows RFC 4180 quoting and reports an open quote', () => {
    assert.deepEqual(splitCsv('a,"b,c","d""e",'), ['a', 'b,c', 'd"e', '']);
    assert.deepEqual(splitCsv('"x"'), ['x']);
    assert.equal(splitCsv('a,"open'), null);
  });
});
