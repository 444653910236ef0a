/** File and text reading: arrays, envelopes, documents, NDJSON, streaming, and the helpers under them. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isThreatlabError } from '../../../src/errors/index.js';
import { cleanIp, normalizeFile, normalizeText, parseTime, type NormalizeResult } from '../../../src/events/normalize/index.js';
import { ArraySplitter } from '../../../src/events/normalize/split.js';

const NOW = Date.UTC(2025, 0, 1);
const records = [1, 2, 3].map((i) => ({
  eventVersion: '1.08', eventID: `ev-${i}`, eventTime: `2024-07-31T13:0${i}:00Z`, eventSource: 'iam.amazonaws.com', eventName: 'CreateUser',
  userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111:user/u${i}` }, sourceIPAddress: `198.51.100.${i}`, recipientAccountId: '111',
}));
const ids = ['ev-1', 'ev-2', 'ev-3'];

function idsOf(res: NormalizeResult): string[] {
  return res.activities.map((a) => a.id);
}

describe('normalizeText reads every container shape', () => {
  it('JSON array, envelope, pretty document, NDJSON and CRLF NDJSON give the same Activities', () => {
    const shapes = {
      array: JSON.stringify(records, null, 2),
      envelope: JSON.stringify({ Records: records }),
      prettyEnvelope: JSON.stringify({ value: records, '@odata.nextLink': 'https://graph/next' }, null, 2),
      ndjson: records.map((r) => JSON.stringify(r)).join('\n'),
      crlf: `${records.map((r) => JSON.stringify(r)).join('\r\n')}\r\n`,
      ndjsonOfEnvelopes: [JSON.stringify({ Records: records.slice(0, 2) }), JSON.stringify({ Records: records.slice(2) })].join('\n'),
    };
    for (const [name, text] of Object.entries(shapes)) {
      const res = normalizeText(text, { now: NOW });
      assert.deepEqual(idsOf(res), ids, name);
      assert.equal(res.rejections.length, 0, name);
    }
  });

  it('a truncated array keeps the complete elements and rejects the cut one', () => {
    const text = JSON.stringify(records).slice(0, -40);
    const res = normalizeText(text, { now: NOW });
    assert.deepEqual(idsOf(res), ['ev-1', 'ev-2']);
    assert.equal(res.rejections.length, 1);
    assert.equal(res.rejections[0].reason, 'invalid_json');
    assert.equal(res.rejections[0].line, 3);
  });
});

describe('ArraySplitter', () => {
  it('splits the same elements whatever the chunk boundaries', () => {
    const text = JSON.stringify([{ a: 'x,]}"\\"[' }, [1, [2]], 'str', 42, { b: { c: [] } }]);
    const whole = new ArraySplitter(1e6, 100).push(text).map((e) => e.text);
    assert.deepEqual(whole.map((t) => JSON.parse(t) as unknown), [{ a: 'x,]}"\\"[' }, [1, [2]], 'str', 42, { b: { c: [] } }]);
    for (const size of [1, 2, 3, 7]) {
      const s = new ArraySplitter(1e6, 100);
      const got: string[] = [];
      for (let i = 0; i < text.length; i += size) got.push(...s.push(text.slice(i, i + size)).map((e) => e.text));
      assert.deepEqual(got, whole, `chunk ${size}`);
    }
  });

  it('does not buffer an element over the limit: keeps its head and flags it', () => {
    const big = JSON.stringify({ x: 'y'.repeat(5000) });
    const s = new ArraySplitter(1000, 50);
    const got = [];
    const text = `[${big},{"ok":1}]`;
    for (let i = 0; i < text.length; i += 256) got.push(...s.push(text.slice(i, i + 256)));
    assert.equal(got.length, 2);
    assert.equal(got[0].tooLarge, true);
    assert.equal(got[0].text, big.slice(0, 50));
    assert.deepEqual(JSON.parse(got[1].text), { ok: 1 });
  });
});

describe('normalizeFile streams files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'threatlab-normalize-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function collect(path: string): Promise<NormalizeResult> {
    const out: NormalizeResult = { activities: [], rejections: [] };
    for await (const r of normalizeFile(path, { now: NOW })) {
      out.activities.push(...r.activities);
      out.rejections.push(...r.rejections);
    }
    return out;
  }

  it('NDJSON (with a bad line, numbered), arrays and envelopes', async () => {
    const nd = join(dir, 'a.ndjson');
    writeFileSync(nd, `${JSON.stringify(records[0])}\n\n{oops\n${JSON.stringify(records[1])}\n${JSON.stringify(records[2])}`);
    const res = await collect(nd);
    assert.deepEqual(idsOf(res), ids);
    assert.equal(res.rejections[0].line, 3);
    assert.equal(res.rejections[0].source, nd);
    const arr = join(dir, 'b.json');
    writeFileSync(arr, JSON.stringify(records, null, 2));
    assert.deepEqual(idsOf(await collect(arr)), ids);
    const env = join(dir, 'c.json');
    writeFileSync(env, JSON.stringify({ Records: records }, null, 2));
    assert.deepEqual(idsOf(await collect(env)), ids);
  });

  it('numbers lines across read chunks of a large NDJSON file', async () => {
    const path = join(dir, 'big.ndjson');
    const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ ...records[0], eventID: `e${i}`, pad: 'p'.repeat(300) }));
    lines[4321] = '{broken';
    writeFileSync(path, lines.join('\n'));
    const res = await collect(path);
    assert.equal(res.activities.length, 5999);
    assert.equal(res.rejections[0].line, 4322);
  });

  it('a UTF-8 byte-order mark (Windows exports) does not cost the first record', async () => {
    const nd = join(dir, 'bom.ndjson');
    writeFileSync(nd, `\uFEFF${records.map((r) => JSON.stringify(r)).join('\n')}`);
    assert.deepEqual(idsOf(await collect(nd)), ids);
    const arr = join(dir, 'bom.json');
    writeFileSync(arr, `\uFEFF${JSON.stringify(records, null, 2)}`);
    assert.deepEqual(idsOf(await collect(arr)), ids);
    assert.deepEqual(idsOf(normalizeText(`\uFEFF${JSON.stringify({ Records: records }, null, 1)}`, { now: NOW })), ids);
  });

  it('a missing file is a THREATLAB_NOT_FOUND error', async () => {
    await assert.rejects(collect(join(dir, 'nope.json')), (err) => isThreatlabError(err) && err.code === 'THREATLAB_NOT_FOUND');
  });
});

describe('parseTime and cleanIp', () => {
  it('reads the time spellings of the vendors', () => {
    const t = Date.UTC(2022, 11, 12, 15, 57, 57);
    assert.equal(parseTime('2022-12-12 15:57:57'), t); // O365 / Panther: no zone means UTC
    assert.equal(parseTime('2022-12-12T15:57:57Z'), t);
    assert.equal(parseTime('2022-12-12T16:57:57+01:00'), t);
    assert.equal(parseTime('2022-12-12T15:57:57.1234567Z'), t + 123); // Entra's 7 digits
    assert.equal(parseTime('2022-12-12 15:57:57.123456789'), t + 123);
    assert.equal(parseTime(t / 1000), t); // Slack: seconds
    assert.equal(parseTime(t), t); // GitHub: ms
    assert.equal(parseTime(String(t / 1000)), t);
    for (const bad of ['2021-02-31T00:00:00Z', 'redacted', '...', 'Oct 26th 2022 16:45:42', NaN, Infinity, -1, {}, '']) assert.ok(Number.isNaN(parseTime(bad)), String(bad));
  });

  it('cleans IPs', () => {
    assert.equal(cleanIp(' 10.0.0.1 '), '10.0.0.1');
    assert.equal(cleanIp('fe80::1%eth0'), 'fe80::1');
    assert.equal(cleanIp('225.01.00.16'), null); // leading zeros: ambiguous (octal?), refused
    assert.equal(cleanIp(42), null);
  });
});
