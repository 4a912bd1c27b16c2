import { CreatePollSchema, type Poll } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { usePoll } from '../api/use-poll';
import { useChatServices } from '../chat/chat-context';
import { percentOf } from '../chat/poll-card';
import { formatDateTime, formatNumber } from '../i18n/format';
import { FormError, SubmitRow, TextField } from './fields';
import { errorText } from '../api/errors';
import { useAction } from './use-action';

/** Results of open polls change with every vote: refresh while the tab is open. */
export const PollsPollMs = 3000;
const MaxOptions = 10;

/** Start a poll (question, 2-10 options, optional duration), watch its results live, close it. */
export function ChatPollsPanel({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const { api } = useChatServices();
  const [generation, setGeneration] = useState(0);
  const polls = usePoll(`polls:${slug}:${generation}`, (signal) => api.listPolls(slug, signal), () => PollsPollMs);
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const [duration, setDuration] = useState('');
  const { busy, error, setError, attempt } = useAction();

  const run = (work: () => Promise<unknown>) =>
    attempt(async () => {
      await work();
      setGeneration((g) => g + 1);
    });

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const body = CreatePollSchema.safeParse({
      question,
      options: options.map((o) => o.trim()).filter(Boolean),
      ...(duration.trim() ? { durationSeconds: Number(duration) } : {}),
    });
    if (!body.success) {
      setError(t('console.chat.polls.invalid'));
      return;
    }
    if (await run(() => api.createPoll(slug, body.data))) {
      setQuestion('');
      setOptions(['', '']);
      setDuration('');
    }
  };

  const setOption = (index: number, value: string) => setOptions(options.map((o, i) => (i === index ? value : o)));
  const hasOpen = polls.data?.some((p) => p.status === 'open') ?? false;
  return (
    <section aria-label={t('console.chat.tabs.polls')} data-testid="polls-panel">
      <form className="form chat-poll-form" onSubmit={(e) => void create(e)} data-testid="poll-form" noValidate>
        <TextField name="question" label={t('console.chat.polls.question')} value={question} onChange={setQuestion} />
        <div className="chat-poll-form__options">
          {options.map((value, index) => (
            <div key={index} className="chat-poll-form__option">
              <TextField name={`option-${index}`} label={t('console.chat.polls.option', { n: index + 1 })} value={value} onChange={(v) => setOption(index, v)} />
              {options.length > 2 && (
                <button type="button" className="button button--small" onClick={() => setOptions(options.filter((_, i) => i !== index))} aria-label={t('console.chat.polls.removeOption', { n: index + 1 })}>
                  ×
                </button>
              )}
            </div>
          ))}
        </div>
        <div className="form__actions">
          <button type="button" className="button button--small" disabled={options.length >= MaxOptions} onClick={() => setOptions([...options, ''])}>
            {t('console.chat.polls.addOption')}
          </button>
        </div>
        <TextField name="duration" type="number" min={10} max={86400} label={t('console.chat.polls.duration')} hint={t('console.chat.polls.durationHint')} value={duration} onChange={setDuration} />
        {hasOpen && <p className="muted small">{t('console.chat.polls.replaces')}</p>}
        <FormError message={error} />
        <SubmitRow disabled={busy} testId="poll-create">
          {t('console.chat.polls.create')}
        </SubmitRow>
      </form>
      {!polls.data ? (
        polls.error ? <p className="form-error">{errorText(t, polls.error)}</p> : <div className="spinner console-spinner" />
      ) : polls.data.length === 0 ? (
        <p className="chat-dash__empty" data-testid="polls-empty">
          {t('console.chat.polls.empty')}
        </p>
      ) : (
        <ul className="stack-list poll-list">
          {polls.data.map((poll) => (
            <PollResults key={poll.id} poll={poll} busy={busy} onClose={() => void run(() => api.closePoll(slug, poll.id))} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PollResults({ poll, busy, onClose }: { poll: Poll; busy: boolean; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const percent = new Intl.NumberFormat(language, { style: 'percent' });
  return (
    <li className="panel poll-list__item" data-testid="poll-item" data-status={poll.status}>
      <div className="poll-list__head">
        <h3 className="poll-list__question">{poll.question}</h3>
        <span className={poll.status === 'open' ? 'badge badge--ok' : 'badge badge--offline'}>{t(`console.chat.polls.status.${poll.status}`)}</span>
      </div>
      <ul className="poll-list__options">
        {poll.options.map((option, index) => {
          const share = percentOf(option.votes, poll.totalVotes);
          return (
            <li key={index} className="chat-poll__result">
              <span className="chat-poll__bar" style={{ width: `${share}%` }} aria-hidden="true" />
              <span className="chat-poll__option">{option.label}</span>
              <span className="chat-poll__share">
                {formatNumber(option.votes, language)} · {percent.format(share / 100)}
              </span>
            </li>
          );
        })}
      </ul>
      <div className="poll-list__foot">
        <span className="muted small">
          {t('chat.poll.votes', { count: poll.totalVotes, formatted: formatNumber(poll.totalVotes, language) })} · {formatDateTime(poll.createdAt, language)}
        </span>
        {poll.status === 'open' && (
          <button type="button" className="button button--small" disabled={busy} onClick={onClose} data-testid="poll-close">
            {t('console.chat.polls.close')}
          </button>
        )}
      </div>
    </li>
  );
}
