import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StreamLog } from './stream-log';
import { subjectMatches } from './subject-pattern';

const retention = { maxAgeMs: 60_000, duplicateWindowMs: 1_000 };
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

describe('StreamLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-stream-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it stored, in sequence, after a reopen', () => {
    const log = StreamLog.open(dir, 'S', retention, 0);
    expect(log.append('a.b', bytes('{"n":1}'), 'id1', { 'x-h': 'v' }, 0)).toBe(1);
    expect(log.append('a.c', bytes('{"n":2}'), 'id2', {}, 0)).toBe(2);
    log.close();
    const again = StreamLog.open(dir, 'S', retention, 10);
    expect(again.lastSeq).toBe(2);
    expect(again.get(1)).toMatchObject({ subject: 'a.b', msgId: 'id1', headers: { 'x-h': 'v' } });
    expect(text(again.get(2)?.data)).toBe('{"n":2}');
    again.close();
  });

  it('drops a repeated msgId within the window, also after a reopen, and takes it after', () => {
    const log = StreamLog.open(dir, 'S', retention, 0);
    expect(log.append('a', bytes('1'), 'same', {}, 0)).toBe(1);
    expect(log.append('a', bytes('1'), 'same', {}, 500)).toBeUndefined();
    log.close();
    const again = StreamLog.open(dir, 'S', retention, 600);
    expect(again.append('a', bytes('1'), 'same', {}, 600)).toBeUndefined();
    expect(again.append('a', bytes('1'), 'same', {}, 1_500)).toBe(2);
    again.close();
  });

  it('ignores a torn last line', () => {
    const log = StreamLog.open(dir, 'S', retention, 0);
    log.append('a', bytes('1'), 'id1', {}, 0);
    log.close();
    appendFileSync(path.join(dir, 'S.stream'), '{"seq":2,"subj');
    const again = StreamLog.open(dir, 'S', retention, 0);
    expect(again.lastSeq).toBe(1);
    expect(again.append('a', bytes('2'), 'id2', {}, 0)).toBe(2);
    again.close();
    expect(StreamLog.open(dir, 'S', retention, 0).lastSeq).toBe(2);
  });

  it('drops messages past their age at open, and never reuses their sequences', () => {
    const log = StreamLog.open(dir, 'S', retention, 0);
    log.append('a', bytes('1'), 'id1', {}, 0);
    log.append('a', bytes('2'), 'id2', {}, 50_000);
    log.close();
    const later = StreamLog.open(dir, 'S', retention, 100_000);
    expect([later.get(1), text(later.get(2)?.data)]).toEqual([undefined, '2']);
    later.close();
    const empty = StreamLog.open(dir, 'S', retention, 200_000);
    expect(empty.get(2)).toBeUndefined();
    expect(empty.append('a', bytes('3'), 'id3', {}, 200_000)).toBe(3);
    empty.close();
    expect(readFileSync(path.join(dir, 'S.stream'), 'utf8').split('\n')[0]).toBe('{"dropped":2}');
  });
});

describe('subjectMatches', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['*.b.*', 'x.b.y', true],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
  ])('%s against %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});
