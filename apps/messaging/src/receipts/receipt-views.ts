import { Injectable } from '@nestjs/common';
import { toSeconds } from '@parley/common';
import { Message, MessageReceipt } from '@parley/contracts';
import { ParticipantDirectory } from '../directory/participant-directory';
import { userEntity } from '../messages/message.mapper';
import { MarkKind, MarkRow } from './receipt.entity';
import { GROUP_MARK_UID, ReceiptRepository } from './receipt.repository';

/**
 * The receipt fields of messages (reference §5.4; the client SDK's `deliveredAt`, `readAt`,
 * `deliveredToMeAt`, `readByMeAt`): a 1:1 message's `deliveredAt`/`readAt` are when its receiver
 * received and read it; a group message's, when the whole group had (`deliveredToAll`,
 * `readByAll`; groups of up to 300 members); the viewer's own receipt of a message sent to them or
 * to their group is `deliveredToMeAt`/`readByMeAt`. One query for a page: the marks covering its
 * seq range (of a group, only the group's and the viewer's).
 */
@Injectable()
export class ReceiptViews {
  constructor(
    private readonly receipts: ReceiptRepository,
    private readonly directory: ParticipantDirectory,
  ) {}

  /**
   * One message as its sender gets it: with `receipts.data`, each receiver who
   * received it (`recipient`, `deliveredAt`, `readAt`), the first 100 by uid, which the client
   * SDK's getMessageReceipts reads. `GET /messages/{id}/receipts` pages through all of them.
   */
  async withReceiptList(appId: string, message: Message): Promise<Message> {
    const page = await this.receiptPage(appId, message, 100, 0);
    if (!page.items.length) return message; // none yet: the SDK reads a missing list as empty
    return {
      ...message,
      receipts: {
        data: page.items.map(({ recipient, deliveredAt, readAt }) => ({
          recipient,
          ...(deliveredAt !== undefined ? { deliveredAt } : {}),
          ...(readAt !== undefined ? { readAt } : {}),
        })),
      },
    };
  }

  /** Who besides its sender received and read `message`, one page, with the total. */
  async receiptPage(
    appId: string,
    message: Message,
    limit: number,
    offset: number,
  ): Promise<{ items: MessageReceipt[]; total: number }> {
    const rows = await this.receipts.receiptsOf(
      appId,
      message.conversationId,
      message.seq,
      message.sender,
      limit,
      offset,
    );
    const users = await this.directory.usersForDisplay(
      appId,
      rows.map((r) => r.uid),
    );
    const items = rows.map((r) => {
      const receipt: MessageReceipt = { uid: r.uid, recipient: userEntity(r.uid, users) };
      if (r.delivered_at) receipt.deliveredAt = toSeconds(new Date(r.delivered_at));
      if (r.read_at) receipt.readAt = toSeconds(new Date(r.read_at));
      return receipt;
    });
    return { items, total: Number(rows[0]?.total ?? 0) };
  }

  async decorate(appId: string, viewer: string | undefined, messages: Message[]): Promise<void> {
    this.applyMarks(viewer, messages, await this.marksFor(appId, viewer, messages));
  }

  /**
   * The marks `decorate` reads for these messages (one query; none when there is nothing to
   * cover): asked for before the messages are rendered, so the two overlap.
   */
  async marksFor(
    appId: string,
    viewer: string | undefined,
    messages: ReadonlyArray<Pick<Message, 'conversationId' | 'seq' | 'sender' | 'receiverType'>>,
  ): Promise<MarkRow[]> {
    const ranges = new Map<
      string,
      { conversationId: string; lo: number; hi: number; uid?: string }
    >();
    const cover = (m: (typeof messages)[number], uid: string | undefined) => {
      const key = `${m.conversationId}|${uid ?? ''}`;
      const r = ranges.get(key);
      if (r) {
        r.lo = Math.min(r.lo, m.seq);
        r.hi = Math.max(r.hi, m.seq);
      } else ranges.set(key, { conversationId: m.conversationId, lo: m.seq, hi: m.seq, uid });
    };
    for (const m of messages) {
      if (m.receiverType === 'user') cover(m, undefined);
      else {
        cover(m, GROUP_MARK_UID);
        if (viewer !== undefined && m.sender !== viewer) cover(m, viewer);
      }
    }
    if (!ranges.size) return [];
    return this.receipts.marksCovering(appId, [...ranges.values()]);
  }

  /** Sets the receipt fields of `messages` from `marks` (see marksFor). */
  applyMarks(viewer: string | undefined, messages: Message[], marks: MarkRow[]): void {
    if (!marks.length) return;
    const at = (m: Message, uid: string, kind: MarkKind) => coveringTime(marks, m, uid, kind);
    for (const m of messages) {
      const receiver = m.receiverType === 'user' ? m.receiver : GROUP_MARK_UID;
      setIf(m, 'deliveredAt', at(m, receiver, 'delivered'));
      setIf(m, 'readAt', at(m, receiver, 'read'));
      if (m.receiverType === 'group') {
        if (m.deliveredAt !== undefined) m.deliveredToAll = true;
        if (m.readAt !== undefined) m.readByAll = true;
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
