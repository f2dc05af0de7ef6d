import { Injectable } from '@nestjs/common';
import { DomainError, RpcHandler } from '@parley/common';
import {
  Call,
  groupConversationId,
  GroupSnapshot,
  RPC,
  RpcParsedRequest,
  userConversationId,
} from '@parley/contracts';
import { ActionMessageWriter } from '../actions/action-message.writer';
import { ParticipantDirectory } from '../directory/participant-directory';
import { userEntity } from '../messages/message.mapper';
import { SendRules } from '../messages/send-rules';

type R = typeof RPC.messaging;

/**
 * Stores a call's transition (presence owns the state) as a `call` message of the call's
 * conversation (reference §6.5): sender the caller, receiver the callee or the group,
 * `data.action` the status (or a group member's step), `entities.by` who made it, `for` the
 * callee or group, `on` the call (its `status` is the action too: the SDK's call listeners go by
 * it, so a member who leaves or declines does not ring the group again), whose own `data.entities.sender`/`receiver` name the caller and
 * the callee or group as the SDK reads them. A call is placed only where a message could be sent
 * (SendRules). One message per session and status (per `version`
 * in a group call), however often presence asks (a retried sweep finds it stored).
 */
@Injectable()
export class CallMessageHandler {
  constructor(
    private readonly writer: ActionMessageWriter,
    private readonly directory: ParticipantDirectory,
    private readonly rules: SendRules,
  ) {}

  @RpcHandler(RPC.messaging.callMessageStore)
  async store({ appId, actor, call, action, deviceId }: RpcParsedRequest<R['callMessageStore']>) {
    if ((action ?? call.status) === 'initiated') {
      // A call reaches whom a message would: refused as a send would be (blocks, membership,
      // deactivated users, a friends-only role), and then presence forgets the call.
      await this.rules.check(appId, call.sender, {
        receiver: call.receiver,
        receiverType: call.receiverType,
        category: 'call',
        type: call.type,
        data: {},
        tags: [],
      });
    }
    const group = call.receiverType === 'group';
    const users = await this.directory.profiles(
      appId,
      group ? [call.sender, actor] : [call.sender, call.receiver, actor],
    );
    for (const uid of group ? [call.sender] : [call.sender, call.receiver]) {
      if (!users.has(uid))
        throw new DomainError('ERR_UID_NOT_FOUND', `The user ${uid} does not exist.`);
    }
    const groups = new Map<string, GroupSnapshot>();
    let callee: { entity: Record<string, unknown>; entityType: 'user' | 'group' };
    if (group) {
      const snapshot = await this.directory.group(appId, call.receiver);
      if (!snapshot) {
        throw new DomainError('ERR_GUID_NOT_FOUND', `The guid ${call.receiver} does not exist.`);
      }
      groups.set(call.receiver, snapshot);
      callee = { entity: snapshot, entityType: 'group' };
    } else {
      callee = { entity: userEntity(call.receiver, users), entityType: 'user' };
    }
    const conversationId = group
      ? groupConversationId(call.receiver)
      : userConversationId(call.sender, call.receiver);
    const caller = { entity: userEntity(call.sender, users), entityType: 'user' };
    return this.writer.write(
      {
        appId,
        conversationId,
        sender: call.sender,
        receiver: call.receiver,
        receiverType: call.receiverType,
        category: 'call',
        type: call.type,
        data: {
          action: action ?? call.status,
          entities: {
            by: { entity: userEntity(actor, users), entityType: 'user' },
            for: callee,
            on: {
              entity: {
                ...call,
                status: action ?? call.status,
                conversationId,
                data: { entities: { sender: caller, receiver: callee } },
              },
              entityType: 'call',
            },
          },
        },
        participants: { users, groups },
        sourceEventId: eventIdOf(call, action),
      },
      { deviceId },
    );
  }
}

/** One message per 1:1 call and status; per group call and version (a member's every step). */
function eventIdOf(call: Call, action?: string): string {
  return call.version !== undefined
    ? `call:${call.sessionid}:v${call.version}`
    : `call:${call.sessionid}:${action ?? call.status}`;
}
