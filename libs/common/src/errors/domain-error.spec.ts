import { ERROR_CODES, ErrorCode } from '@parley/contracts';
import { z } from 'zod';
import { DomainError, httpStatusFor, parseOrThrow, validationDetails } from './domain-error';

/** The details a schema reports for an input it refuses. */
function detailsOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  return validationDetails(result.error);
}

/** The DomainError a call throws, so several of its fields can be checked. */
function thrownBy(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

const UserBody = z
  .object({
    name: z.string().min(1, 'must not be empty'),
    profile: z
      .object({ email: z.email('must be an email') })
      .strict()
      .optional(),
    tags: z.array(z.string().max(3, 'at most 3 characters')).optional(),
  })
  .strict();

describe('validationDetails', () => {
  it('names each bad field by its dotted path, array indexes included', () => {
    const details = detailsOf(UserBody, {
      name: '',
      profile: { email: 'nope' },
      tags: ['ok', 'toolong'],
    });
    expect({ ...details }).toEqual({
      name: ['must not be empty'],
      'profile.email': ['must be an email'],
      'tags.1': ['at most 3 characters'],
    });
  });

  it('reports every unknown key under its own name, nested ones with their path', () => {
    const details = detailsOf(UserBody, {
      name: 'a',
      color: 'red',
      size: 2,
      profile: { email: 'a@b.co', x: 1 },
    });
    expect({ ...details }).toEqual({
      color: ['is not a known field'],
      size: ['is not a known field'],
      'profile.x': ['is not a known field'],
    });
  });

  it('reports a problem with the whole input under "body"', () => {
    expect({ ...detailsOf(UserBody, 'not an object') }).toEqual({ body: [expect.any(String)] });
  });

  it('collects several messages for one field', () => {
    const schema = z.object({
      uid: z
        .string()
        .min(3, 'too short')
        .regex(/^[a-z]+$/, 'letters only'),
    });
    expect(detailsOf(schema, { uid: '1' }).uid).toEqual(['too short', 'letters only']);
  });

  it('reports an unknown key named "__proto__" as a field, without touching any prototype', () => {
    // JSON.parse makes "__proto__" an own key, as a request body would.
    const details = detailsOf(UserBody, JSON.parse('{"name":"a","__proto__":{"polluted":true}}'));
    expect(Object.keys(details)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(details, '__proto__')?.value).toEqual([
      'is not a known field',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseOrThrow', () => {
  it("returns the parsed value, with the schema's transforms applied", () => {
    const schema = z.object({ uid: z.string().transform((s) => s.toLowerCase()) });
    expect(parseOrThrow(schema, { uid: 'Alice' })).toEqual({ uid: 'alice' });
  });

  it('throws ERR_BAD_REQUEST (HTTP 400) carrying the field details', () => {
    const err = thrownBy(() => parseOrThrow(UserBody, { name: '', extra: 1 }));
    expect(err.code).toBe('ERR_BAD_REQUEST');
    expect(httpStatusFor(err.code)).toBe(400);
    expect(err.toBody()).toEqual({
      code: 'ERR_BAD_REQUEST',
      message: expect.any(String),
      details: { name: ['must not be empty'], extra: ['is not a known field'] },
    });
  });
});

describe('DomainError', () => {
  it('defaults its message to the catalogue text', () => {
    const err = new DomainError('ERR_UID_NOT_FOUND');
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(ERROR_CODES.ERR_UID_NOT_FOUND.message);
    expect(err.toBody()).toEqual({
      code: 'ERR_UID_NOT_FOUND',
      message: ERROR_CODES.ERR_UID_NOT_FOUND.message,
    });
  });

  it('survives the trip through an RPC reply body: code, message and details', () => {
    const sent = new DomainError('ERR_BAD_REQUEST', 'bad', { uid: ['is required'] });
    const received = DomainError.fromBody(JSON.parse(JSON.stringify(sent.toBody())));
    expect(received).toBeInstanceOf(DomainError);
    expect(received.toBody()).toEqual(sent.toBody());
  });

  it.each([
    ['a code not in the catalogue', { code: 'ERR_FROM_THE_FUTURE', message: 'x' }],
    ['an inherited property name', { code: 'toString', message: 'x' }],
    ['no code at all', { message: 'x' }],
    ['no body', undefined],
    ['a string body', 'boom'],
  ])('turns %s into ERR_EXCEPTION', (_case, body) => {
    const err = DomainError.fromBody(body);
    expect(err.code).toBe('ERR_EXCEPTION');
    expect(httpStatusFor(err.code)).toBe(500);
  });

  it('falls back to the catalogue text when the body has no message', () => {
    expect(DomainError.fromBody({ code: 'ERR_GUID_NOT_FOUND' }).message).toBe(
      ERROR_CODES.ERR_GUID_NOT_FOUND.message,
    );
  });
});

describe('httpStatusFor', () => {
  it.each<[ErrorCode, number]>([
    ['AUTH_ERR_EMPTY_APPID', 401],
    ['AUTH_ERR_APIKEY_NOT_FOUND', 401],
    ['AUTH_ERR_NO_ACCESS', 403],
    ['ERR_APIKEY_NO_SELF_ACTION', 403],
    ['ERR_PLAN_QUOTA_RESTRICTION', 403],
    ['ERR_UID_NOT_FOUND', 404],
    ['ERR_UID_ALREADY_EXISTS', 409],
    ['ERR_PAYLOAD_TOO_LARGE', 413],
    ['ERR_UNSUPPORTED_MEDIA_TYPE', 415],
    ['ERR_TOO_MANY_REQUESTS', 429],
    ['ERR_EXCEPTION', 500],
    ['ERR_SERVICE_UNAVAILABLE', 503],
  ])('maps %s to %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });
});
