/**
 * CPU seconds used so far by a process and all its descendants (Linux /proc). On a shared
 * machine the wall-clock rate measures the neighbours too; CPU per event measures the code.
 * Returns null where /proc is not readable (not Linux).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

function stat(pid: string): { ppid: string; cpuTicks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: f[1], cpuTicks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

export function processTreeCpuSeconds(rootPid: number): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const children = new Map<string, string[]>();
  const ticks = new Map<string, number>();
  for (const pid of pids) {
    const s = stat(pid);
    if (!s) continue;
    ticks.set(pid, s.cpuTicks);
    const list = children.get(s.ppid);
    if (list) list.push(pid);
    else children.set(s.ppid, [pid]);
  }
  if (!ticks.has(String(rootPid))) return null;
  let total = 0;
  const stack = [String(rootPid)];
  while (stack.length) {
    const pid = stack.pop()!;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / TICKS_PER_SECOND;
}
