import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENTS, STREAMS } from '../subjects';
import { renderEventCatalogue } from './event-catalogue';

const DOC = path.resolve(__dirname, '../../../../docs/events.md');

describe('docs/events.md', () => {
  it('is what the contracts generate (run `npm run docs:events` after changing an event)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderEventCatalogue());
  });

  it('documents every event and every stream', () => {
    const doc = renderEventCatalogue();
    for (const events of Object.values(EVENTS)) {
      for (const def of Object.values(events)) {
        expect(doc).toContain(`\`${def.subject('<appId>')}\``);
      }
    }
    for (const s of STREAMS) expect(doc).toContain(`\`${s.name}\``);
  });

  it('gives every event an example its own schema accepts', () => {
    const doc = renderEventCatalogue();
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));
    const defs = Object.values(EVENTS).flatMap((events) => Object.values(events));
    expect(examples).toHaveLength(defs.length);
    defs.forEach((def, i) => {
      const parsed = def.schema.safeParse(examples[i]);
      expect([def.name, parsed.success ? 'ok' : parsed.error.issues]).toEqual([def.name, 'ok']);
    });
  });
});
