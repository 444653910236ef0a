/**
 * Normalisation throughput: raw O365 unified-audit-log records as text lines → enriched
 * Activities (JSON.parse once, detect, normalise, GeoIP/ASN/UA enrichment), on one core.
 * The records are a realistic mix made here — sign-ins, failures, SharePoint file and
 * sharing operations, MailItemsAccessed, inbox rules, directory operations — for 2 000
 * users behind a few thousand public IPs and a dozen user agents (a pool of 20 000
 * distinct records, cycled).
 *
 *   npx tsx bench/normalize.ts [records=200000]
 *
 * Last stdout line: {"recordsPerSec", "peakRssMB", ...}. recordsPerSec is per CPU-second of
 * this process (the machine is shared, so wall time measures the neighbours too);
 * wallRecordsPerSec is beside it.
 */
import { createEnricher } from '../src/events/enrich/index.js';
import { normalizeRecordText } from '../src/events/normalize/index.js';

const N = Number(process.argv[2] ?? 200_000);
const USERS = 2000;
const IPS = 4000;

/** Deterministic PRNG (mulberry32) so every run sees the same records. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.72',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'python-requests/2.31.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36',
];
// Public unicast addresses spread over many networks (not reserved ranges).
const ips = Array.from({ length: IPS }, () => `${pick([23, 31, 45, 52, 62, 77, 81, 88, 91, 104, 109, 151, 176, 185, 195, 212])}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`);
const users = Array.from({ length: USERS }, (_, i) => `user${i}@contoso.com`);
const userIp = users.map(() => [pick(ips), pick(ips)]);
const userUa = users.map(() => pick(UAS));

function iso(t: number): string {
  return new Date(t).toISOString().slice(0, 19);
}

function record(i: number): string {
  const u = Math.floor(Math.pow(rand(), 2) * USERS); // heavy-tailed activity per user
  const user = users[u];
  const ip = rand() < 0.97 ? pick(userIp[u]) : pick(ips);
  const ua = userUa[u];
  const time = iso(Date.UTC(2025, 4, 1) + i * 1000);
  const base = { CreationTime: time, Id: `0b1c${i.toString(16).padStart(8, '0')}-7e1f-4c2b-9a55-${(i * 7919).toString(16).padStart(12, '0')}`, OrganizationId: 'a1b2c3d4-0000-4000-8000-1234567890ab', UserKey: `1003${u}`, UserType: 0, Version: 1, UserId: user, ClientIP: ip };
  const kind = rand();
  if (kind < 0.3) {
    const failed = rand() < 0.08;
    return JSON.stringify({ ...base, RecordType: 15, Operation: failed ? 'UserLoginFailed' : 'UserLoggedIn', Workload: 'AzureActiveDirectory', ResultStatus: failed ? 'Failed' : 'Success', ...(failed ? { LogonError: 'InvalidUserNameOrPassword' } : {}), AzureActiveDirectoryEventType: 1, ExtendedProperties: [{ Name: 'ResultStatusDetail', Value: 'Success' }, { Name: 'UserAgent', Value: ua }, { Name: 'RequestType', Value: 'Login:login' }], ActorContextId: 'a1b2c3d4-0000-4000-8000-1234567890ab', ActorIpAddress: ip, ApplicationId: '00000002-0000-0ff1-ce00-000000000000', DeviceProperties: [{ Name: 'OS', Value: 'Windows 10' }, { Name: 'BrowserType', Value: 'Chrome' }], ObjectId: '00000002-0000-0ff1-ce00-000000000000' });
  }
  if (kind < 0.75) {
    const op = pick(['FileAccessed', 'FileAccessed', 'FileDownloaded', 'FileModified', 'FileUploaded', 'FilePreviewed', 'SharingSet', 'AnonymousLinkCreated']);
    const file = `Report-${Math.floor(rand() * 5000)}.xlsx`;
    return JSON.stringify({ ...base, RecordType: 6, Operation: op, Workload: rand() < 0.5 ? 'SharePoint' : 'OneDrive', ResultStatus: 'Succeeded', ObjectId: `https://contoso.sharepoint.com/sites/finance/Shared Documents/${file}`, UserAgent: ua, EventSource: 'SharePoint', ItemType: 'File', ListId: '9d3c8a71-1234-4d2c-9bbb-0a1b2c3d4e5f', ListItemUniqueId: '59a8433d-9bb8-cfef-6edc-4c0fc8b86875', Site: 'd9b0b5e1-7c3f-4c2b-9a55-000000000001', SiteUrl: 'https://contoso.sharepoint.com/sites/finance/', SourceFileExtension: 'xlsx', SourceFileName: file, SourceRelativeUrl: 'Shared Documents', ...(op === 'SharingSet' ? { TargetUserOrGroupName: 'partner@fabrikam.com', TargetUserOrGroupType: rand() < 0.3 ? 'Guest' : 'Member' } : {}) });
  }
  if (kind < 0.95) {
    return JSON.stringify({ ...base, RecordType: 50, Operation: 'MailItemsAccessed', Workload: 'Exchange', ResultStatus: 'Succeeded', ClientInfoString: 'Client=OWA;Action=ViaProxy', ExternalAccess: false, LogonType: 0, MailboxGuid: 'd0c5f8ae-9ed7-4e46-bfdf-ea1460f5a31b', MailboxOwnerUPN: user, OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }, { Name: 'IsThrottled', Value: 'False' }], Folders: [{ FolderItems: [{ InternetMessageId: `<${i}@contoso.com>` }], Id: 'LgAAAAAM7KyTTmWeRac2KXBEz', Path: '\\Inbox' }] });
  }
  if (kind < 0.98) {
    return JSON.stringify({ ...base, RecordType: 1, Operation: pick(['New-InboxRule', 'Set-InboxRule']), Workload: 'Exchange', ResultStatus: 'True', ObjectId: user, OrganizationName: 'contoso.onmicrosoft.com', OriginatingServer: 'AM6PR01MB1234 (15.20.7000.000)', Parameters: [{ Name: 'Name', Value: 'rule' }, { Name: rand() < 0.3 ? 'ForwardTo' : 'MoveToFolder', Value: rand() < 0.3 ? 'drop@evil.example' : 'Archive' }] });
  }
  return JSON.stringify({ ...base, RecordType: 8, Operation: pick(['Add user.', 'Add member to role.', 'Consent to application.', 'Update user.']), Workload: 'AzureActiveDirectory', ResultStatus: 'Success', AzureActiveDirectoryEventType: 1, Actor: [{ ID: user, Type: 5 }], Target: [{ ID: `new${i}@contoso.com`, Type: 5 }], ModifiedProperties: [] });
}

// A pool of distinct records, cycled: holding N record texts in memory would make the
// peak RSS measure the bench's input rather than the normaliser and enricher.
const POOL = Math.min(N, 20_000);
const lines = Array.from({ length: POOL }, (_, i) => record(i));
const poolBytes = lines.reduce((s, l) => s + l.length, 0);
const bytes = (poolBytes / POOL) * N;
console.log(`${N} O365 records (${POOL} distinct, cycled), mean ${(poolBytes / POOL).toFixed(0)} bytes`);

const enricher = createEnricher();
let peakRss = process.memoryUsage().rss;
let activities = 0;
let rejections = 0;

function pass(from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const res = normalizeRecordText(lines[i % POOL]);
    for (const a of res.activities) {
      enricher.enrich(a);
      activities++;
    }
    rejections += res.rejections.length;
    if ((i & 4095) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
}

// Warm-up (JIT, caches) on the first 10 %, then the timed pass over everything.
pass(0, Math.floor(N / 10));
activities = 0;
rejections = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
pass(0, N);
const cpu = process.cpuUsage(cpu0);
const wallSeconds = (performance.now() - t0) / 1000;
// The 2-core machine is shared: wall time includes waiting for a core. CPU time (user +
// system, GC threads included, so slightly pessimistic) is what one core would take.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const recordsPerSec = Math.round(N / cpuSeconds);
const wallRecordsPerSec = Math.round(N / wallSeconds);
console.log(`normalised + enriched ${activities} activities (${rejections} rejected): ${cpuSeconds.toFixed(2)} s CPU, ${wallSeconds.toFixed(2)} s wall`);
console.log(`${recordsPerSec} records/s per CPU-second (${wallRecordsPerSec} by wall clock), ${(bytes / cpuSeconds / 1e6).toFixed(1)} MB/s, peak RSS ${(peakRss / 1048576).toFixed(0)} MiB`);
console.log(JSON.stringify({ recordsPerSec, peakRssMB: Math.round(peakRss / 1048576), wallRecordsPerSec, records: N, activities, rejections, meanRecordBytes: Math.round(bytes / N) }));
