// Usage: node scripts/ci/lock-platform-placeholders.js package-lock.json
//
// The npm registry reachable from these machines serves only the linux builds of
// packages that ship one optional package per platform (e.g. @unrs/resolver-binding-*,
// used by the eslint import resolver). `npm install` then writes a lock without the
// other platforms' entries, and `npm ci` refuses it ("Missing: … from lock file").
// This adds an entry (version, os, cpu, libc; optional) for each such package that is
// missing. npm never fetches them on linux-x64 because os/cpu do not match, so the
// lock is in sync again and nothing else changes. Idempotent.
import fs from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/ci/lock-platform-placeholders.js package-lock.json');
  process.exit(2);
}
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
const PLATFORM = /-(android|darwin|freebsd|linux|openharmony|win32)-(arm64|arm|x64|ia32|loong64|ppc64|riscv64|s390x)(?:-(gnu|musl|gnueabihf|musleabihf|eabi|msvc))?$/;
let added = 0;
for (const [where, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key] || packages[`${where}/node_modules/${name}`]) continue;
    const platform = PLATFORM.exec(name);
    if (!platform) {
      console.error(`left alone (not a platform package): ${name}`);
      continue;
    }
    const [, os, cpu, abi] = platform;
    const placeholder = { version, cpu: [cpu], ...(entry.dev ? { dev: true } : {}), license: entry.license, optional: true, os: [os] };
    if (os === 'linux' && abi) placeholder.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
    packages[key] = placeholder;
    added++;
  }
}
// npm keeps the root ('') first and sorts the rest with localeCompare('en').
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))),
);
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-placeholders: ${added} entr${added === 1 ? 'y' : 'ies'} added to ${file}`);
