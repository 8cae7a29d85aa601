/**
 * A chart (Chart.js on a canvas: no eval, no inline styles, so it runs under the strict CSP) and,
 * beside it, a real table with the same numbers for keyboard and screen-reader users. The canvas
 * is an image with a summary as its name; the table is the chart's content. No animation when the
 * user asks for reduced motion.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
  label: string;
  /** One value per category; null: no data for it (a gap, never 0). */
  values: (number | null)[];
}

const COLOURS = ['#1f5fa8', '#c26a00', '#2e8b57', '#8e44ad'];

function reducedMotion(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export function ChartWithTable({
  id,
  title,
  summary,
  kind,
  stacked = false,
  categories,
  series,
  formatTick,
  table,
}: {
  id: string;
  title: string;
  /** The canvas's accessible name: what the chart shows, in a sentence. */
  summary: string;
  kind: 'bar' | 'line';
  stacked?: boolean;
  categories: string[];
  series: Series[];
  /** How the value axis and tooltips write a number. */
  formatTick(value: number): string;
  /** The table with the same numbers. */
  table: ReactNode;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const text = getComputedStyle(canvas).color || '#4d5761';
    const chart = new Chart(canvas, {
      type: kind,
      data: {
        labels: categories,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.values,
          backgroundColor: COLOURS[i % COLOURS.length],
          borderColor: COLOURS[i % COLOURS.length],
          spanGaps: false,
        })),
      },
      options: {
        animation: reducedMotion() ? false : { duration: 300 },
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: series.length > 1, labels: { color: text } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${typeof ctx.parsed.y === 'number' ? formatTick(ctx.parsed.y) : '—'}` } },
        },
        scales: {
          x: { stacked, ticks: { color: text } },
          y: { stacked, beginAtZero: true, ticks: { color: text, callback: (v) => formatTick(Number(v)) } },
        },
      },
    });
    return () => chart.destroy();
  }, [kind, stacked, categories, series, formatTick]);
  return (
    <section className="dash-chart" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="panel__title">
        {title}
      </h3>
      <div className="dash-chart__body">
        <div className="dash-chart__canvas">
          <canvas ref={canvasRef} role="img" aria-label={summary}>
            {summary}
          </canvas>
        </div>
        <div className="dash-chart__table">{table}</div>
      </div>
    </section>
  );
}
