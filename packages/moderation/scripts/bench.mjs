// Throughput of the moderation pipeline on typical chat text. Run once with `npm run bench -w @onda/moderation`
// (builds first); not a test. Prints messages/s for the whole pipeline and for its parts.
import { createModerationPipeline, findProfanity, InMemoryRecentMessages, normalise } from '../dist/index.js';

const typical = [
  'ㅋㅋㅋㅋㅋㅋ', '오늘 방송 진짜 재밌다', '안녕하세요~ 처음 왔어요', 'gg', 'lol that was close', '와 미쳤다 ㄷㄷ', '스트리머님 목소리 좋아요',
  'what game is this?', '이거 몇 시까지 해요?', 'hi from Seoul!', 'ㅇㅈ', 'nice shot', '씨발 이걸 놓치네', 'holy shit', 'ㅅㅂ 뭐야',
  'first time here, love the vibe', '배고프다 치킨 먹고 싶다', 'POG', 'can you play the next map', '아 진짜 ㅋㅋㅋㅋ 개웃기네',
  '구독 눌렀어요', 'where are you streaming from', 'ㅠㅠ 아깝다', '내일도 방송해요?', 'f u c k that boss', '👏👏👏',
];
const hostile = ['f' + '*'.repeat(500), 'ㅅ'.repeat(600), 'a'.repeat(600), 'ㅆㅣㅂㅏㄹ '.repeat(100), 'f.u.c.k '.repeat(75), '씨이이이이'.repeat(120)];

const settings = {
  blockedWords: ['spoiler', '스포', 'scam*', '광고'],
  blockedPatterns: ['buy\\s+followers', 'free\\s*v[i1]agra'],
  blockedWordsAction: 'mask',
  profanity: 'mask',
  linkPolicy: 'hold',
  classifier: null,
};

async function measure(label, n, fn) {
  for (let i = 0; i < 2000; i++) await fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(46)} ${Math.round((n / ms) * 1000).toLocaleString('en').padStart(9)} msg/s  ${((ms * 1000) / n).toFixed(1).padStart(6)} us/msg`);
}

const recent = new InMemoryRecentMessages();
const pipeline = createModerationPipeline(settings, { channelId: 'bench' });
const N = 100_000;
await measure('normalise only', N, (i) => normalise(typical[i % typical.length]));
await measure('normalise + built-in profanity', N, (i) => findProfanity(typical[i % typical.length]));
await measure('full pipeline (no classifier), 1000 authors', N, (i) =>
  pipeline.check(typical[i % typical.length], { authorKey: `a:${i % 1000}`, role: 'viewer', recent }),
);
await measure('full pipeline, hostile 500-600 char inputs', 2000, (i) =>
  pipeline.check(hostile[i % hostile.length], { authorKey: `h:${i}`, role: 'moderator', recent }),
);
