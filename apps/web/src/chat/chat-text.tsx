import type { ReactNode } from 'react';

/** A piece of a chat message: plain text, or an http(s) link. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// Stops at whitespace, quotes and angle brackets; trailing punctuation is trimmed below.
const UrlPattern = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TrailingPunctuation = /[.,!?;:)\]}'"”’。、]+$/u;

/** Splits text into plain parts and links; only absolute http/https URLs become links. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(UrlPattern)) {
    const start = match.index;
    let raw = match[0];
    const trailing = TrailingPunctuation.exec(raw);
    if (trailing) raw = raw.slice(0, -trailing[0].length);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Chat text as React text nodes (React escapes them; nothing here is ever parsed as HTML). Links open in a new
 * tab without referrer or opener, and `nofollow` so chat spam earns no search ranking.
 */
export function ChatText({ text }: { text: string }): ReactNode {
  return splitLinks(text).map((part, i) =>
    part.kind === 'link' ? (
      <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow" className="chat-msg__link">
        {part.text}
      </a>
    ) : (
      part.text
    ),
  );
}
