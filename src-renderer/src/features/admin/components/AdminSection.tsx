import type { ReactNode } from 'react';

/**
 * One section of the admin screen: its heading with a count, the polite "Saved: …" line and the
 * error alert every section shows the same way, then its own content.
 */
export function AdminSection({
  titleId,
  title,
  count,
  said,
  failure,
  children,
}: {
  titleId: string;
  title: string;
  count: number;
  said: string;
  failure: string | null;
  children: ReactNode;
}) {
  return (
    <section className="admin__section" aria-labelledby={titleId}>
      <h3 id={titleId} className="admin__heading">
        {title} <span className="panel__count">({count})</span>
      </h3>
      <p role="status" className="save-status save-status--ok">
        {said}
      </p>
      {failure !== null && (
        <p role="alert" className="notice notice--error">
          {failure}
        </p>
      )}
      {children}
    </section>
  );
}
