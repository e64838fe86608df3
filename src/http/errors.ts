/**
 * The one place where stable error codes become HTTP statuses. A code not listed here is a
 * validation refusal (400). Messages go to clients; internals (stacks, SQL) never do.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  unauthorized: 401,
  login_failed: 401,
  terminal_revoked: 401,
  forbidden: 403,
  terminal_locked: 403,
  simulation_disabled: 403,
  csrf_invalid: 403,
  manager_required: 403,
  not_found: 404,
  operator_unknown: 404,
  terminal_unknown: 404,
  card_unknown: 404,
  entry_unknown: 404,
  member_unknown: 404,
  printer_unknown: 404,
  print_job_unknown: 404,
  asset_exists: 409,
  card_not_blocked: 409,
  card_already_attached: 409,
  card_of_other_member: 409,
  method_not_allowed: 405,
  already_set_up: 409,
  email_taken: 409,
  staff_card_taken: 409,
  last_admin: 409,
  insufficient_funds: 409,
  reserve_insufficient: 409,
  limit_exceeded: 409,
  card_blocked: 409,
  card_exists: 409,
  card_in_use: 409,
  nothing_to_refund: 409,
  already_voided: 409,
  not_voidable: 409,
  asset_in_use: 409,
  idempotency_key_reused: 422,
  body_too_large: 413,
  unsupported_media_type: 415,
  login_locked: 429,
  too_many_streams: 429,
  internal_error: 500,
  setup_required: 503,
  writer_overloaded: 503,
  print_queue_full: 503,
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}
