/** Realistic user agents per device, as they appear in Microsoft 365 / Google Workspace audit logs. */
import type { Rng } from './random.js';

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

export interface DeviceProfile {
  kind: DeviceKind;
  /** Browser UA used for web sessions. */
  browserUa: string;
  /** Native mail/office client UA on that device (Outlook), used for mail sync. */
  clientUa: string;
}

const CHROME = ['120.0.0.0', '121.0.0.0', '122.0.0.0'];
const EDGE = ['120.0.2210.144', '121.0.2277.83'];
const FIREFOX = ['121.0', '122.0'];

export function desktopProfile(rng: Rng): DeviceProfile {
  const kind = rng.weighted<'win-edge' | 'win-chrome' | 'mac-chrome' | 'mac-safari' | 'linux-firefox'>([
    ['win-edge', 35], ['win-chrome', 30], ['mac-chrome', 17], ['mac-safari', 12], ['linux-firefox', 6],
  ]);
  const chrome = rng.pick(CHROME);
  const win = 'Windows NT 10.0; Win64; x64';
  const mac = 'Macintosh; Intel Mac OS X 10_15_7';
  let browserUa: string;
  switch (kind) {
    case 'win-edge': browserUa = `Mozilla/5.0 (${win}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome} Safari/537.36 Edg/${rng.pick(EDGE)}`; break;
    case 'win-chrome': browserUa = `Mozilla/5.0 (${win}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome} Safari/537.36`; break;
    case 'mac-chrome': browserUa = `Mozilla/5.0 (${mac}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome} Safari/537.36`; break;
    case 'mac-safari': browserUa = `Mozilla/5.0 (${mac}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${rng.int(1, 3)} Safari/605.1.15`; break;
    default: browserUa = `Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:${rng.pick(FIREFOX)}) Gecko/20100101 Firefox/${rng.pick(FIREFOX)}`;
  }
  const clientUa = kind.startsWith('mac')
    ? `Microsoft Office/16.0 (Macintosh; Mac OS X 10.15.7; Microsoft Outlook 16.80.${rng.int(23000, 24999)}; Pro)`
    : `Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.${rng.int(16000, 17200)}; Pro)`;
  return { kind: 'desktop', browserUa, clientUa };
}

export function mobileProfile(rng: Rng, preferIos?: boolean): DeviceProfile {
  const ios = preferIos ?? rng.chance(0.55);
  if (ios) {
    const v = rng.pick(['16_7', '17_1', '17_2', '17_3']);
    return {
      kind: 'mobile',
      browserUa: `Mozilla/5.0 (iPhone; CPU iPhone OS ${v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.split('_')[0]}.${v.split('_')[1]} Mobile/15E148 Safari/604.1`,
      clientUa: `Outlook-iOS/2.0`,
    };
  }
  const model = rng.pick(['SM-S911B', 'SM-G991B', 'Pixel 7', 'Pixel 8 Pro', 'SM-A546B']);
  const av = rng.pick(['13', '14']);
  return {
    kind: 'mobile',
    browserUa: `Mozilla/5.0 (Linux; Android ${av}; ${model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${rng.pick(CHROME)} Mobile Safari/537.36`,
    clientUa: `Outlook-Android/2.0`,
  };
}

export function tabletProfile(rng: Rng): DeviceProfile {
  const v = rng.pick(['16_7', '17_2']);
  return {
    kind: 'tablet',
    browserUa: `Mozilla/5.0 (iPad; CPU OS ${v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1`,
    clientUa: `Mozilla/5.0 (iPad; CPU OS ${v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148`,
  };
}

/** Clients of service accounts and automation (and of attackers' tooling). */
export const SCRIPT_UAS = [
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506',
  'aws-cli/2.15.10 Python/3.11.6 Linux/6.1.0-17-amd64 exe/x86_64.debian.12',
  'okhttp/4.12.0',
] as const;

/** What password-spray and token-theft tooling shows up as in real incident logs. */
export const ATTACK_TOOL_UAS = [
  'python-requests/2.28.1',
  'BAV2ROPC',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36',
  'Go-http-client/2.0',
  'axios/1.6.2',
] as const;
