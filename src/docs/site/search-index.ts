/**
 * The search box's index: names, unique ids, descriptions, column names and tags,
 * lowercased once; a query ranks exact and prefix name matches first.
 */

/** What the index needs of a resource. */
export interface Searchable {
  id: string;
  name: string;
  description: string;
  tags: string[];
  columns: { name: string; description: string }[];
}

/** One hit. `column` is set when the match came from a column's name. */
export interface SearchHit<T extends Searchable> {
  item: T;
  score: number;
  column?: string;
}

/** A prepared index over `items`. */
export class SearchIndex<T extends Searchable> {
  private readonly entries: { item: T; name: string; text: string; columns: string[] }[];

  constructor(items: T[]) {
    this.entries = items.map((item) => ({
      item,
      name: item.name.toLowerCase(),
      columns: item.columns.map((c) => c.name.toLowerCase()),
      text: [item.id, item.description, item.tags.join(' '), item.columns.map((c) => `${c.name} ${c.description}`).join(' ')].join(' ').toLowerCase(),
    }));
  }

  /** The best `limit` hits for `query` (every whitespace-separated term must match). */
  search(query: string, limit = 30): SearchHit<T>[] {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0) return [];
    const whole = terms.join(' ');
    const hits: SearchHit<T>[] = [];
    for (const e of this.entries) {
      let score = 0;
      let column: string | undefined;
      if (e.name === whole) score = 100;
      else if (e.name.startsWith(whole)) score = 60;
      else if (e.name.includes(whole)) score = 40;
      else {
        let all = true;
        for (const t of terms) {
          if (e.name.includes(t)) continue;
          const c = e.columns.find((x) => x.includes(t));
          if (c) {
            column ??= c;
            continue;
          }
          if (!e.text.includes(t)) {
            all = false;
            break;
          }
        }
        if (!all) continue;
        score = column ? 20 : 10;
      }
      hits.push(column ? { item: e.item, score, column } : { item: e.item, score });
    }
    hits.sort((a, b) => b.score - a.score || a.item.name.length - b.item.name.length || (a.item.name < b.item.name ? -1 : 1));
    return hits.slice(0, limit);
  }
}
