/**
 * Cheap checks on a record's text before JSON.parse: size and nesting depth. A record
 * nested thousands deep parses fine in V8 but breaks any recursive code after it
 * (serialisers, validators), so it is refused at the door. One pass over the
 * characters, outside strings only; no allocation.
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}
