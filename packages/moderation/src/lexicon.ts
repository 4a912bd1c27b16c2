import type { MatchMode } from './matcher.js';

/**
 * The built-in word lists. Curated, not scraped: each entry is written once in its plain spelling and the
 * normaliser supplies the evasions (spacing, repeated letters, jamo, leetspeak, look-alike letters), so the lists
 * stay readable and every entry can be judged for false positives.
 *
 * Policy (see README.md in this package):
 * - Korean entries match inside words (Korean attaches particles and compounds without spaces), except the few
 *   that are also everyday words or endings, which match as whole words; known innocent compounds are on ALLOW.
 * - English entries match as whole words unless no ordinary English word contains them ('fuck' anywhere,
 *   'cunt' only at a word start because of Scunthorpe, 'ass' only alone because of class/assistant).
 * - Left out on purpose because the everyday sense dominates: 새끼 (young animal; 새끼손가락), 보지/자지 (보지 마 = don't
 *   look), 꺼져 (불이 꺼져 = the light goes out), 미친 (미친 듯이), 졸라 (졸라서 = by pestering), 시바 (Shiba dog),
 *   홍어 (skate, the fish), English damn/hell/crap/piss, dick/cock alone (Moby Dick, a rooster; dickhead and
 *   cocksucker are listed), chink/coon. A channel can add any of them as blocked words.
 */
export type LexiconEntry = readonly [word: string, mode: MatchMode];

const infix = (words: string): LexiconEntry[] => words.trim().split(/\s+/).map((w) => [w, 'infix'] as const);
const word = (words: string): LexiconEntry[] => words.trim().split(/\s+/).map((w) => [w, 'word'] as const);
const prefix = (words: string): LexiconEntry[] => words.trim().split(/\s+/).map((w) => [w, 'prefix'] as const);

export const KOREAN: readonly LexiconEntry[] = [
  // 씨발 and its spellings (시발점 & co. are on ALLOW).
  ...infix('씨발 시발 씨빨 시빨 씨팔 시팔 씨펄 씨벌 시벌 씌발 쒸발 슈발 씨파 씨부랄 씨부럴 십알 씹알 씨방새 십새끼'),
  // '씨바' alone is also 'Mr. + ...' inside words (아저씨바로): only at a word start; '씨8' likewise (아저씨8명).
  ...prefix('씨바 씨8 시8'),
  ...infix('병신 븅신 빙신 등신 지랄 좆 좆같 좆까 존나 존내 썅 쌍년 쌍놈 개놈 염병 엿먹어 창녀'),
  // '개년' is also 'N-year' (5개년 계획): only at a word start.
  ...prefix('개년'),
  ...infix('개새끼 개새기 개색기 개색히 개색끼 개세끼 개쉑 개섀끼 개쌔끼 개같은 미친놈 미친년 미친새끼 호로새끼 후레자식'),
  ...infix('씹새끼 씹새 씹년 씹놈 씹할 씹창 씹팔 느금 니애미 니미럴 니미랄 애미뒤진 애비뒤진 엠창'),
  // '닥쳐' is also 'to be imminent' (시험이 닥쳐서): only as a whole word.
  ...word('닥쳐 닥쳐라 닥쳐요 닥치라고 닥치세요'),
  // Hate speech: misogyny/misandry, ageism, nationality, race, sexuality, politics.
  ...infix('한남충 한녀충 김치녀 된장녀 맘충 틀딱 급식충 짱깨 짱개 쪽바리 깜둥이 똥꼬충 빨갱이'),
  // Initial-consonant abbreviations: they match only letters typed on their own (ㅅㅂ), never the inside of syllables.
  ...infix('ㅅㅂ ㅆㅂ ㅂㅅ ㅈㄹ ㄱㅅㄲ ㅈㄴ ㄷㅊ ㄲㅈ'),
  // ㅗ is the raised middle finger; only alone (ㅗㅗ), never inside ㅗㅜㅑ.
  ...word('ㅗ'),
];

export const ENGLISH: readonly LexiconEntry[] = [
  ...infix('fuck fvck bitch asshole arsehole'),
  ...word('biatch biotch fck fuk fuking fukin fuker fcuk fcking fuq phuck stfu gtfo kys'),
  ...prefix('shit cunt whore slut bastard dickhead cocksucker douchebag dildo motherfucker'),
  ...word('bullshit bullshits dipshit dipshits horseshit batshit apeshit chickenshit'),
  ...word('ass asses arse dumbass jackass smartass fatass asshat asswipe pussy pussies'),
  ...word('twat twats wank wanker wankers wanking bollocks'),
  // Slurs.
  ...prefix('nigger sandnigger faggot wetback raghead towelhead'),
  ...word('nigga niggas niggaz fag fags kike kikes spic spics gook gooks tranny trannies retard retards retarded dyke dykes paki pakis'),
];

/** Innocent words that contain a listed one; a match wholly inside one of these is not a hit. */
export const ALLOW: readonly string[] = [
  '시발점', '시발역', '시발택시', '시발자동차', '시발표', '동시발', '등신대', '등신불',
  // ㅂㅅㅂ is a face (like ㅇㅅㅇ), not 병신 + 씨발.
  'ㅂㅅㅂ',
  'shiitake', 'shitake', 'shitzu',
];
