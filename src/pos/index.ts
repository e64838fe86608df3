/**
 * pos: points of sale, items, VAT, sales, receipts, cash sessions, closures, the fiscal journal.
 * Today: printers and the print queue (its worker runs in the jobs room).
 */
export {
  checkPrinterAddress,
  checkPrinterInput,
  findPrinter,
  insertPrinter,
  listPrinters,
  notePrinterOutcome,
  parsePrintGroups,
  printersForGroup,
  requirePrinter,
  updatePrinter,
  type Printer,
  type PrinterInput,
  type PrinterKind,
  type PrinterStatusName,
  type RawPrinterInput,
} from "./printers.ts";
export {
  claimDuePrintJobs,
  completePrintJob,
  enqueueForGroup,
  enqueuePrintJob,
  failPrintJob,
  findPrintJob,
  hasDuePrintJob,
  isDuplicate,
  jobTicket,
  listPrintJobs,
  pendingJobCount,
  pendingJobCounts,
  printJobDocument,
  recoverInterruptedPrintJobs,
  reprintPrintJob,
  requirePrintJob,
  retryDelayMs,
  TICKET_WORDS,
  type ClaimedPrintJob,
  type EnqueueOptions,
  type NewPrintJob,
  type PrintJob,
  type PrintJobState,
} from "./print-queue.ts";
export { testTicketDocument, type TestTicketInput } from "./test-ticket.ts";
export { CODE_PAGES, PRINT_JOB_STATES, PRINTER_KINDS, PRINTER_STATUSES } from "./schema.ts";
