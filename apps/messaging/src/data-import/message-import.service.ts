import { Injectable } from '@nestjs/common';
import { DomainError } from '@parley/common';
import { MessageImportItem, MessageImportResult } from '@parley/contracts';
import { messageContent } from '../messages/message-content';
import { MessageService } from '../messages/message.service';
import { SendRules } from '../messages/send-rules';

/**
 * POST /data_import/messages (reference §4.11): history from elsewhere, keyed by muid. Each message
 * is stored in its own transaction, in `sentAt` order (then muid), so within a batch seq order is
 * sentAt order, and one bad item fails alone. A muid already stored for its sender returns the
 * stored message and changes nothing, so importing a batch again is harmless. An imported message
 * keeps its `sentAt`, is delivered to nobody in real time and stages no `message.created` event:
 * it is history, not news.
 */
@Injectable()
export class MessageImportService {
  constructor(
    private readonly messages: MessageService,
    private readonly rules: SendRules,
  ) {}

  async import(appId: string, items: MessageImportItem[]): Promise<MessageImportResult> {
    const ordered = [...items].sort(
      (a, b) => a.sentAt - b.sentAt || (a.muid < b.muid ? -1 : a.muid > b.muid ? 1 : 0),
    );
    const result: MessageImportResult = {};
    for (const item of ordered) {
      try {
        result[item.muid] = { success: true, data: await this.importOne(appId, item) };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        result[item.muid] = { success: false, error: { code: err.code, message: err.message } };
      }
    }
    return result;
  }

  private async importOne(appId: string, item: MessageImportItem) {
    const content = messageContent({
      receiver: item.receiver,
      receiverType: item.receiverType,
      category: item.category,
      type: item.type,
      data: item.data,
      tags: item.tags,
      muid: item.muid,
    });
    const { message } = await this.messages.write(
      appId,
      item.sender,
      content,
      (c) => this.rules.checkImport(appId, item.sender, c),
      { sentAt: new Date(item.sentAt * 1000), event: false },
    );
    return message;
  }
}
