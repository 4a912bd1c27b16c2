import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/errors';

export interface Action {
  busy: boolean;
  /** The last failure, translated for the reader; null after a success or while an action runs. */
  error: string | null;
  setError(error: string | null): void;
  /** Runs `work` with `busy` set and the last error cleared; a failure becomes `error`. Never rejects: true when `work` succeeded. */
  attempt(work: () => Promise<unknown>): Promise<boolean>;
}

/** The busy flag and error text of a console form or panel whose buttons each run one request. */
export function useAction(): Action {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attempt = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (caught) {
      setError(errorText(t, caught));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, attempt };
}
