import { describe, expect, it } from 'vitest';
import { maskSpans } from './mask.js';
import { findProfanity } from './profanity.js';

const hits = (text: string): string[] => [...new Set(findProfanity(text).map((m) => m.term.hit))];
const masked = (text: string): string => maskSpans(text, findProfanity(text));

describe(findProfanity.name, () => {
  describe('Korean', () => {
    it.each([
      ['씨발', '**'],
      ['시발 진짜', '** 진짜'],
      ['이 씨발놈아', '이 **놈아'],
      ['병신', '**'],
      ['개새끼야', '***야'],
      ['지랄하네', '**하네'],
      ['좆같네', '**네'],
      ['닥쳐', '**'],
      ['존나 웃기네', '** 웃기네'],
      ['한남충 김치녀', '*** ***'],
    ])('finds %s', (text, expected) => {
      expect(hits(text)).toEqual(['profanity:ko']);
      expect(masked(text)).toBe(expected);
    });

    it.each([
      ['ㅅㅂ', '**'],
      ['ㅆㅂ 뭐야', '** 뭐야'],
      ['ㅆ ㅂ', '* *'],
      ['ㅅ.ㅂ', '***'],
      ['ㅂㅅ', '**'],
      ['ㅄ', '*'],
      ['ㅈㄹ', '**'],
      ['ㄱㅅㄲ', '***'],
      ['ㅋㅋㅅㅂㅋㅋ', 'ㅋㅋ**ㅋㅋ'],
    ])('finds the initial-consonant abbreviation %s', (text, expected) => {
      expect(hits(text)).toEqual(['profanity:ko']);
      expect(masked(text)).toBe(expected);
    });

    it.each([
      ['씨 발', '* *'],
      ['씨.발', '***'],
      ['개 새 끼', '* * *'],
      ['씨이이발', '****'],
      ['조오온나', '****'],
      ['ㅆㅣㅂㅏㄹ', '*****'],
      ['ㅆㅣ ㅂㅏㄹ', '** ***'],
      ['씨발'.normalize('NFD'), '**'],
      ['ㅆ발', '**'],
      ['병ㅅ', '**'],
      ['개ㅅㄲ', '***'],
      ['ㅈ같네', '**네'],
      ['ㅅ1발', '***'],
      ['ㅅl발', '***'],
      ['씨8', '**'],
      ['씹발', '**'],
    ])('sees through the evasion %s', (text, expected) => {
      expect(hits(text)).toEqual(['profanity:ko']);
      expect(masked(text)).toBe(expected);
    });

    it.each([
      '시발점에서 다시 출발했다',
      '출시발표회 보셨어요?',
      '동시발생 사건',
      '수박씨 발라 먹어',
      '아저씨 발 냄새',
      '시험이 닥쳐서 공부해야 해',
      '불이 꺼져 있었다',
      '새끼손가락 걸고 약속해',
      '강아지가 새끼를 낳았다',
      '보지 마세요',
      '미친 듯이 웃었다',
      '5개년 계획을 세웠다',
      '신발 샀어',
      '씨앗을 심었다',
      '시인이 되고 싶다',
      '등신대 굿즈 나왔다',
      '조조는 삼국지 인물',
      '개강했다',
      '엇박자로 들어가',
      '개발자 모집',
      '시바견 귀여워',
      '아저씨바로 와요',
      'ㅋㅋㅋㅋㅋ',
      'ㅂㅅㅂ',
      'ㅇㅅㅇ',
      'ㄱㅅ ㅅㄱ',
      'ㅗㅜㅑ',
      '감사합니다 수고하세요',
      '오늘 방송 재밌었어요',
    ])('leaves the ordinary Korean text %s alone', (text) => {
      expect(findProfanity(text)).toEqual([]);
    });
  });

  describe('English', () => {
    it.each([
      ['fuck', '****'],
      ['What the FUCK!!!', 'What the ****!!!'],
      ['motherfucker', '************'],
      ['this is bullshit', 'this is ********'],
      ['shitty stream', '****** stream'],
      ['you bitch', 'you *****'],
      ['kiss my ass', 'kiss my ***'],
      ['cunts', '*****'],
      ['asshole', '*******'],
    ])('finds %s', (text, expected) => {
      expect(hits(text)).toEqual(['profanity:en']);
      expect(masked(text)).toBe(expected);
    });

    it.each(['nigger', 'niggas', 'faggot', 'kike', 'spic', 'tranny', 'retard'])('finds the slur %s', (text) => {
      expect(hits(text)).toEqual(['profanity:en']);
    });

    it.each([
      ['f u c k', '* * * *'],
      ['f.u.c.k', '*******'],
      ['fu ck', '** **'],
      ['fuuuuuck', '********'],
      ['f*ck', '****'],
      ['f**k', '****'],
      ['sh1t', '****'],
      ['sh!t', '****'],
      ['$hit', '****'],
      ['5hit', '****'],
      ['b1tch', '*****'],
      ['a$$hole', '*******'],
      ['@ss', '***'],
      ['n1gg3r', '******'],
      ['ｆｕｃｋ', '****'],
      ['𝐟𝐮𝐜𝐤', '****'],
      ['f\u200Buck', '*****'],
      ['fuсk', '****'],
      ['ѕһіt', '****'],
      ['ƒuck', '****'],
    ])('sees through the evasion %s', (text, expected) => {
      expect(hits(text)).toEqual(['profanity:en']);
      expect(masked(text)).toBe(expected);
    });

    it.each([
      'class',
      'assistant',
      'Scunthorpe',
      'passion',
      'bass guitar',
      'cocktail',
      'Dickens',
      'Moby Dick',
      'Hancock',
      'assassin',
      'shiitake mushrooms',
      'Matsushita',
      'Yoshitaka',
      'therapist',
      'analysis',
      'cumbersome',
      'pussycat',
      'snigger',
      'niggardly',
      'Niger',
      'spick and span',
      'Wankel engine',
      'scrapbook',
      "it's hit or miss",
      'he has hit the target',
      'push it',
      'peacock',
      'cockpit',
      'bitcoin',
      'assume',
      'embarrass',
      'harass',
      'compass',
      'spicy',
      'Pakistan',
      'Essex',
      'arsenal',
      'sparse',
      'cunning',
      'Phuket',
      'Fukushima',
      'flame retardant',
      'I scored 455 points',
      'as soon as possible',
      'shell',
      'title',
    ])('leaves the ordinary English text %s alone', (text) => {
      expect(findProfanity(text)).toEqual([]);
    });
  });

  it('reports both languages in a mixed message and masks each word in place', () => {
    const text = 'ㅋㅋ fuck 씨발 ok';
    expect(hits(text)).toEqual(['profanity:en', 'profanity:ko']);
    expect(masked(text)).toBe('ㅋㅋ **** ** ok');
  });
});
