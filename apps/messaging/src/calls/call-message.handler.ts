import { Injectable } from '@nestjs/common';
import { DomainError, RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest, userConversationId } from '@parley/contracts';
import { ActionMessageWriter } from '../actions/action-message.writer';
import { ParticipantDirectory } from '../directory/participant-directory';
import { userEntity } from '../messages/message.mapper';

type R = typeof RPC.messaging;

/**
 * Stores a call's transition (presence owns the state) as a `call` message of the 1:1
 * conversation (reference §6.5): sender the caller, receiver the callee, `data.action` the
 * status, `entities.by` who made the transition, `for` the callee, `on` the call. One message per
 * session and status, however often presence asks (a retried sweep finds it stored).
 */
@Injectable()
export class CallMessageHandler {
  constructor(
    private readonly writer: ActionMessageWriter,
    private readonly directory: ParticipantDirectory,
  ) {}

  @RpcHandler(RPC.messaging.callMessageStore)
  async store({ appId, actor, call, deviceId }: RpcParsedRequest<R['callMessageStore']>) {
    const users = await this.directory.profiles(appId, [call.sender, call.receiver, actor]);
    for (const uid of [call.sender, call.receiver]) {
      if (!users.has(uid))
        throw new DomainError('ERR_UID_NOT_FOUND', `The user ${uid} does not exist.`);
    }
    const conversationId = userConversationId(call.sender, call.receiver);
    return this.writer.write(
      {
        appId,
        conversationId,
        sender: call.sender,
        receiver: call.receiver,
        receiverType: 'user',
        category: 'call',
        type: call.type,
        data: {
          action: call.status,
          entities: {
            by: { entity: userEntity(actor, users), entityType: 'user' },
            for: { entity: userEntity(call.receiver, users), entityType: 'user' },
            on: { entity: { ...call, conversationId }, entityType: 'call' },
          },
        },
        participants: { users, groups: new Map() },
        sourceEventId: `call:${call.sessionid}:${call.status}`,
      },
      { deviceId },
    );
  }
}
