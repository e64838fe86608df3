/**
 * Every queue, batch, body and list has a named bound (TIGER_STYLE): a limit written once here
 * is a limit that can be reviewed, documented and tested.
 */
export const limits = {
  /** Largest request body accepted by the HTTP server, in bytes. */
  requestBodyBytes: 1_048_576,
  /**
   * Largest multipart body, in bytes, accepted by a route that takes an upload (an event's image:
   * 5 MB of file plus the form's other fields); the server refuses anything larger outright.
   */
  uploadBodyBytes: 5 * 1024 * 1024 + 65_536,
  /** Commands the single writer takes into one transaction. */
  writerBatchCommands: 256,
  /** Commands waiting for the writer before new ones are refused. */
  writerQueueCommands: 10_000,
  /** Rows on one page of an admin list. */
  listPageRows: 100,
  /** Failed logins on one account before it is locked. */
  loginFailuresBeforeLockout: 5,
  /**
   * Failed attempts of one kind (password, PIN, pairing code, setup code) from one address before
   * the address is locked for that kind. Higher than the account bound: a till or a NAT is shared.
   */
  addressFailuresBeforeLockout: 20,
  /** Window over which failed logins are counted, in milliseconds. */
  loginFailureWindowMs: 15 * 60_000,
  /** Length of a login lockout, in milliseconds. */
  loginLockoutMs: 15 * 60_000,
  /** Lifetime of an operator session, in milliseconds. */
  sessionLifetimeMs: 12 * 60 * 60_000,
  /** Lifetime of a terminal pairing code, in milliseconds. */
  pairingCodeLifetimeMs: 10 * 60_000,
  /** Clock difference between a browser and the box that triggers a warning, in milliseconds. */
  clockSkewWarningMs: 5 * 60_000,
  /** Length of text fields typed by people (names, addresses). */
  textFieldChars: 200,
  /** Minimum length of an operator password. */
  passwordMinChars: 10,
  /** Event-log records returned on one admin page. */
  eventLogPageRows: 200,
  /** Cards generated on one printable sheet. */
  cardSheetMax: 500,
  /** Movements shown on a card holder's page. */
  holderPageMovements: 20,
  /** Requests one address may make to holder pages per window, and the window, in milliseconds. */
  holderPageRequestsPerWindow: 30,
  holderPageWindowMs: 60_000,
  /** Addresses an in-memory rate limiter remembers at once; the oldest are forgotten first. */
  rateLimiterKeys: 10_000,
  /**
   * Print jobs not yet delivered to one printer; beyond it new jobs are refused with
   * `print_queue_full` (old ones are never dropped to make room).
   */
  printQueuePendingJobsPerPrinter: 1_000,
  /** Print jobs the print worker claims in one pass (at most one per printer). */
  printWorkerBatchJobs: 32,
  /** First retry delay of a failed print job, doubled at each failure up to the cap, in milliseconds. */
  printRetryBaseMs: 1_000,
  printRetryCapMs: 60_000,
  /** How often the print worker looks for due jobs when idle (a read, no transaction), in milliseconds. */
  printWorkerPollMs: 100,
  /** Size of one print job's document (JSON), in characters. */
  printDocumentChars: 4_000_000,
  /** Blocks (lines, QR codes, cuts...) in one print document. */
  printDocumentBlocks: 50_000,
  /** Characters in one text block of a print document. */
  printTextChars: 2_000,
  /** Characters of data in one printed QR code (well below the QR version 40 capacity). */
  printQrChars: 700,
  /** Recent print jobs listed on an admin page. */
  printRecentJobsRows: 50,
  /** Time to open a connection to a network printer, in milliseconds. */
  printerConnectTimeoutMs: 5_000,
  /** Time a printer may accept no bytes (or not close after the last one) before the send fails, in milliseconds. */
  printerIdleTimeoutMs: 30_000,
} as const;
