/** Test helper: a minimal XML well-formedness check (balanced tags, no raw `<`/`&` in text). */
export function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of xml.matchAll(tag)) {
    checkText(xml.slice(last, m.index));
    last = m.index! + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      stack.push(name);
    }
  }
  checkText(xml.slice(last));
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

function checkText(text: string): void {
  if (/<|&(?!(amp|lt|gt|quot|#39);)/.test(text)) throw new Error(`unescaped markup in text: ${JSON.stringify(text.slice(0, 80))}`);
}

/** The <title> texts of the marks, in order: what the chart says each mark is. */
export function markTitles(svg: string, element: string): string[] {
  return [...svg.matchAll(new RegExp(`<${element}[^>]*><title>([^<]*)</title>`, 'g'))].map((m) => m[1]);
}

export function numberAttr(fragment: string, name: string): number {
  const m = new RegExp(`\\s${name}="([^"]+)"`).exec(fragment);
  if (!m) throw new Error(`no ${name}= in ${fragment.slice(0, 80)}`);
  return Number(m[1]);
}
