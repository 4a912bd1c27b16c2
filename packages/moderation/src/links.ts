/**
 * Link detection for the link policy: URLs with a scheme, `www.` hosts, IPv4 addresses, and bare domains
 * (example.com, 네이버닷컴) including the usual disguises of the dot: "example dot com", "example(.)com",
 * "example [dot] com", "example . com", an ideographic full stop, fullwidth letters, look-alike letters and
 * zero-width characters. Bare domains need a top-level domain from a short list of ones seen in chat spam, so
 * "node.js", "e.g.", "v1.2" or "ok.so" are not links.
 */

const TLDS = [
  'com', 'net', 'org', 'info', 'biz', 'io', 'co', 'me', 'tv', 'gg', 'ly', 'to', 'xyz', 'app', 'dev', 'site', 'online', 'shop',
  'store', 'live', 'link', 'club', 'top', 'vip', 'win', 'bet', 'casino', 'porn', 'sex', 'xxx', 'kr', 'jp', 'cn', 'ru', 'de', 'uk',
  'fr', 'eu', 'asia', 'tk', 'ml', 'ga', 'cf', 'gq', 'pw', 'ws', 'cc', 'su', 'click', 'icu', 'cam', 'fun', 'space', 'website',
  'tech', 'pro', 'mobi', 'page', 'ai', 'gl', 'sh', 'st', 'li',
];

const LOOKALIKE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', ԁ: 'd',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};

const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0]/gu;
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKE).join('')}]`, 'gu');
const DOT_WORDS: Array<[RegExp, string]> = [
  [/\s*[([{<]\s*(?:\.|dot|점|닷)\s*[)\]}>]\s*/gu, '.'],
  [/(?<=[\p{L}\p{N}])\s+\.\s+(?=[\p{L}\p{N}])/gu, '.'],
  [/[。｡]/gu, '.'],
  [/\s*(?:닷|쩜|점)\s*컴/gu, '.com'],
  [/\s*(?:닷|쩜|점)\s*넷/gu, '.net'],
  [/\s*(?:닷|쩜|점)\s*케이알/gu, '.kr'],
];

/** Words before " dot " that make it prose ("the dot com bubble"), not a disguised address. */
const PROSE = new Set(['the', 'a', 'an', 'of', 'in', 'on', 'at', 'to', 'and', 'or', 'is', 'its', 'my', 'your', 'his', 'her', 'our', 'their', 'this', 'that', 'big', 'little']);
// The lookbehind anchors the label at a word start, so a long run of letters is not rescanned from every position.
const SPOKEN_DOT = /(?<![\p{L}\p{N}-])([\p{L}\p{N}-]+)\s+(?:dot|닷)\s+(?=[\p{L}\p{N}])/gu;

const SCHEME = /\b(?:https?|ftp):\/\/[^\s/$.?#]/u;
const WWW = /\bwww\.[\p{L}\p{N}-]+\.[\p{L}]/u;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/u;
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const DOMAIN = new RegExp(`(?<![\\p{L}\\p{N}.-])(?:${LABEL}\\.)+(?:${TLDS.join('|')})(?![\\p{L}\\p{N}-])`, 'u');

/** The text as a link detector should see it: compatibility forms folded, invisible characters gone, disguised dots restored. */
export function foldForLinks(text: string): string {
  let out = text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().replace(LOOKALIKE_RE, (c) => LOOKALIKE[c] ?? c);
  for (const [re, dot] of DOT_WORDS) out = out.replace(re, dot);
  out = out.replace(SPOKEN_DOT, (all, label: string) => (PROSE.has(label) ? all : `${label}.`));
  return out;
}

/** Whether `text` contains a link (see the module comment for what counts); `folded` says it went through foldForLinks already. */
export function containsLink(text: string, folded = false): boolean {
  if (!folded) return containsLink(foldForLinks(text), true);
  if (SCHEME.test(text)) return true;
  // Every other form has a dot once disguises are undone.
  return text.includes('.') && (WWW.test(text) || IPV4.test(text) || DOMAIN.test(text));
}
