import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { haversineKm, ipNetwork, linearCount } from '../../src/features/geo.js';
import { ipv4Network, maskVersions, parseIpv4 } from '../../src/features/values.js';

describe('value helpers', () => {
  it('parses dotted-quad IPv4 and refuses anything else', () => {
    assert.equal(parseIpv4('81.2.69.160'), ((81 * 256 + 2) * 256 + 69) * 256 + 160);
    assert.equal(parseIpv4('255.255.255.255'), 2 ** 32 - 1);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '2001:db8::1', '', '1.2.3.4 ', '01234.1.1.1']) assert.equal(parseIpv4(bad), -1, bad);
  });

  it('names the same network for IPv4 whichever path computes it', () => {
    assert.equal(ipv4Network(Math.floor(parseIpv4('203.0.113.77') / 256)), ipNetwork('203.0.113.77'));
    assert.equal(ipNetwork('2001:db8:85a3:8d3:1319:8a2e:370:7348'), '2001:db8:85a3');
  });

  it('masks version numbers in user agents, not the product names', () => {
    assert.equal(maskVersions('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Version/17.1 Safari/605.1.15'), 'Mozilla/# (Macintosh; Intel Mac OS X #) Version/# Safari/#');
    assert.equal(maskVersions('python-requests/2.31.0'), 'python-requests/#');
    assert.equal(maskVersions('x'.repeat(5000)).length, 256);
  });

  it('measures distances and estimates distinct counts sensibly', () => {
    assert.ok(Math.abs(haversineKm(51.5072, -0.1276, 48.8566, 2.3522) - 344) < 5); // London–Paris
    assert.equal(haversineKm(10, 10, 10, 10), 0);
    assert.equal(linearCount(0, 128), 0);
    assert.ok(Math.abs(linearCount(1, 128) - 1) < 0.01);
    assert.ok(Number.isFinite(linearCount(128, 128)));
  });
});
