import { Logger } from '@nestjs/common';
import type { VoteInsert } from './chat-moderation.repository.js';
import type { MessageInsert } from './chat.repository.js';

export interface ChatWriterSink {
  insertMessages(rows: MessageInsert[]): Promise<number>;
  insertVotes(rows: VoteInsert[]): Promise<number>;
}

/**
 * Writes accepted messages and votes to PostgreSQL in batches: one createMany per kind every
 * `intervalMs`, never one INSERT per message. A delete or purge that arrives while a row is still
 * waiting marks the row before it is written, so a moderator's delete is never lost to the race.
 */
export class ChatWriter {
  private messages: MessageInsert[] = [];
  private votes: VoteInsert[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly logger = new Logger('ChatWriter');

  constructor(
    private readonly sink: ChatWriterSink,
    private readonly intervalMs: number,
  ) {}

  addMessage(row: MessageInsert): void {
    this.messages.push(row);
    this.schedule();
  }

  addVote(row: VoteInsert): void {
    this.votes.push(row);
    this.schedule();
  }

  markDeleted(ids: string[], at: Date): void {
    const set = new Set(ids);
    for (const row of this.messages) if (set.has(row.id)) row.deletedAt ??= at;
  }

  markPurged(channelId: string, authorKey: string, at: Date): void {
    for (const row of this.messages) if (row.channelId === channelId && row.authorKey === authorKey) row.deletedAt ??= at;
  }

  /** Writes everything waiting now (reads that must see this node's latest messages call it first). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const messages = this.messages;
    const votes = this.votes;
    this.messages = [];
    this.votes = [];
    // Batches go out one after another, so a flush also waits for the batch before it.
    this.running = this.running.then(() => this.write(messages, votes));
    return this.running;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  private async write(messages: MessageInsert[], votes: VoteInsert[]): Promise<void> {
    if (messages.length) await this.attempt('messages', messages, (rows) => this.sink.insertMessages(rows));
    if (votes.length) await this.attempt('votes', votes, (rows) => this.sink.insertVotes(rows));
  }

  /** A failed batch is retried row by row, so one bad row (say, of a channel deleted meanwhile) costs only itself. */
  private async attempt<T>(what: string, rows: T[], insert: (rows: T[]) => Promise<number>): Promise<void> {
    try {
      await insert(rows);
    } catch (error) {
      this.logger.warn(`writing ${rows.length} chat ${what} in one batch failed (${(error as Error).message}); retrying one by one`);
      let lost = 0;
      for (const row of rows) await insert([row]).catch(() => (lost += 1));
      if (lost) this.logger.error(`${lost} chat ${what} could not be written`);
    }
  }
}
