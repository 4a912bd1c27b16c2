import { describe, expect, it } from 'vitest';
import { containsLink } from './links.js';

describe(containsLink.name, () => {
  it.each([
    'see https://example.org/path',
    'http://x',
    'www.example.net',
    'go to example.com now',
    'Example.COM',
    'bit.ly/abc',
    'discord.gg/xyz',
    't.me/channel',
    'mail me at a@b.com',
    'shop.example.co.kr',
    '192.168.0.1',
    'example dot com',
    'example (dot) com',
    'example [dot] com',
    'example(.)com',
    'example . com',
    'example。com',
    'ｅｘａｍｐｌｅ．ｃｏｍ',
    'exa\u200Bmple.com',
    'еxample.com', // Cyrillic е
    '네이버닷컴',
    '네이버 닷컴',
    '구글.한국.kr',
  ])('finds a link in %s', (text) => {
    expect(containsLink(text)).toBe(true);
  });

  it.each([
    'node.js is great',
    'e.g. this one',
    'i.e. that one',
    'version 3.5',
    'v1.2.3',
    'ok.so what',
    'Mr.Smith',
    'hello...world',
    'the dot com bubble',
    '시간은 3.5시간',
    '편의점 가자',
    '1.2.3.4.5',
    'ㅋㅋㅋ.ㅋㅋ',
  ])('finds no link in %s', (text) => {
    expect(containsLink(text)).toBe(false);
  });
});
