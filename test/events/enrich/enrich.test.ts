import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Activity } from '../../../src/events/activity.js';
import { activityProblem } from '../../../src/events/activity.js';
import { bareIp, createEnricher, ipv4ToNumber, networkKind, numberToIpv4, parseUserAgent } from '../../../src/events/enrich/index.js';
import { ipv6Groups } from '../../../src/events/enrich/ip.js';
import { LruCache } from '../../../src/events/enrich/lru.js';
import { UAParser } from 'ua-parser-js';
import { desktopProfile, mobileProfile, tabletProfile } from '../../../src/events/generate/agents.js';
import { Rng } from '../../../src/events/generate/random.js';

const enricher = createEnricher({ cacheSize: 1000 });

function activity(over: Partial<Activity> = {}): Activity {
  return {
    schemaVersion: 1, id: 'x1', time: Date.UTC(2026, 0, 5), vendor: 'o365', tenant: 't', user: 'a@b.example', app: 'Exchange',
    action: 'login', rawAction: 'UserLoggedIn', outcome: 'success', ip: null, geo: null, asn: null, asnOrg: null,
    userAgent: null, device: null, object: null, ...over,
  };
}

test('private, loopback, link-local, CGNAT and documentation addresses are private with no location', () => {
  for (const ip of ['10.1.2.3', '192.168.0.10', '172.20.1.1', '127.0.0.1', '169.254.10.1', '100.64.3.4', '198.51.100.7', '::1', 'fe80::1', 'fd12:3456::1', '::ffff:10.0.0.1']) {
    const info = enricher.lookupIp(ip);
    assert.equal(info.geo?.privateIp, true, ip);
    assert.equal(info.geo?.country, null, ip);
    assert.equal(info.geo?.lat, null, ip);
    assert.equal(info.asn, null, ip);
  }
});

test('public addresses get country, coordinates, time zone and AS', () => {
  const bracknell = enricher.lookupIp('81.2.69.160'); // MaxMind's own documented test address
  assert.equal(bracknell.geo?.country, 'GB');
  assert.equal(bracknell.geo?.timeZone, 'Europe/London');
  assert.equal(bracknell.geo?.privateIp, undefined);
  const google = enricher.lookupIp('8.8.8.8');
  assert.equal(google.geo?.country, 'US');
  assert.equal(google.asn, 15169);
  assert.match(google.asnOrg ?? '', /google/i);
  assert.equal(enricher.lookupIp('1.1.1.1').asn, 13335);
  const v6 = enricher.lookupIp('2001:4860:4860::8888');
  assert.equal(v6.asn, 15169);
  assert.equal(typeof v6.geo?.country, 'string');
});

test('ports, brackets and IPv4-mapped IPv6 are stripped to the address; junk gives nothing', () => {
  assert.equal(bareIp('81.2.69.160:50211'), '81.2.69.160');
  assert.equal(bareIp('[2001:db8::1]:443'), '2001:db8::1');
  assert.equal(enricher.lookupIp('81.2.69.160:50211').geo?.country, 'GB');
  assert.equal(enricher.lookupIp('::ffff:81.2.69.160').geo?.country, 'GB');
  for (const junk of ['', 'unknown', '999.1.1.1', '1.2.3', '1.2.3.4.5', 'fe80::1::2']) {
    assert.deepEqual(enricher.lookupIp(junk), { geo: null, asn: null, asnOrg: null }, junk);
  }
});

test('networks are told apart: data centres and VPN exits vs ISPs', () => {
  const aws = enricher.lookupIp('52.95.110.1');
  assert.equal(networkKind(aws.asn, aws.asnOrg), 'hosting');
  const google = enricher.lookupIp('8.8.8.8');
  assert.equal(networkKind(google.asn, google.asnOrg), 'hosting');
  const aaisp = enricher.lookupIp('81.2.69.160'); // Andrews & Arnold, a UK ISP
  assert.equal(networkKind(aaisp.asn, aaisp.asnOrg), 'isp');
  assert.equal(networkKind(64512, 'Example Cloud Servers Ltd'), 'hosting');
  assert.equal(networkKind(3320, 'Deutsche Telekom AG'), 'isp');
  assert.equal(networkKind(null, null), 'unknown');
});

test('IPv4 and IPv6 parsing', () => {
  assert.equal(ipv4ToNumber('255.255.255.255'), 4294967295);
  assert.equal(numberToIpv4(ipv4ToNumber('81.2.69.160')), '81.2.69.160');
  assert.equal(ipv4ToNumber('01.2.3.4.'), -1);
  assert.deepEqual(ipv6Groups('2001:db8::1'), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  assert.equal(ipv6Groups('1:2:3:4:5:6:7:8:9'), null);
});

test('enrich fills what is missing, keeps what the vendor gave, and returns the same object', () => {
  const a = activity({ ip: '8.8.8.8', userAgent: 'python-requests/2.31.0' });
  const same = enricher.enrich(a);
  assert.equal(same, a);
  assert.equal(a.geo?.country, 'US');
  assert.equal(a.asn, 15169);
  assert.equal(a.device?.family, 'cli');
  assert.equal(activityProblem(a), null);

  const vendorGeo = activity({ ip: '8.8.8.8', geo: { country: 'US', city: 'Vendor City', lat: null, lon: null, timeZone: null }, asn: 64500 });
  enricher.enrich(vendorGeo);
  assert.equal(vendorGeo.geo?.city, 'Vendor City');
  assert.equal(typeof vendorGeo.geo?.lat, 'number');
  assert.equal(vendorGeo.geo?.timeZone, 'America/Chicago');
  assert.equal(vendorGeo.asn, 64500);

  const disagrees = activity({ ip: '8.8.8.8', geo: { country: 'FR', city: null, lat: null, lon: null, timeZone: null } });
  enricher.enrich(disagrees);
  assert.deepEqual(disagrees.geo, { country: 'FR', city: null, lat: null, lon: null, timeZone: null });

  const withDevice = activity({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', device: { id: 'dev-1', family: null, os: null, browser: null } });
  enricher.enrich(withDevice);
  assert.deepEqual(withDevice.device, { id: 'dev-1', family: 'mobile', os: 'iOS', browser: 'Mobile Safari' });
});

test('enriched objects are copies: mutating one never leaks into the cache', () => {
  const a = enricher.enrich(activity({ ip: '81.2.69.160' }));
  a.geo!.city = 'Mutated';
  const b = enricher.enrich(activity({ ip: '81.2.69.160' }));
  assert.notEqual(b.geo?.city, 'Mutated');
});

test('user agents map to device families', () => {
  const cases: Array<[string, string, string | null]> = [
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'desktop', 'Chrome'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15', 'desktop', 'Safari'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36', 'mobile', 'Mobile Chrome'],
    ['Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', 'tablet', null],
    ['python-requests/2.31.0', 'cli', 'python-requests'],
    ['curl/8.4.0', 'cli', 'curl'],
    ['Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6', 'cli', 'boto3'],
    ['aws-cli/2.15.10 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12', 'cli', 'aws-cli'],
    ['Go-http-client/1.1', 'cli', 'Go-http-client'],
    ['Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506', 'cli', 'PowerShell'],
    ['okhttp/4.12.0', 'cli', 'okhttp'],
    ['GitHub CLI 2.40.1', 'cli', 'GitHub CLI'],
    ['BAV2ROPC', 'cli', 'BAV2ROPC'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot', 'crawler'],
    ['Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)', 'desktop', 'Outlook'],
    ['Outlook-iOS/2.0', 'mobile', 'Outlook'],
    ['', 'unknown', null],
  ];
  for (const [ua, family, browser] of cases) {
    const d = parseUserAgent(ua);
    assert.equal(d.family, family, ua);
    if (browser !== null) assert.equal(d.browser, browser, ua);
  }
  assert.equal(parseUserAgent('aws-cli/2.15.10 Python/3.11.6 Linux/6.1.0').os, 'Linux');
});

test('the fast path for common browsers names things exactly as ua-parser-js does', () => {
  const rng = new Rng(11);
  const corpus = new Set<string>([
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
    'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.2210.115',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) EdgiOS/120.0.2210.126 Version/17.0 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
  ]);
  for (let i = 0; i < 300; i++) for (const p of [desktopProfile(rng), mobileProfile(rng), tabletProfile(rng)]) corpus.add(p.browserUa);
  const deviceFamily = (t: string | undefined, os: string | undefined) => t === 'mobile' ? 'mobile' : t === 'tablet' ? 'tablet' : t === undefined && os && /^(Windows|macOS)/.test(os) ? 'desktop' : 'other';
  for (const ua of corpus) {
    const mine = parseUserAgent(ua);
    const ref = UAParser(ua);
    assert.equal(mine.os, ref.os.name ?? null, `os of ${ua}`);
    assert.equal(mine.browser, ref.browser.name ?? null, `browser of ${ua}`);
    const expected = deviceFamily(ref.device.type, ref.os.name);
    if (expected !== 'other') assert.equal(mine.family, expected, `family of ${ua}`);
  }
});

test('the cache stays bounded and keeps what was used since the last rotation', () => {
  const cache = new LruCache<number, number>(4); // two generations of 2
  for (let i = 0; i < 100; i++) {
    cache.set(i, i * 10);
    assert.ok(cache.size <= 4);
    assert.equal(cache.get(0), 0, `0 survives insert ${i}`);
  }
  // 0 was read after every insert, so it was always promoted and survived every rotation.
  assert.equal(cache.get(0), 0);
  assert.equal(cache.get(50), undefined);
  assert.equal(cache.get(99), 990);
  assert.throws(() => new LruCache(1), RangeError);
});
