/**
 * Cheap checks on a record's text before JSON.parse: size and nesting depth. A record
 * nested thousands deep parses fine in V8 but breaks any recursive code after it
 * (serialisers, validators), so it is refused at the door. One pass over the
 * characters, outside strings only; no allocation.
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  // Nesting deeper than maxDepth needs more than maxDepth opening brackets; counting them
  // with native indexOf is far cheaper than the scan below, which most records then skip.
  let opens = 0;
  for (let i = text.indexOf('{'); i >= 0 && opens <= maxDepth; i = text.indexOf('{', i + 1)) opens++;
  for (let i = text.indexOf('['); i >= 0 && opens <= maxDepth; i = text.indexOf('[', i + 1)) opens++;
  if (opens <= maxDepth) return false;
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
