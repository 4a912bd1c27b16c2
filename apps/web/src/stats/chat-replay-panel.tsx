import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageList } from '../chat/message-list';
import '../chat/chat.css';
import './replay.css';
import { ChatReplay } from './chat-replay';
import { useStatsApi } from './stats-context';

/** The player's playhead as a tiny store: the page writes it on every time change, the replay panel reads it. */
export class PlayheadClock {
  private time = 0;
  private readonly listeners = new Set<(seconds: number) => void>();

  get(): number {
    return this.time;
  }

  set(seconds: number): void {
    if (seconds === this.time) return;
    this.time = seconds;
    for (const listener of this.listeners) listener(seconds);
  }

  subscribe(listener: (seconds: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

interface ChatReplayPanelProps {
  vodId: string;
  clock: PlayheadClock;
  durationSeconds: number | null;
  className?: string;
}

/** The broadcast's chat beside its recording, appearing in step with the playhead (text only, no input). */
export function ChatReplayPanel({ vodId, clock, durationSeconds, className = '' }: ChatReplayPanelProps) {
  const { t } = useTranslation();
  const api = useStatsApi();
  const [replay, setReplay] = useState<ChatReplay | null>(null);

  useEffect(() => {
    const created = new ChatReplay((from, to, signal) => api.getVodChat(vodId, from, to, signal), { durationSeconds });
    const unsubscribe = clock.subscribe((seconds) => created.setTime(seconds));
    created.setTime(clock.get());
    setReplay(created);
    return () => {
      unsubscribe();
      created.dispose();
      setReplay(null);
    };
    // The duration only bounds loading; a late duration must not restart the replay.
  }, [api, vodId, clock]);

  return (
    <section className={`chat chat-replay ${className}`} aria-labelledby="chat-replay-title" data-testid="chat-replay">
      <header className="chat__head">
        <h2 id="chat-replay-title" className="chat__title">
          {t('stats.replay.title')}
        </h2>
      </header>
      {replay ? <ReplayMessages replay={replay} /> : <div className="chat-list" />}
    </section>
  );
}

function ReplayMessages({ replay }: { replay: ChatReplay }) {
  const { t } = useTranslation();
  const snapshot = useSyncExternalStore(replay.subscribe, replay.getSnapshot);
  const emptyText = snapshot.failed ? t('stats.replay.failed') : snapshot.loading ? undefined : t('stats.replay.empty');
  return <MessageList messages={snapshot.visible} emptyText={emptyText} />;
}
