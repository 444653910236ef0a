/**
 * Splits a JSON array document into the text of its elements, incrementally: feed it
 * chunks of any size and it hands back each complete element, so a multi-gigabyte
 * `[{…},{…},…]` export streams in memory bounded by the largest element. An element
 * larger than `maxElementChars` is not buffered: its first `keepChars` characters are
 * kept (for the rejection's `raw`) and the rest is skipped.
 */
export interface SplitElement {
  text: string;
  /** 1-based position of the element in the array. */
  index: number;
  /** True when the element was larger than the limit and `text` is only its head. */
  tooLarge: boolean;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export class ArraySplitter {
  private buf = '';
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private skipping = false;
  private head = '';
  private count = 0;
  private closed = false;
  private trailing = '';
  private trailingTooLarge = false;

  constructor(private readonly maxElementChars: number, private readonly keepChars: number) {}

  push(chunk: string): SplitElement[] {
    this.buf += chunk;
    const out: SplitElement[] = [];
    const buf = this.buf;
    for (let i = this.pos; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (this.closed) {
        // Text after the closing ']' (NDJSON lines after an array line, a second document)
        // is kept, up to keepChars, and handed out by end(): never dropped silently.
        if (this.trailing.length < this.keepChars && (this.trailing.length > 0 || !isSpace(c))) this.trailing += buf[i];
        else if (this.trailing.length >= this.keepChars) this.trailingTooLarge = true;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (c === 91 || c === 123) {
        if (this.depth === 0) {
          this.depth = 1; // the root '['
          continue;
        }
        if (this.depth === 1 && this.start < 0) this.start = i;
        this.depth++;
      } else if (c === 93 || c === 125) {
        if (this.depth === 1) {
          this.emit(out, i);
          this.closed = true;
        }
        this.depth--;
      } else if (c === 44 && this.depth === 1) {
        this.emit(out, i);
      } else {
        if (c === 34) this.inString = true;
        if (this.depth === 1 && this.start < 0 && !isSpace(c)) this.start = i;
      }
    }
    this.compact();
    return out;
  }

  /** Whatever was left unfinished: a truncated last element, or text after the array; else null. */
  end(): SplitElement | null {
    if (this.closed && this.trailing.trim()) {
      const text = this.trailing.trim();
      this.trailing = '';
      return { text, index: ++this.count, tooLarge: this.trailingTooLarge };
    }
    if (this.start < 0 && !this.skipping) return null;
    const text = this.skipping ? this.head : this.buf.slice(this.start).trim();
    this.start = -1;
    return text.length > 0 ? { text, index: ++this.count, tooLarge: this.skipping } : null;
  }

  private emit(out: SplitElement[], at: number): void {
    if (this.skipping) {
      out.push({ text: this.head, index: ++this.count, tooLarge: true });
      this.skipping = false;
      this.head = '';
    } else if (this.start >= 0) {
      const text = this.buf.slice(this.start, at).trim();
      if (text.length > 0) out.push({ text, index: ++this.count, tooLarge: false });
    }
    this.start = -1;
  }

  private compact(): void {
    if (this.start >= 0 && this.buf.length - this.start > this.maxElementChars && !this.skipping) {
      this.skipping = true;
      this.head = this.buf.slice(this.start, this.start + this.keepChars);
    }
    if (this.skipping || this.start < 0) {
      this.buf = '';
      this.pos = 0;
      if (this.skipping) this.start = -1;
    } else {
      this.buf = this.buf.slice(this.start);
      this.pos = this.buf.length;
      this.start = 0;
    }
  }
}
