import { render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { createI18n } from '../i18n/i18n';
import { LoadedTable, PanelTable, type LoadedLook, type LoadedRows } from './loaded-table';

interface Row {
  id: string;
  name: string;
}

function show(state: LoadedRows<Row>, look?: LoadedLook): ReactNode {
  return (
    <I18nextProvider i18n={createI18n('en')}>
      <LoadedTable
        state={state}
        look={look}
        empty="Nothing here."
        emptyTestId="empty"
        testId="rows"
        head={['Name', { label: 'Actions', actions: true }, '']}
        row={(item) => (
          <tr key={item.id}>
            <td>{item.name}</td>
            <td />
            <td />
          </tr>
        )}
      />
    </I18nextProvider>
  );
}

describe(LoadedTable.name, () => {
  it('shows a spinner while loading, and nothing else', () => {
    const { container } = render(show({ data: undefined, error: undefined }));
    expect(container.querySelector('.spinner')).toBeTruthy();
    expect(screen.queryByTestId('rows')).toBeNull();
    expect(screen.queryByTestId('empty')).toBeNull();
  });

  it('shows the error as a state panel on a page and as a line in a panel', () => {
    const failed = { data: undefined, error: new ApiError('forbidden', 403, 'Only operators can see this.') };
    render(show(failed));
    expect(screen.getByTestId('error-state').textContent).toContain('Only operators can see this.');
    const { container } = render(show(failed, 'panel'));
    expect(container.querySelector('.form-error')?.textContent).toBe('Only operators can see this.');
  });

  it('shows the empty text when the load answered no rows', () => {
    render(show({ data: [], error: undefined }, 'chat'));
    const empty = screen.getByTestId('empty');
    expect(empty.textContent).toBe('Nothing here.');
    expect(empty.className).toBe('chat-dash__empty');
    expect(screen.queryByTestId('rows')).toBeNull();
  });

  it('renders the rows in a table with its column heads, the actions head visually hidden', () => {
    render(show({ data: [{ id: '1', name: 'Mina' }, { id: '2', name: 'Joon' }], error: undefined }));
    const table = screen.getByTestId('rows');
    const heads = within(table).getAllByRole('columnheader');
    expect(heads.map((th) => th.textContent)).toEqual(['Name', 'Actions', '']);
    expect(heads[1]!.className).toBe('table__actions');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('Joon')).toBeTruthy();
  });

  it('keeps showing the rows when a later poll fails', () => {
    render(show({ data: [{ id: '1', name: 'Mina' }], error: new Error('offline') }));
    expect(screen.getByText('Mina')).toBeTruthy();
    expect(screen.queryByTestId('error-state')).toBeNull();
  });
});

describe(PanelTable.name, () => {
  it('is a titled console panel around the table, with the panel look of the ladder', () => {
    const panel = (data: Row[]) => (
      <I18nextProvider i18n={createI18n('en')}>
        <PanelTable title="Sessions" testId="sessions" state={{ data, error: undefined }} empty="None." head={['Name']} row={(item) => <tr key={item.id}><td>{item.name}</td></tr>} />
      </I18nextProvider>
    );
    const { rerender } = render(panel([]));
    const section = screen.getByTestId('sessions');
    expect([section.tagName, section.className]).toEqual(['SECTION', 'panel']);
    expect(within(section).getByRole('heading', { level: 2 }).textContent).toBe('Sessions');
    expect(within(section).getByText('None.').className).toBe('muted small');
    rerender(panel([{ id: '1', name: 'Mina' }]));
    expect(within(screen.getByTestId('sessions')).getByRole('cell').textContent).toBe('Mina');
  });
});
