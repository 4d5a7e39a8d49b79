/**
 * Work package ids as people write them. spec-kitty names WPs `WP01`, but dependencies and tasks.md headings in
 * the wild say `wp1`, `WP-01` or `Work Package 1`. We never rename a WP (the host passes its id back to
 * spec-kitty verbatim); we only map a loose reference onto an id that exists when exactly one matches.
 */

const LOOSE_WP = /^\s*(?:wp|work\s*package)[\s_-]*#?0*(\d+)\s*$/i;

/** The comparison key of a WP id: `wp1`, `WP-01`, `WP01` all give `WP1`; other strings are trimmed, upper-cased. */
export function wpKey(id: string): string {
  const m = LOOSE_WP.exec(id);
  if (m?.[1] !== undefined) return `WP${Number(m[1])}`;
  return id.trim().toUpperCase();
}

/**
 * Resolves loose references (`wp1`) to the ids of existing WPs (`WP01`). Exact ids win; a loose match counts
 * only when it is unique, so two WPs `WP1` and `WP01` are never confused.
 */
export class WpIdResolver {
  private readonly exact: Set<string>;
  private readonly byKey = new Map<string, string | null>();

  constructor(ids: Iterable<string>) {
    this.exact = new Set(ids);
    for (const id of this.exact) {
      const key = wpKey(id);
      // null marks an ambiguous key: two existing ids share it.
      this.byKey.set(key, this.byKey.has(key) ? null : id);
    }
  }

  /** The existing id `ref` means, or undefined when none (or more than one) matches. */
  resolve(ref: string): string | undefined {
    const trimmed = ref.trim();
    if (this.exact.has(trimmed)) return trimmed;
    return this.byKey.get(wpKey(trimmed)) ?? undefined;
  }
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order for ids: WP2 before WP10; ties broken by plain code-unit order so sorting is total. */
export function compareIds(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A WP id found at the start of a file name: `WP01-checkout.md` -> `WP01`. */
export function wpIdFromFileName(fileName: string): string | undefined {
  const m = /^(WP\d+)/i.exec(fileName);
  return m?.[1]?.toUpperCase();
}
