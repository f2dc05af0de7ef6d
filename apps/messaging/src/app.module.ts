import { Module } from '@nestjs/common';
import {
  AppErasureConsumer,
  PlatformModule,
  ServiceModuleOptions,
  UserDataEraser,
  userErasureReportHandler,
  userErasuresMigration,
  UserErasureConsumer,
  userExportHandler,
} from '@parley/common';
import { RPC } from '@parley/contracts';
import { ActionHandler } from './actions/action.handler';
import { CallLog } from './calls/call-log';
import { CallMessageHandler } from './calls/call-message.handler';
import { ActionLookup } from './actions/action-lookup';
import { ActionMessageWriter } from './actions/action-message.writer';
import { ActionRepository } from './actions/action.repository';
import { MembershipActions } from './actions/membership-actions';
import { MembershipActionsConsumer } from './actions/membership-actions.consumer';
import { DirectoryConsumer } from './directory/directory.consumer';
import { DirectoryEvents } from './directory/directory-events';
import { DirectoryRepository } from './directory/directory.repository';
import { ParticipantDirectory } from './directory/participant-directory';
import { MessageDelivery } from './messages/message-delivery';
import { MessageHandler } from './messages/message.handler';
import { MessageRepository } from './messages/message.repository';
import { MessageService } from './messages/message.service';
import { MessageViews } from './messages/message-views';
import { SendRules } from './messages/send-rules';
import { MessageLifecycleHandler } from './lifecycle/message-lifecycle.handler';
import { MessageLifecycleRepository } from './lifecycle/message-lifecycle.repository';
import { MessageLifecycleService } from './lifecycle/message-lifecycle.service';
import { MessagingInitial1764400000000 } from './migrations/1764400000000-messaging-initial';
import { MessageSocial1764510000000 } from './migrations/1764510000000-message-social';
import { InteractionHandler } from './interactions/interaction.handler';
import { InteractionRepository } from './interactions/interaction.repository';
import { InteractionService } from './interactions/interaction.service';
import { MessageMentions } from './messages/mentions';
import { ViewerExtras } from './messages/viewer-extras';
import { ReactionHandler } from './reactions/reaction.handler';
import { ReactionRepository } from './reactions/reaction.repository';
import { ReactionService } from './reactions/reaction.service';
import { ConversationsReceipts1764520000000 } from './migrations/1764520000000-conversations-receipts';
import { ConversationAccess } from './conversations/conversation-access';
import { ConversationHandler } from './conversations/conversation.handler';
import { ConversationRepository } from './conversations/conversation.repository';
import { ConversationService } from './conversations/conversation.service';
import { ReceiptDelivery } from './receipts/receipt-delivery';
import { ReceiptMarksErasure } from './receipts/receipt-erasure';
import { ReceiptHandler } from './receipts/receipt.handler';
import { ReceiptRepository } from './receipts/receipt.repository';
import { ReceiptService } from './receipts/receipt.service';
import { ReceiptViews } from './receipts/receipt-views';
import { MessageLifecycle1764500000000 } from './migrations/1764500000000-message-lifecycle';
import { MessagingRulesThreadsImport1764530000000 } from './migrations/1764530000000-messaging-rules-threads-import';
import { MessageImportHandler } from './data-import/message-import.handler';
import { MessageImportService } from './data-import/message-import.service';
import {
  DirectoryErasure,
  ProfileCopiesErasure,
  ReadPositionsErasure,
  RevisionsErasure,
  SentMessagesErasure,
  SocialErasure,
} from './erasure/erasure-steps';
import { USER_ERASURE_STEPS, UserErasure, UserErasureStep } from './erasure/user-erasure';

export const MESSAGING_DATABASE = {
  schema: 'messaging',
  // Raw SQL throughout (see the repositories); the outbox entity is added by the platform.
  entities: [],
  migrations: [
    MessagingInitial1764400000000,
    MessageLifecycle1764500000000,
    MessageSocial1764510000000,
    ConversationsReceipts1764520000000,
    MessagingRulesThreadsImport1764530000000,
    userErasuresMigration('messaging', 1764600000000),
  ],
};

/**
 * What messaging exports of a user beyond the rows naming them (uid, sender, either party): calls
 * to them, edits they made, and their conversations (those they hold a position in).
 */
const MESSAGING_USER_EXPORT = {
  messages: `"receiver" = $2 AND "receiver_type" = 'user' AND "category" = 'call'`,
  message_revisions: `"edited_by" = $2`,
  conversations: `"conversation_id" IN (SELECT "conversation_id" FROM "messaging"."member_positions"
    WHERE "app_id" = $1 AND "uid" = $2)`,
};

/**
 * Messaging: conversations, messages with a gap-free seq per conversation, read positions, and
 * the read models of users, blocks, roles, friendships, groups and memberships it decides sends
 * with (schema `messaging`).
 *
 * `consumers: false` leaves out the durable consumers that feed the read models: for tests that
 * boot the service in-process and write the models themselves, so they never take events from
 * the shared durable consumers of a platform running beside them.
 */
export function messagingModule(opts: ServiceModuleOptions & { consumers?: boolean } = {}) {
  @Module({
    imports: [
      PlatformModule.forService({
        name: 'messaging',
        database: MESSAGING_DATABASE,
        http: opts.http,
        embedded: opts.embedded,
      }),
    ],
    providers: [
      userExportHandler(RPC.messaging.userExport, MESSAGING_USER_EXPORT),
      DirectoryRepository,
      DirectoryEvents,
      ...(opts.consumers === false ? [] : [DirectoryConsumer, AppErasureConsumer]),
      ParticipantDirectory,
      MessageRepository,
      MessageDelivery,
      SendRules,
      MessageViews,
      MessageService,
      MessageHandler,
      MessageMentions,
      ViewerExtras,
      ReactionRepository,
      ReactionService,
      ReactionHandler,
      InteractionRepository,
      InteractionService,
      InteractionHandler,
      ReceiptRepository,
      ReceiptViews,
      ReceiptDelivery,
      ConversationRepository,
      ConversationAccess,
      ConversationService,
      ConversationHandler,
      ReceiptService,
      ReceiptHandler,
      ActionRepository,
      ActionMessageWriter,
      MembershipActions,
      ...(opts.consumers === false ? [] : [MembershipActionsConsumer]),
      ActionLookup,
      ActionHandler,
      CallMessageHandler,
      CallLog,
      MessageLifecycleRepository,
      MessageLifecycleService,
      MessageLifecycleHandler,
      MessageImportService,
      MessageImportHandler,
      // Erasing a permanently deleted user: each feature storing a user's data adds its step.
      SentMessagesErasure,
      ReadPositionsErasure,
      RevisionsErasure,
      SocialErasure,
      ReceiptMarksErasure,
      DirectoryErasure,
      ProfileCopiesErasure,
      {
        provide: USER_ERASURE_STEPS,
        useFactory: (...steps: UserErasureStep[]) => steps,
        inject: [
          SentMessagesErasure,
          ReadPositionsErasure,
          RevisionsErasure,
          SocialErasure,
          ReceiptMarksErasure,
          DirectoryErasure,
          ProfileCopiesErasure,
        ],
      },
      { provide: UserDataEraser, useClass: UserErasure },
      userErasureReportHandler(RPC.messaging.userErasure),
      ...(opts.consumers === false ? [] : [UserErasureConsumer]),
    ],
  })
  class MessagingModule {}
  return MessagingModule;
}
