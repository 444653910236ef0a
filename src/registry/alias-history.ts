/** What "roll back" means, computed from the alias history alone (same for both registries). */
import { ThreatlabError } from '../errors/index.js';
import type { AliasMove } from './types.js';

/**
 * The version `alias` should go back to. The history is replayed as a stack: a promotion
 * pushes its version, a rollback pops one, a delete clears the stack. So promoting 1, 2, 3
 * then rolling back twice lands on 1 — a second rollback does not bounce back to 3.
 */
export function rollbackTarget(history: AliasMove[], name: string, alias: string, current: string): string {
  const stack: string[] = [];
  for (const move of history) {
    if (move.alias !== alias) continue;
    if (move.kind === 'delete' || move.to === null) stack.length = 0;
    else if (move.kind === 'rollback') {
      stack.pop();
      if (stack[stack.length - 1] !== move.to) stack.push(move.to);
    } else if (stack[stack.length - 1] !== move.to) stack.push(move.to);
  }
  // The current pointer may have been moved outside threatlab (e.g. the MLflow UI).
  if (stack[stack.length - 1] !== current) stack.push(current);
  stack.pop();
  const target = stack.pop();
  if (!target) {
    throw new ThreatlabError('THREATLAB_NOT_FOUND', `${name}@${alias} has no earlier version to roll back to (alias history: ${history.filter((m) => m.alias === alias).length} moves)`);
  }
  return target;
}
