import { describe, expect, it } from 'vitest';
import { categoryMatches, categoryName, categoryWords } from '../../src-shared/domain/category';

describe('product categories (issue 19, item 12)', () => {
  it('read as names, not slugs', () => {
    expect(categoryName('running-shoes')).toBe('Running shoes');
    expect(categoryName('ink')).toBe('Ink');
  });

  it('match what a person types, name or slug, any case, at the start of a word', () => {
    const matches = (slug: string, typed: string) => categoryMatches(slug, categoryWords(typed));
    expect(matches('ink', 'Ink')).toBe(true);
    expect(matches('printers', 'printer')).toBe(true);
    expect(matches('running-shoes', 'Running shoes')).toBe(true);
    expect(matches('running-shoes', 'RUNNING-SHOES')).toBe(true);
    expect(matches('running-shoes', 'shoes')).toBe(true);
    expect(matches('coffee-beans', 'coffee')).toBe(true);
    expect(matches('drinkware', 'ink')).toBe(false);
    expect(matches('printers', 'ink')).toBe(false);
  });
});
