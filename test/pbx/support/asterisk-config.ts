/** One line of an Asterisk configuration file that carries meaning. */
export type AsteriskLine =
  | { readonly kind: "setting"; readonly key: string; readonly value: string; readonly arrow: boolean }
  | { readonly kind: "include"; readonly file: string };

/** A `[name]` or `[name](template)` section with its lines in order. */
export interface AsteriskSection {
  readonly name: string;
  /** What follows the name in parentheses, e.g. "!" or "a-template", if anything. */
  readonly options?: string;
  readonly lines: AsteriskLine[];
}

const SECTION = /^\[([^\]\s]+)\](?:\(([^)]*)\))?$/;
const SETTING = /^([^=\s][^=]*?)\s*(=>|=)\s*(.*)$/;
const INCLUDE = /^#(?:try)?include\s+"?([^"\s]+)"?$/;

/**
 * Parses the subset of Asterisk's configuration syntax this project writes: sections, `key=value`
 * and `key => value` settings, `#include` and `;` comments. Throws on any other line, naming it.
 */
export function parseAsteriskConfig(text: string, file = "config"): AsteriskSection[] {
  const sections: AsteriskSection[] = [];
  text.split("\n").forEach((raw, index) => {
    const where = `${file}:${index + 1}`;
    // A ";" starts a comment unless escaped as "\;".
    const line = raw.replace(/(^|[^\\]);.*$/, "$1").trim();
    if (line === "") return;
    const section = SECTION.exec(line);
    if (section) {
      sections.push({ name: section[1], options: section[2], lines: [] });
      return;
    }
    const current = sections[sections.length - 1];
    if (!current) throw new Error(`${where}: "${line}" comes before any [section]`);
    const include = INCLUDE.exec(line);
    if (include) {
      current.lines.push({ kind: "include", file: include[1] });
      return;
    }
    const setting = SETTING.exec(line);
    if (!setting) throw new Error(`${where}: "${line}" is neither a [section], a setting nor an #include`);
    current.lines.push({ kind: "setting", key: setting[1], value: setting[3], arrow: setting[2] === "=>" });
  });
  return sections;
}

/** The sections with this name; pjsip.conf gives one name to an endpoint's aor, auth, endpoint... */
export const sectionsNamed = (sections: AsteriskSection[], name: string): AsteriskSection[] =>
  sections.filter((s) => s.name === name);

/** Settings of a section as a map (the last value of a repeated key wins). */
export const settingsOf = (section: AsteriskSection): Record<string, string> =>
  Object.fromEntries(section.lines.flatMap((l) => (l.kind === "setting" ? [[l.key, l.value]] : [])));

/** The pjsip.conf section of a `type`, among those with this name. */
export function pjsipObject(sections: AsteriskSection[], name: string, type: string): Record<string, string> {
  const found = sectionsNamed(sections, name)
    .map(settingsOf)
    .find((s) => s.type === type);
  if (!found) throw new Error(`pjsip.conf has no [${name}] with type=${type}`);
  return found;
}

/** A dial plan step: `exten => <extension>,<priority>,<application>` (or `same => n,...`). */
export interface DialplanStep {
  readonly extension: string;
  readonly priority: string;
  readonly application: string;
}

/** The steps of an extensions.conf context, `same` lines resolved to their extension. */
export function dialplanSteps(context: AsteriskSection): DialplanStep[] {
  const steps: DialplanStep[] = [];
  for (const line of context.lines) {
    if (line.kind !== "setting" || !line.arrow) continue;
    const [first, priority, ...application] = line.value.split(",");
    if (line.key === "exten") {
      steps.push({ extension: first, priority, application: application.join(",") });
    } else if (line.key === "same") {
      const previous = steps[steps.length - 1];
      if (!previous) throw new Error(`[${context.name}]: "same =>" before any "exten =>"`);
      steps.push({ extension: previous.extension, priority: first, application: [priority, ...application].join(",") });
    }
  }
  return steps;
}

/** Whether an Asterisk extension (literal or `_` pattern) matches a dialled number. */
export function extensionMatches(extension: string, dialled: string): boolean {
  if (!extension.startsWith("_")) return extension === dialled;
  const pattern = extension.slice(1).replace(/\[[^\]]*\]|[XZN.!]|[^XZN.![]/g, (token) => {
    switch (token) {
      case "X":
        return "[0-9]";
      case "Z":
        return "[1-9]";
      case "N":
        return "[2-9]";
      case ".":
        return ".+";
      case "!":
        return ".*";
      default:
        return token.startsWith("[") ? token : token.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
    }
  });
  return new RegExp(`^${pattern}$`).test(dialled);
}
