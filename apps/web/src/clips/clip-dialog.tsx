import type { Clip, CreateClip } from '@onda/contracts';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/client';
import { guardImeEnter } from '../components/ime';
import './clips.css';

/** Lengths offered, in seconds (the API takes 15-60 s live, 5-60 s of a VOD). */
export const ClipLengths = [15, 30, 60] as const;

interface ClipDialogProps {
  /** Null: closed. */
  open: boolean;
  onClose(): void;
  defaultTitle: string;
  /** The request for a length: the last `length` seconds up to where the viewer was when they pressed "Clip". */
  request(length: number, title: string): CreateClip;
}

type State = { kind: 'idle' } | { kind: 'sending' } | { kind: 'done'; clip: Clip } | { kind: 'error'; code: string; retryAfter?: number };

/** The small dialog behind the player's "Clip" button: a title and a length, then a link to the clip's page. */
export function ClipDialog({ open, onClose, defaultTitle, request }: ClipDialogProps) {
  const { t } = useTranslation();
  const api = useApi();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [title, setTitle] = useState(defaultTitle);
  const [length, setLength] = useState<number>(30);
  const [state, setState] = useState<State>({ kind: 'idle' });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setState({ kind: 'idle' });
      setTitle(defaultTitle);
      // showModal: focus moves in, Escape closes, the page behind is inert.
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    if (!open && dialog.open) dialog.close();
  }, [open, defaultTitle]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ kind: 'sending' });
    try {
      const clip = await api.createClip(request(length, title.trim() || defaultTitle));
      setState({ kind: 'done', clip });
    } catch (error) {
      setState(error instanceof ApiError ? { kind: 'error', code: error.code, retryAfter: error.retryAfterSeconds } : { kind: 'error', code: 'network' });
    }
  };

  return (
    <dialog ref={ref} className="clip-dialog" aria-labelledby={`${titleId}-heading`} onClose={onClose} data-testid="clip-dialog">
      <h2 id={`${titleId}-heading`} className="clip-dialog__title">
        {t('clip.dialogTitle')}
      </h2>
      {state.kind === 'done' ? (
        <div className="clip-dialog__done" role="status">
          <p>{t('clip.made')}</p>
          <div className="clip-dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              {t('clip.close')}
            </button>
            <Link className="button button--accent" to={`/clip/${state.clip.id}`} data-testid="clip-open">
              {t('clip.open')}
            </Link>
          </div>
        </div>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <label className="clip-field" htmlFor={titleId}>
            <span className="clip-field__label">{t('clip.title')}</span>
            <input
              id={titleId}
              className="clip-field__input"
              value={title}
              maxLength={100}
              required
              onChange={(event) => setTitle(event.target.value)}
              onKeyDown={guardImeEnter}
              data-testid="clip-title"
            />
          </label>
          <fieldset className="clip-dialog__lengths">
            <legend className="clip-field__label">{t('clip.length')}</legend>
            {ClipLengths.map((seconds) => (
              <label key={seconds} className="clip-dialog__length">
                <input type="radio" name="clip-length" value={seconds} checked={length === seconds} onChange={() => setLength(seconds)} data-testid={`clip-length-${seconds}`} />
                {t('clip.seconds', { count: seconds })}
              </label>
            ))}
          </fieldset>
          <p className="clip-dialog__hint">{t('clip.hint')}</p>
          {state.kind === 'error' && <ClipError code={state.code} retryAfter={state.retryAfter} />}
          <div className="clip-dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              {t('clip.cancel')}
            </button>
            <button type="submit" className="button button--accent" disabled={state.kind === 'sending'} data-testid="clip-submit">
              {state.kind === 'sending' ? t('clip.making') : t('clip.submit')}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

function ClipError({ code, retryAfter }: { code: string; retryAfter?: number }) {
  const { t } = useTranslation();
  const text =
    code === 'unauthenticated'
      ? t('clip.signIn')
      : code === 'forbidden'
        ? t('clip.forbidden')
        : code === 'rate_limited'
          ? t('clip.rateLimited', { seconds: retryAfter ?? 60 })
          : code === 'unprocessable' || code === 'conflict'
            ? t('clip.badRange')
            : t('clip.failed');
  return (
    <p className="clip-dialog__error" role="alert" data-testid="clip-error">
      {text}
      {code === 'unauthenticated' && (
        <>
          {' '}
          <Link to="/console/sign-in">{t('clip.signInLink')}</Link>
        </>
      )}
    </p>
  );
}
