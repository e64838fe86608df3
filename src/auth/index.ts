/** auth: operators and roles, sessions, terminals and pairing, rate limits, the technical event log. */
export { appendEvent, GENESIS_HASH, verifyEventLog, type ChainCheck, type EventInput, type EventRecord } from "./eventlog.ts";
export { checkName, normalizeCardUid, normalizeEmail, parseRole, usesPassword } from "./operators.ts";
export { ROLES, TERMINAL_KINDS, type Role, type TerminalKind } from "./schema.ts";
export { checkPasswordPolicy, hashSecret } from "./secrets.ts";
export { AuthService, publicOperator, type AuthDeps, type OperatorInput, type OperatorUpdate, type PublicOperator } from "./service.ts";
export { insertOperator } from "./operators.ts";
export { insertSession, purgeExpiredSessions, type Session, type NewSession } from "./sessions.ts";
export { parseTerminalKind, type Terminal } from "./terminals.ts";
export { bindReader, checkReaderKey, listReaderBindings, READER_KEY_PREFIXES, readerBinding, unbindReader, type ReaderBinding } from "./readers.ts";
