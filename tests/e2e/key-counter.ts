import type { Page } from '@playwright/test';

/**
 * Presses and types through the page's keyboard, counting keystrokes the way `order.walk.keys`
 * does (bench/order-walk.ts): every key pressed (a chord such as Alt+S is one) and every
 * character typed counts one.
 */
export function keyCounter(page: Page) {
  let keys = 0;
  return {
    press: async (key: string) => {
      keys += 1;
      await page.keyboard.press(key);
    },
    type: async (text: string) => {
      keys += [...text].length;
      await page.keyboard.type(text);
    },
    get count() {
      return keys;
    },
  };
}
