/**
 * Rewrites the references inside Terraform expressions as cdktf synthesizes them (JSON strings holding
 * `${...}` templates), leaving everything else byte for byte: literal text, `$${` escapes, string literals.
 */

/** A reference found in an expression: `data.` or not, type, name, the index text and the first attribute. */
export interface Reference {
  readonly mode: "managed" | "data" | "self";
  /** Resource type; empty for `self`. */
  readonly type: string;
  /** Resource name; empty for `self`. */
  readonly name: string;
  /** `[0]`, `[*]`, `[count.index]`... as written (already rewritten inside), or "". */
  readonly index: string;
  /** The attribute right after the resource (or after `self`), or undefined for the whole resource. */
  readonly attribute?: string;
}

/** Decides what a reference becomes; undefined keeps it as written. */
export type ReferenceRewriter = (reference: Reference) => string | undefined;

/** Which `type.name` pairs are resources of the configuration (references to anything else are kept). */
export interface KnownBlocks {
  readonly managed: (type: string, name: string) => boolean;
  readonly data: (type: string, name: string) => boolean;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;

/** Rewrites a JSON string value as Terraform reads it: a template with `${...}` and `%{...}` sequences. */
export function rewriteTemplate(text: string, known: KnownBlocks, rewrite: ReferenceRewriter): string {
  return new Scanner(text, known, rewrite).template(undefined);
}

/** Rewrites a bare expression (as in `replace_triggered_by` or a `depends_on` entry). */
export function rewriteExpression(text: string, known: KnownBlocks, rewrite: ReferenceRewriter): string {
  return new Scanner(text, known, rewrite).expression(undefined);
}

class Scanner {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly known: KnownBlocks,
    private readonly rewrite: ReferenceRewriter,
  ) {}

  /** Template text up to the closing quote (`"`) or the end; returns the rewritten text including the quote. */
  template(closing: '"' | undefined): string {
    let out = "";
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      const next = this.text[this.at + 1];
      if (closing && c === "\\") {
        out += c + (next ?? "");
        this.at += 2;
      } else if (closing && c === closing) {
        this.at += 1;
        return `${out}${c}`;
      } else if ((c === "$" || c === "%") && next === c && this.text[this.at + 2] === "{") {
        out += this.text.slice(this.at, this.at + 3);
        this.at += 3;
      } else if ((c === "$" || c === "%") && next === "{") {
        this.at += 2;
        out += `${c}{${this.expression("}")}`;
      } else {
        out += c;
        this.at += 1;
      }
    }
    if (closing) throw new Error(`unterminated string literal in ${JSON.stringify(this.text)}`);
    return out;
  }

  /** An expression up to the unbalanced closing character (or the end); returns it rewritten, closing included. */
  expression(closing: "}" | "]" | undefined): string {
    let out = "";
    const open: string[] = [];
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (c === '"') {
        this.at += 1;
        out += `"${this.template('"')}`;
      } else if (c === "{" || c === "[" || c === "(") {
        open.push(c);
        out += c;
        this.at += 1;
      } else if (c === "}" || c === "]" || c === ")") {
        this.at += 1;
        if (open.length === 0) {
          if (c !== closing) throw new Error(`unbalanced "${c}" in ${JSON.stringify(this.text)}`);
          return out + c;
        }
        open.pop();
        out += c;
      } else if (/[A-Za-z_]/.test(c) && !this.followsTraversal()) {
        out += this.identifierOrReference();
      } else {
        out += c;
        this.at += 1;
      }
    }
    if (closing) throw new Error(`missing "${closing}" in ${JSON.stringify(this.text)}`);
    return out;
  }

  /** True when the identifier at hand is an attribute (`x.name`) or part of a number or word, not a root. */
  private followsTraversal(): boolean {
    const previous = this.text[this.at - 1] ?? "";
    return /[A-Za-z0-9_]/.test(previous) || this.text.slice(0, this.at).trimEnd().endsWith(".");
  }

  private word(): string | undefined {
    IDENTIFIER.lastIndex = this.at;
    const match = IDENTIFIER.exec(this.text);
    if (!match) return undefined;
    this.at += match[0].length;
    return match[0];
  }

  /** `.word`, or undefined (leaving the position unchanged) when no attribute follows. */
  private dotWord(): string | undefined {
    if (this.text[this.at] !== "." || !/[A-Za-z_]/.test(this.text[this.at + 1] ?? "")) return undefined;
    this.at += 1;
    return this.word();
  }

  private identifierOrReference(): string {
    const start = this.at;
    const first = this.word() as string;
    let mode: Reference["mode"] = "managed";
    let type = "";
    let name = "";
    if (first === "self") {
      mode = "self";
    } else {
      const afterFirst = this.at;
      if (first === "data") {
        mode = "data";
        type = this.dotWord() ?? "";
      } else {
        type = first;
      }
      name = this.dotWord() ?? "";
      const known = mode === "data" ? this.known.data(type, name) : this.known.managed(type, name);
      if (!type || !name || !known) {
        this.at = afterFirst;
        return first;
      }
    }
    let index = "";
    if (this.text[this.at] === "[") {
      this.at += 1;
      index = `[${this.expression("]")}`;
    }
    if (this.text[this.at] === "." && /[0-9*]/.test(this.text[this.at + 1] ?? "")) {
      throw new Error(`legacy splat or index syntax after ${this.text.slice(start, this.at)}: write [*] or [0]`);
    }
    const attribute = this.dotWord();
    const replaced = this.rewrite({ mode, type, name, index, attribute });
    return replaced ?? this.text.slice(start, this.at);
  }
}

const EVERYTHING: KnownBlocks = { managed: () => true, data: () => true };

/**
 * The named values a template refers to, as `root.name` (`var.x`, `local.y`, `each.key`, `count.index`,
 * `path.root`, `aws_s3_bucket.b`, `data.aws_ami.image`) or `self`; a for expression's own variables are left out.
 * Bare words (function names, `true`, `null`) are no references.
 */
export function referencedNames(text: string): string[] {
  const iterators = new Set<string>();
  for (const [, key, value] of text.matchAll(/\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/g)) {
    iterators.add(key);
    if (value) iterators.add(value);
  }
  const found = new Set<string>();
  rewriteTemplate(text, EVERYTHING, (ref) => {
    if (ref.mode === "self") found.add("self");
    else if (!iterators.has(ref.type))
      found.add(ref.mode === "data" ? `data.${ref.type}.${ref.name}` : `${ref.type}.${ref.name}`);
    return undefined;
  });
  return [...found];
}
