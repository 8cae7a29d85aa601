/**
 * Product categories are stored as slugs ("running-shoes"); people read and type their names
 * ("Running shoes", "running", "Printer"). Issue 19, item 12: the past-purchases filter matched
 * only the exact lower-case slug, and the table showed slugs.
 */

/** "running-shoes" → "Running shoes". */
export function categoryName(slug: string): string {
  const words = slug.trim().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What a category filter typed as a name or a slug is matched with: lower case, words split by
 * single spaces. "Running-Shoes", "running shoes" and "RUNNING" all become words of one form.
 */
export function categoryWords(text: string): string {
  return text.trim().replace(/[-_\s]+/g, ' ').toLowerCase();
}

/**
 * True when the category's name has words starting with what was typed, in order: "ink" finds
 * "ink" (not "drinkware"), "printer" finds "printers", "coffee" every "coffee-…" category.
 * The SQL in purchases-repository.ts says the same: instr(' ' || words(slug), ' ' || typed) > 0.
 */
export function categoryMatches(slug: string, typedWords: string): boolean {
  return ` ${categoryWords(slug)}`.includes(` ${typedWords}`);
}
