import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/errors';
import { LoadError } from './page-parts';
import { StatePanel } from '../components/state-panel';

/**
 * Where the ladder stands: `page` is a console page of its own (centred state panels), `panel` a section inside one
 * (a line of text), `chat` a tab of the chat dashboard (a framed empty line).
 */
export type LoadedLook = 'page' | 'panel' | 'chat';

/** The part of a `useLoad`/`usePoll` state the ladder reads: the rows (undefined until loaded) and the last error. */
export interface LoadedRows<R> {
  data: readonly R[] | undefined;
  error: unknown;
}

export interface LoadedProps<R> {
  state: LoadedRows<R>;
  /** Shown when the load answered with no rows. */
  empty: string;
  emptyHint?: string;
  /** The icon of the empty state panel (`page` look). */
  emptyIcon?: string;
  emptyTestId?: string;
  look?: LoadedLook;
  /** The rows, once there is at least one. */
  children(rows: readonly R[]): ReactNode;
}

const EMPTY_CLASS: Record<Exclude<LoadedLook, 'page'>, string> = { panel: 'muted small', chat: 'chat-dash__empty' };

/**
 * The console's one state ladder: the error (only while there is nothing to show), a spinner while loading, the
 * empty text, or the rows.
 */
export function Loaded<R>({ state, empty, emptyHint, emptyIcon = '○', emptyTestId, look = 'page', children }: LoadedProps<R>) {
  const { t } = useTranslation();
  const { data, error } = state;
  if (!data) {
    if (!error) return <div className="spinner console-spinner" />;
    return look === 'page' ? <LoadError error={error} /> : <p className="form-error">{errorText(t, error)}</p>;
  }
  if (data.length > 0) return <>{children(data)}</>;
  return look === 'page' ? (
    <StatePanel icon={emptyIcon} title={empty} hint={emptyHint} testId={emptyTestId} />
  ) : (
    <p className={EMPTY_CLASS[look]} data-testid={emptyTestId}>
      {empty}
    </p>
  );
}

/** A column head: its text, or a visually hidden label over a column of actions. */
export type LoadedColumn = string | { label: string; actions: true };

export interface LoadedTableProps<R> extends Omit<LoadedProps<R>, 'children'> {
  /** The column heads, in order; '' for a column without a head. */
  head: readonly LoadedColumn[];
  /** One `<tr>` (with its key) a row. */
  row(item: R): ReactNode;
  testId?: string;
  /** Classes added to `table`. */
  className?: string;
}

/** {@link Loaded} over a table: the same ladder, then the scrollable table with its column heads and a row an item. */
export function LoadedTable<R>({ head, row, testId, className, ...ladder }: LoadedTableProps<R>) {
  return (
    <Loaded {...ladder}>
      {(rows) => (
        <div className="table-wrap">
          <table className={className ? `table ${className}` : 'table'} data-testid={testId}>
            <thead>
              <tr>
                {head.map((column, index) =>
                  typeof column === 'string' ? (
                    <th key={index}>{column || null}</th>
                  ) : (
                    <th key={index} className="table__actions">
                      <span className="visually-hidden">{column.label}</span>
                    </th>
                  ),
                )}
              </tr>
            </thead>
            <tbody>{rows.map(row)}</tbody>
          </table>
        </div>
      )}
    </Loaded>
  );
}

export interface PanelTableProps<R> extends Omit<LoadedTableProps<R>, 'look' | 'testId'> {
  title: string;
  /** The panel's test id (its table has none). */
  testId: string;
}

/** A console panel that is one table: its title, then {@link LoadedTable} in the `panel` look. */
export function PanelTable<R>({ title, testId, ...table }: PanelTableProps<R>) {
  return (
    <section className="panel" data-testid={testId}>
      <h2 className="panel__title">{title}</h2>
      <LoadedTable {...table} look="panel" />
    </section>
  );
}
