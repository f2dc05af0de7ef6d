import { hasUnsafeText } from './safe-text';

/** `value` wrapped in `levels` arrays. */
function nested(levels: number, value: unknown): unknown {
  let out = value;
  for (let i = 0; i < levels; i++) out = [out];
  return out;
}

describe('hasUnsafeText', () => {
  it.each([
    ['plain text', 'hello'],
    ['emoji (a valid surrogate pair)', 'hi 😀'],
    ['non-Latin text', 'こんにちは مرحبا'],
    ['an empty string', ''],
    ['numbers, booleans and null', [1, true, false, null]],
    [
      'an ordinary message body',
      { receiver: 'bob', data: { text: 'hi', metadata: { tags: ['a', 'b'], n: 2 } } },
    ],
    ['ten levels of nesting', nested(10, 'x')],
  ])('accepts %s', (_case, value) => {
    expect(hasUnsafeText(value)).toBe(false);
  });

  it.each([
    ['a NUL character', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a reversed surrogate pair', '\ude00\ud83d'],
  ])('refuses a string with %s', (_case, text) => {
    expect(hasUnsafeText(text)).toBe(true);
  });

  it('finds unsafe text deep inside objects and arrays', () => {
    expect(hasUnsafeText({ data: { metadata: { list: ['ok', { note: 'x\u0000' }] } } })).toBe(true);
  });

  it('checks object keys as well as values', () => {
    expect(hasUnsafeText({ data: { 'bad\u0000key': 'fine' } })).toBe(true);
    expect(hasUnsafeText(JSON.parse('{"k\\ud800": 1}'))).toBe(true);
  });

  it('refuses absurdly deep input instead of recursing without bound', () => {
    expect(hasUnsafeText(nested(100_000, 'x'))).toBe(true);
  });
});
