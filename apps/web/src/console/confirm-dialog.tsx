import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface ConfirmDialogProps {
  title: string;
  body: string;
  confirmLabel: string;
  busy?: boolean;
  /** Keeps the confirm button off (e.g. until a choice in `children` is made). */
  confirmDisabled?: boolean;
  /** Extra content between the question and the buttons (a choice the action needs). */
  children?: ReactNode;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal yes/no question for destructive actions; Escape or the backdrop cancels. */
export function ConfirmDialog({ title, body, confirmLabel, busy, confirmDisabled, children, onConfirm, onCancel }: ConfirmDialogProps) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // Focus the safe choice first, so a stray Enter does not destroy anything.
    cancelRef.current?.focus();
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  return (
    <div className="modal" onClick={(e) => e.target === e.currentTarget && onCancel()}>
      <div className="modal__box" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body" data-testid="confirm-dialog">
        <h2 id="confirm-title" className="modal__title">
          {title}
        </h2>
        <p id="confirm-body" className="modal__body">
          {body}
        </p>
        {children}
        <div className="modal__actions">
          <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
            {t('console.cancel')}
          </button>
          <button type="button" className="button button--danger" disabled={busy || confirmDisabled} onClick={onConfirm} data-testid="confirm-yes">
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
