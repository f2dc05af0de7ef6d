import { encodeJson, okReplyDataJson } from './codec';

describe('okReplyDataJson', () => {
  it("cuts an ok reply's data out as the JSON text it was encoded as", () => {
    const data = { items: [{ id: '1', text: 'a "quoted" }' }], meta: { next: null } };
    const json = okReplyDataJson(encodeJson({ ok: true, data }));
    expect(json).toBe(JSON.stringify(data));
    expect(JSON.parse(json as string)).toEqual(data);
    expect(okReplyDataJson(encodeJson({ ok: true, data: 'x' }))).toBe('"x"');
  });

  it('leaves error replies and other shapes to be decoded', () => {
    const error = { ok: false, error: { code: 'ERR_X', message: 'no' } };
    expect(okReplyDataJson(encodeJson(error))).toBeUndefined();
    expect(okReplyDataJson(encodeJson({ data: 1, ok: true }))).toBeUndefined();
  });
});
