import { useId } from 'react';
import type { MetricFigure } from '../../../../../src-shared/contracts/reports';
import { formatChange, formatValue, rowsNoun } from '../format';

const FILTER_WORDS: Record<string, string> = {
  team: 'team',
  csr: 'CSR',
  channel: 'channel',
  campaign: 'campaign code',
  currency: 'currency',
  from: 'period',
  to: 'period',
};

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** One metric: its label, its value (a button opening the rows behind it), the comparison, its definition. */
export function FigureTile({
  figure,
  currency,
  comparing,
  onOpen,
}: {
  figure: MetricFigure;
  currency: string;
  comparing: boolean;
  onOpen(figure: MetricFigure, button: HTMLButtonElement): void;
}) {
  const id = useId();
  const value = formatValue(figure.unit, figure.value, currency);
  const change = comparing ? formatChange(figure.unit, figure.value, figure.previous, currency) : null;
  const ignored = [...new Set(figure.ignoredFilters.map((f) => FILTER_WORDS[f] ?? f))];
  const describedBy = [`${id}-def`, ignored.length > 0 ? `${id}-ignored` : null].filter(Boolean).join(' ');
  return (
    <li className="dash-figure">
      <p className="dash-figure__label" id={`${id}-label`}>
        {figure.label}
      </p>
      <button
        type="button"
        className={figure.value === null ? 'dash-figure__value dash-figure__value--none' : 'dash-figure__value'}
        aria-label={`${figure.label}: ${value} — show the ${rowsNoun(figure.id)} behind it`}
        aria-describedby={describedBy}
        onClick={(e) => onOpen(figure, e.currentTarget)}
      >
        {value}
      </button>
      {comparing && (
        <p className="dash-figure__previous">
          Previous period: {formatValue(figure.unit, figure.previous, currency)}
          {change !== null && <span className="dash-figure__change"> · {change}</span>}
        </p>
      )}
      {ignored.length > 0 && (
        <p className="dash-figure__ignored" id={`${id}-ignored`}>
          Not filtered by {listWords(ignored)}: these {rowsNoun(figure.id)} have no such field.
        </p>
      )}
      <details className="dash-figure__definition">
        <summary>How “{figure.label}” is counted</summary>
        <p id={`${id}-def`}>{figure.definition}</p>
      </details>
    </li>
  );
}
