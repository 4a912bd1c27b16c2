import type { ChatRole, ChatSettings } from '@onda/contracts';

/** What the moderation pipeline knows about a message besides its text. */
export interface ChatFilterContext {
  channelId: string;
  authorKey: string;
  role: ChatRole;
  registered: boolean;
  settings: ChatSettings;
  /** Milliseconds since the epoch when the server accepted the message. */
  now: number;
}

/** deliver as is, deliver the masked `text`, hold for a moderator, or drop; `hits` names the rules that matched. */
export interface ChatFilterResult {
  outcome: 'deliver' | 'mask' | 'hold' | 'drop';
  text: string;
  hits: string[];
}

/** The seam to the moderation pipeline (packages/moderation): ordered filters applied before broadcast. */
export interface ChatFilter {
  check(text: string, ctx: ChatFilterContext): Promise<ChatFilterResult>;
}

/** Delivers everything unchanged: the default until a pipeline is configured. */
export const passThroughFilter: ChatFilter = {
  check: (text) => Promise.resolve({ outcome: 'deliver', text, hits: [] }),
};
