/**
 * A figure's definition, on hover and on keyboard focus: a small "?" button described by a tooltip
 * (aria-describedby), so a screen reader reads the definition with the button, and Escape hides it.
 * Used where two figures could be confused (lifetime value and the purchases total, issue 19 item 11).
 */
import { useId, useState } from 'react';

export function Definition({ term, text }: { term: string; text: string }) {
  const id = useId();
  const [dismissed, setDismissed] = useState(false);
  return (
    <span className={dismissed ? 'definition definition--dismissed' : 'definition'} onMouseLeave={() => setDismissed(false)}>
      <button
        type="button"
        className="definition__button"
        aria-label={`What ${term} counts`}
        aria-describedby={id}
        onBlur={() => setDismissed(false)}
        onKeyDown={(e) => {
          // The first Escape hides the tip only (WCAG 1.4.13); the next one goes back, as anywhere.
          if (e.key === 'Escape' && !dismissed) {
            e.stopPropagation();
            setDismissed(true);
          }
        }}
      >
        ?
      </button>
      <span role="tooltip" id={id} className="definition__tip">
        {text}
      </span>
    </span>
  );
}
