import { ok, okJson, pageAsList } from './envelope';

describe('okJson', () => {
  it('writes what `ok` gives, encoded', () => {
    const data = { id: '7', data: { text: 'hi' }, tags: [] };
    expect(okJson(JSON.stringify(data))).toBe(JSON.stringify(ok(data)));
  });
});

describe('pageAsList', () => {
  const page = {
    items: [{ id: '1', data: { text: '{"items":' } }],
    meta: { current: { count: 1 } },
  };

  it('renames the first key of a page written items first, leaving the rest as it was', () => {
    const text = pageAsList(JSON.stringify(page));
    expect(text).toBe(JSON.stringify({ data: page.items, meta: page.meta }));
  });

  it('reshapes a page written in another key order', () => {
    const text = pageAsList(JSON.stringify({ meta: page.meta, items: page.items }));
    expect(JSON.parse(text)).toEqual({ data: page.items, meta: page.meta });
  });
});
