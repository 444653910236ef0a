import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { lazyChildLogger } from '../../src/serving/app.js';

test('a request logger makes its child only when it logs, and the line carries the request id', () => {
  const lines: string[] = [];
  const root = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
  let children = 0;
  const counting = Object.create(root, { child: { value: (b: object, o?: object) => { children++; return root.child(b, o); } } });
  const log = lazyChildLogger(counting, { reqId: 'req-7' }, {});
  assert.equal(children, 0);
  log.debug('below the level');
  log.error({ code: 'X' }, 'request failed');
  log.info('again');
  assert.equal(children, 1);
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]);
  assert.equal(first.reqId, 'req-7');
  assert.equal(first.code, 'X');
  assert.equal(first.msg, 'request failed');
});
