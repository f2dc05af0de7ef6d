import { Injectable } from '@nestjs/common';
import { toSeconds } from '@parley/common';
import { Message } from '@parley/contracts';
import { MarkKind, MarkRow } from './receipt.entity';
import { ReceiptRepository } from './receipt.repository';

/**
 * The receipt fields of messages (reference §5.4; the client SDK's `deliveredAt`, `readAt`,
 * `deliveredToMeAt`, `readByMeAt`): a 1:1 message's `deliveredAt`/`readAt` are when its receiver
 * received and read it; the viewer's own receipt of a message sent to them or to their group is
 * `deliveredToMeAt`/`readByMeAt`. One query for a page: the marks covering its seq range.
 */
@Injectable()
export class ReceiptViews {
  constructor(private readonly receipts: ReceiptRepository) {}

  async decorate(appId: string, viewer: string | undefined, messages: Message[]): Promise<void> {
    const ranges = new Map<
      string,
      { conversationId: string; lo: number; hi: number; uid?: string }
    >();
    for (const m of messages) {
      if (m.receiverType === 'group' && (viewer === undefined || m.sender === viewer)) continue;
      const r = ranges.get(m.conversationId);
      if (r) {
        r.lo = Math.min(r.lo, m.seq);
        r.hi = Math.max(r.hi, m.seq);
      } else {
        // A group's marks are many: only the viewer's are read.
        const uid = m.receiverType === 'group' ? viewer : undefined;
        ranges.set(m.conversationId, {
          conversationId: m.conversationId,
          lo: m.seq,
          hi: m.seq,
          uid,
        });
      }
    }
    if (!ranges.size) return;
    const marks = await this.receipts.marksCovering(appId, [...ranges.values()]);
    if (!marks.length) return;
    const at = (m: Message, uid: string, kind: MarkKind) => coveringTime(marks, m, uid, kind);
    for (const m of messages) {
      if (m.receiverType === 'user') {
        setIf(m, 'deliveredAt', at(m, m.receiver, 'delivered'));
        setIf(m, 'readAt', at(m, m.receiver, 'read'));
      }
      if (viewer !== undefined && m.sender !== viewer) {
        setIf(m, 'deliveredToMeAt', at(m, viewer, 'delivered'));
        setIf(m, 'readByMeAt', at(m, viewer, 'read'));
      }
    }
  }
}

function coveringTime(
  marks: MarkRow[],
  m: Message,
  uid: string,
  kind: MarkKind,
): number | undefined {
  const mark = marks.find(
    (r) =>
      r.conversation_id === m.conversationId &&
      r.uid === uid &&
      r.kind === kind &&
      Number(r.from_seq) < m.seq &&
      m.seq <= Number(r.to_seq),
  );
  return mark ? toSeconds(new Date(mark.marked_at)) : undefined;
}

function setIf(
  m: Message,
  key: 'deliveredAt' | 'readAt' | 'deliveredToMeAt' | 'readByMeAt',
  v: number | undefined,
) {
  if (v !== undefined) m[key] = v;
}
