/** Documents, mailboxes and other objects the simulated people work on; stable per (team, index). */
import type { ObjectRef } from '../activity.js';
import { hashSeed, Rng } from './random.js';
import type { SimUser } from './population.js';

const ADJ = ['Quarterly', 'Annual', 'Draft', 'Final', 'Revised', 'Confidential', 'Internal', 'Customer', 'Project', 'Board', 'Team', 'Weekly', 'Regional', 'Global', 'Pricing', 'Hiring'];
const NOUN = ['Forecast', 'Budget', 'Roadmap', 'Report', 'Contract', 'Proposal', 'Minutes', 'Plan', 'Review', 'Analysis', 'Pipeline', 'Invoice', 'Presentation', 'Handbook', 'Payroll', 'Architecture'];
const EXT = [['docx', 5], ['xlsx', 4], ['pptx', 3], ['pdf', 4], ['csv', 1], ['zip', 0.5]] as const;
const TEAM_FILES = 300;

export function teamFile(seed: number, team: string, siteHost: string, index: number): ObjectRef {
  const r = new Rng(hashSeed(seed, `file:${team}:${index}`));
  const ext = r.weighted(EXT);
  const name = `${r.pick(ADJ)} ${r.pick(NOUN)} ${2023 + r.int(0, 3)}${index % 7 === 0 ? ` v${r.int(2, 9)}` : ''}.${ext}`;
  return {
    type: 'file',
    id: `https://${siteHost}/sites/${team}/Shared Documents/${name}`,
    name,
    external: false,
    bytes: Math.round(r.logNormal(ext === 'zip' ? 20_000_000 : 300_000, 1.2)),
  };
}

export function personalFile(seed: number, u: SimUser, personalHost: string, index: number): ObjectRef {
  const r = new Rng(hashSeed(seed, `pfile:${u.index}:${index}`));
  const ext = r.weighted(EXT);
  const name = `${r.pick(NOUN)} ${r.pick(['notes', 'draft', 'copy', 'final', 'v2', 'working'])} ${index}.${ext}`;
  const owner = u.email.replace(/[@.]/g, '_');
  return { type: 'file', id: `https://${personalHost}/personal/${owner}/Documents/${name}`, name, external: false, bytes: Math.round(r.logNormal(200_000, 1.3)) };
}

/** A file the user would plausibly touch: mostly the team's popular documents, some of their own. */
export function fileFor(rng: Rng, seed: number, u: SimUser, hosts: { site: string; personal: string }): ObjectRef {
  if (rng.chance(0.6)) return teamFile(seed, u.team, hosts.site, rng.zipf(TEAM_FILES, 1.05));
  return personalFile(seed, u, hosts.personal, rng.zipf(u.fileCount, 1.1));
}

/** Any team's document (what a data thief browses: not only the victim's usual ones). */
export function anyTeamFile(rng: Rng, seed: number, team: string, hosts: { site: string }): ObjectRef {
  return teamFile(seed, team, hosts.site, rng.int(0, TEAM_FILES - 1));
}

export function mailbox(user: string): ObjectRef {
  return { type: 'mailbox', id: user, name: null, external: false, bytes: null };
}

export function withExternal(o: ObjectRef, external: boolean): ObjectRef {
  return { ...o, external };
}
