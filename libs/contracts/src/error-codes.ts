/**
 * The error-code catalogue: every code Parley emits, with its HTTP status and default text.
 * Codes are CometChat's (reference §3.3); the statuses follow reference §3.2 and API.md §2.
 * This table is the only place a code is mapped to an HTTP status.
 */
export const ERROR_CODES = {
  // Auth
  AUTH_ERR_EMPTY_APPID: { status: 401, message: 'Empty appId in the headers.' },
  AUTH_ERR_INVALID_APPID: { status: 401, message: 'The appId is invalid or does not exist.' },
  AUTH_ERR_EMPTY_APIKEY: { status: 401, message: 'Empty apiKey in the headers.' },
  AUTH_ERR_APIKEY_NOT_FOUND: { status: 401, message: 'The apiKey is invalid or does not exist.' },
  AUTH_ERR_NO_ACCESS: { status: 403, message: 'The credential has no access to this resource.' },
  AUTH_ERR_EMPTY_AUTH_HEADER: { status: 401, message: 'Empty authorization header.' },
  AUTH_ERR_EMPTY_AUTH_TOKEN: { status: 401, message: 'Empty auth token in the headers.' },
  AUTH_ERR_AUTH_TOKEN_NOT_FOUND: {
    status: 401,
    message: 'The auth token is invalid or does not exist.',
  },
  AUTH_ERR_INVALID_JWT: { status: 401, message: 'The JWT is invalid or has expired.' },
  // API keys
  ERR_APIKEY_NOT_FOUND: { status: 404, message: 'The apiKey does not exist.' },
  ERR_APIKEY_NO_SELF_ACTION: { status: 403, message: 'An apiKey cannot update or delete itself.' },
  // Auth tokens
  ERR_AUTH_TOKEN_NOT_FOUND: { status: 404, message: 'The auth token does not exist.' },
  ERR_AUTH_TOKEN_DELETE_FAILED: { status: 500, message: 'Failed to delete the auth token.' },
  ERR_AUTH_TOKENS_DELETE_FAILED: { status: 500, message: 'Failed to delete the auth tokens.' },
  ERR_AUTHTOKEN_UNAVAILABLE: { status: 403, message: 'The auth token is bound to another device.' },
  ERR_AUTHTOKEN_NOT_ACCESSIBLE: { status: 403, message: 'The auth token belongs to another user.' },
  // Plan / quotas
  ERR_PLAN_RESTRICTION: { status: 403, message: 'Restricted by the plan.' },
  ERR_PLAN_QUOTA_RESTRICTION: { status: 403, message: 'The quota for this resource is exhausted.' },
  // Roles
  ERR_ROLE_NOT_FOUND: { status: 404, message: 'The role does not exist.' },
  ERR_ROLE_DELETE_FAILED: { status: 500, message: 'Failed to delete the role.' },
  ERR_ROLE_DELETE_DENIED: { status: 403, message: 'The default role cannot be deleted.' },
  ERR_ROLE_ALREADY_EXISTS: { status: 409, message: 'The role already exists.' },
  // Users
  ERR_UID_NOT_FOUND: { status: 404, message: 'The uid does not exist.' },
  ERR_UID_DELETE_FAILED: { status: 500, message: 'Failed to delete the user.' },
  ERR_UID_ALREADY_EXISTS: { status: 409, message: 'The uid already exists.' },
  // Friends and blocking
  ERR_ALREADY_FRIEND: { status: 409, message: 'The users are already friends.' },
  ERR_NOT_A_FRIEND: { status: 404, message: 'The users are not friends.' },
  ERR_CANNOT_FORM_SELF_RELATION: { status: 400, message: 'A user cannot befriend itself.' },
  ERR_CANNOT_BLOCK_SELF: { status: 400, message: 'A user cannot block itself.' },
  // Groups
  ERR_GUID_NOT_FOUND: { status: 404, message: 'The guid does not exist.' },
  ERR_GUID_ALREADY_EXISTS: { status: 409, message: 'The guid already exists.' },
  ERR_EMPTY_GROUP_PASS: { status: 400, message: 'A password group needs a password.' },
  ERR_WRONG_GROUP_PASS: { status: 403, message: 'The group password is wrong.' },
  ERR_NOT_A_MEMBER: { status: 403, message: 'The user is not a member of the group.' },
  ERR_ALREADY_JOINED: { status: 409, message: 'The user is already a member of the group.' },
  ERR_GROUP_NOT_JOINED: { status: 403, message: 'You are not a member of the group.' },
  ERR_GROUP_JOIN_NOT_ALLOWED: {
    status: 403,
    message: 'A private group cannot be joined; a member must add you.',
  },
  ERR_NO_VACANCY: { status: 403, message: 'The group is full.' },
  ERR_SAME_SCOPE: { status: 409, message: 'The member already has this scope.' },
  ERR_NOT_A_BANNED_USER: { status: 404, message: 'The user is not banned from the group.' },
  ERR_BANNED_GROUPMEMBER: { status: 403, message: 'The user is banned from the group.' },
  ERR_ALREADY_BANNED: { status: 409, message: 'The user is already banned from the group.' },
  ERR_GROUP_NO_CLEARANCE: { status: 403, message: 'Only the owner of the group may do this.' },
  ERR_GROUP_NO_ADMIN_SCOPE: { status: 403, message: 'This needs the admin scope in the group.' },
  ERR_GROUP_NO_MODERATOR_SCOPE: {
    status: 403,
    message: 'This needs at least the moderator scope in the group.',
  },
  ERR_GROUP_NO_SCOPE_CLEARANCE: {
    status: 403,
    message: 'Your scope does not allow acting on this member.',
  },
  ERR_GROUP_NO_SELF_ACTION: { status: 403, message: 'You cannot do this to yourself.' },
  // Messages (reference §3.3; statuses per §3.2: validation 400, permission 403, missing 404)
  ERR_EMPTY_RECEIVER: { status: 400, message: 'The receiver is required.' },
  ERR_INVALID_RECEIVER_TYPE: { status: 400, message: 'The receiverType must be user or group.' },
  ERR_MESSAGE_ID_NOT_FOUND: { status: 404, message: 'The message does not exist.' },
  ERR_CONVERSATION_NOT_ACCESSIBLE: {
    status: 404,
    message: 'The conversation does not exist for you (it has no messages you can see).',
  },
  ERR_INVALID_MESSAGE_DATA: { status: 400, message: 'The message data is invalid.' },
  ERR_EMPTY_MESSAGE_TEXT: { status: 400, message: 'A text message needs a non-empty data.text.' },
  ERR_INVALID_MESSAGE_TEXT: { status: 400, message: 'The message text must be a string.' },
  ERR_EMPTY_MESSAGE_CATEGORY: { status: 400, message: 'The message category is required.' },
  ERR_INVALID_MESSAGE_CATEGORY: { status: 400, message: 'The message category is invalid.' },
  ERR_EMPTY_MESSAGE_TYPE: { status: 400, message: 'The message type is required.' },
  ERR_INVALID_MESSAGE_TYPE: {
    status: 400,
    message: 'The message type is invalid for its category.',
  },
  ERR_EMPTY_MESSAGE_FILE: { status: 400, message: 'A media message needs data.attachments.' },
  ERR_INVALID_MEDIA_MESSAGE: { status: 400, message: 'The media message attachments are invalid.' },
  ERR_EMPTY_CUSTOM_DATA: { status: 400, message: 'A custom message needs data.customData.' },
  ERR_INVALID_CUSTOM_DATA: { status: 400, message: 'data.customData must be an object.' },
  ERR_INVALID_METADATA: { status: 400, message: 'The message metadata is invalid.' },
  ERR_MESSAGE_NO_ACCESS: { status: 403, message: 'You have no access to this message.' },
  ERR_MESSAGE_NOT_A_SENDER: {
    status: 403,
    message: 'Only the sender (or a moderator or admin of its group) may change this message.',
  },
  ERR_MESSAGE_ACTION_NOT_ALLOWED: {
    status: 403,
    message: 'Action and call messages cannot be edited or deleted.',
  },
  ERR_WRONG_MESSAGE_THREAD: {
    status: 400,
    message: 'The parent message belongs to another conversation.',
  },
  ERR_MESSAGE_THREAD_NESTING: { status: 400, message: 'A reply cannot have replies (no nesting).' },
  ERR_WRONG_MESSAGE_THREAD_CATEGORY: {
    status: 400,
    message: 'Messages of this category cannot start a thread.',
  },
  ERR_BLOCKED_RECEIVER: { status: 403, message: 'You have blocked the receiver.' },
  ERR_BLOCKED_SENDER: { status: 403, message: 'The receiver has blocked you.' },
  // Calls (reference §3.3, §6.5)
  ERR_CALLING_SELF: { status: 400, message: 'A user cannot call themselves.' },
  ERR_CALL_BUSY_SELF: { status: 409, message: 'The caller is already on a call.' },
  ERR_EMPTY_CALL_SESSION_ID: { status: 400, message: 'The call session id is empty.' },
  ERR_CALL_SESSION_NOT_FOUND: { status: 404, message: 'The call session does not exist.' },
  ERR_CALL_TERMINATED: { status: 409, message: 'The call has already ended.' },
  ERR_CALL_NOT_A_PART: { status: 403, message: 'The user is not a participant of the call.' },
  ERR_CALL_INVALID_INIT: {
    status: 400,
    message: 'Only the callee can accept, reject or report busy; only the caller can cancel.',
  },
  ERR_CALL_ONGOING_TO_INVALID: {
    status: 409,
    message: 'An ongoing call can only be ended.',
  },
  ERR_CALL_NOT_STARTED: { status: 409, message: 'The call was never answered; it cannot end.' },
  ERR_CALL_BUSY_GROUP: { status: 409, message: 'The group is already on a call.' },
  ERR_CALL_GROUP_ALREADY_JOINED: { status: 409, message: 'The user is already in the call.' },
  ERR_CALL_GROUP_ALREADY_LEFT: { status: 409, message: 'The user has already left the call.' },
  ERR_CALL_GROUP_INVALID_STATUS: { status: 400, message: 'A group call cannot take this status.' },
  // Webhooks (operator API)
  ERR_WEBHOOK_NOT_FOUND: { status: 404, message: 'The webhook does not exist.' },
  ERR_WEBHOOK_ALREADY_EXISTS: { status: 409, message: 'A webhook with this id already exists.' },
  ERR_TRIGGER_NOT_FOUND: { status: 404, message: 'No such webhook trigger.' },
  ERR_WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, message: 'The delivery does not exist.' },
  ERR_WEBHOOK_DELIVERY_PENDING: {
    status: 409,
    message: 'The delivery is still being attempted; only a finished one is redelivered.',
  },
  ERR_ERASURE_NOT_FOUND: { status: 404, message: 'No erasure of this user has this id.' },
  // Management
  ERR_APP_NOT_FOUND: { status: 404, message: 'The app does not exist.' },
  ERR_APP_ALREADY_EXISTS: { status: 409, message: 'An app with this appId already exists.' },
  // General
  ERR_INVALID_API_VERSION: { status: 404, message: 'Invalid API version.' },
  ERR_API_NOT_FOUND: { status: 404, message: 'No such API: check the path and the method.' },
  ERR_BAD_REQUEST: { status: 400, message: 'The request is invalid.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be JSON.' },
  ERR_TOO_MANY_REQUESTS: { status: 429, message: 'Too many requests.' },
  ERR_SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'A service needed for this request is unavailable; retry.',
  },
  ERR_MISSION_FAILED: { status: 500, message: 'The operation failed.' },
  ERR_OPERATION_FAILED: { status: 500, message: 'The operation failed.' },
  ERR_EXCEPTION: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** Validation details: field path -> messages (CometChat's `details` shape). */
export type ErrorDetails = Record<string, string[]>;

/** The error object carried in RPC replies and REST error envelopes. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}
