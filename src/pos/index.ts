/**
 * pos: points of sale, items, VAT, sales, receipts, cash sessions, closures, the fiscal journal
 * and its archive (docs/pos.md); printers and the print queue (its worker runs in the jobs room).
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
export { printTicket, ticketPrintDocument, type TicketPrintInput } from "./ticket-print.ts";
export {
  CLOSURE_KINDS,
  CODE_PAGES,
  FISCAL_KINDS,
  PAYMENT_METHOD_CODES,
  POINT_OF_SALE_KINDS,
  PRICE_KINDS,
  PRINT_JOB_STATES,
  PRINTER_KINDS,
  PRINTER_STATUSES,
} from "./schema.ts";
export { ARCHIVE_FORMAT, archiveText, exportArchive, verifyArchiveText, type ArchiveCheck, type ArchiveExport } from "./archive.ts";
export {
  addDays,
  businessDayOf,
  businessDayWindow,
  daysOf,
  instantOfLocal,
  periodKind,
  periodWindow,
  type PeriodKind,
  type Window,
} from "./business-day.ts";
export {
  addCashMovement,
  cashFigures,
  closeCashSession,
  findCashSession,
  openCashSession,
  openCashSessionOfTerminal,
  type CashFigures,
  type CashSession,
  type CashSessionClosing,
} from "./cash-sessions.ts";
export {
  CATALOGUE_LIMITS,
  checkItemInput,
  checkPointOfSaleInput,
  findCategory,
  findItem,
  findPointOfSale,
  isPaymentMethodCode,
  listCategories,
  listItems,
  listPaymentMethods,
  listPointsOfSale,
  listVatRates,
  readPosSettings,
  requireActivePointOfSale,
  saveCategory,
  saveItem,
  savePaymentMethod,
  savePointOfSale,
  savePosSettings,
  saveVatRate,
  setItemStock,
  type Category,
  type Item,
  type ItemInput,
  type ItemPrice,
  type PaymentMethod,
  type PaymentMethodCode,
  type PointOfSale,
  type PointOfSaleKind,
  type PosSettings,
  type PriceInput,
  type VatRate,
} from "./catalogue.ts";
export {
  cardMoneyMovements,
  totalsOfDays,
  CLOSURE_CATCH_UP_DAYS,
  closeDay,
  closeMonth,
  closePeriod,
  closeYear,
  closureBySeq,
  dayHasActivity,
  findClosure,
  ledgerSeqRange,
  listClosures,
  runDueClosures,
  type ClosureTotals,
  type ClosureView,
} from "./closures.ts";
export {
  appendFiscalRecord,
  encodeFiscalRecord,
  fiscalHead,
  fiscalRecordsBetween,
  fiscalTime,
  GENESIS_FISCAL_HASH,
  readFiscalRecord,
  signatureExtract,
  type FiscalHead,
  type FiscalKind,
  type FiscalPayload,
  type FiscalRecord,
} from "./fiscal.ts";
export { fiscalBytes, FiscalChainWalker, fiscalSignatureValid, reencode, verifyFiscalJournal, type FiscalCheck, type StoredFiscalRecord } from "./fiscal-verify.ts";
export { cartLines, checkQuantity, priceCart, SALE_LIMITS, type CartLineInput, type PricedCart, type PricedLine, type PricingContext } from "./pricing.ts";
export {
  findTicketItem,
  isTicketItemId,
  issueSaleTickets,
  NO_TICKETS,
  orderMethodOf,
  TICKET_ITEM_PREFIX,
  TICKET_PAYMENT_METHODS,
  ticketItemId,
  tillTicketOffers,
  TILL_TICKET_LIMITS,
  type SaleTickets,
  type TicketLineRef,
  type TicketOffer,
} from "./ticket-items.ts";
export { findMembershipItem, isMembershipItemId, MEMBERSHIP_ITEM_PREFIX, membershipItemId, tillMembershipOffers, type MembershipLineRef, type MembershipOffer as TillMembershipOffer } from "./membership-items.ts";
export { BOX_OFFICE_SALE_METHODS, boxOfficePointOfSale, boxOfficePointsOfSale, isBoxOfficeSaleMethod, refundOrderByVoid, saleOfOrder, sellAtBoxOffice, type BoxOfficeSale, type BoxOfficeSaleInput, type BoxOfficeSaleMethod } from "./order-sales.ts";
export { DONATION_ITEM_ID, orderCart } from "./order-cart.ts";
export { ONLINE_BOOK_LIMITS, onlineOrders, onlineSalesSummary, type OnlineOrderFigure, type OnlineOrders, type OnlineSalesSummary } from "./online-books.ts";
export { parseSaleLabel, receiptOf, reprintReceipt, saleLabel, type Receipt, type ReceiptVatLine } from "./receipts.ts";
export {
  createSale,
  findSale,
  isManager,
  memberOfCard,
  validMemberOfCard,
  requireSale,
  saleLines,
  salePayments,
  settle,
  voidSale,
  type PosActor,
  type SaleInput,
  type SaleOptions,
  type SaleOrder,
  type SaleLineRow,
  type SalePayment,
  type SalePaymentInput,
  type SalePaymentRow,
  type SaleResult,
  type SaleRow,
  type VoidInput,
  type VoidResult,
} from "./sales.ts";
export { euros, localDateTime, orderTicketDocument, receiptDocument, zTicketDocument, type OrderTicketInput, type ReceiptDocumentOptions } from "./tickets.ts";
export { FRANCHISE_MENTION, formatRate, VAT_RATE_MAX_BP, vatBreakdown, vatOf, type VatLine } from "./vat.ts";
export { checkReportRange, cardSpending, daysOfRange, rangeWindow, REPORT_LIMITS, salesReport, type HourFigure, type ReportRange, type SalesReport } from "./reports.ts";
export { closuresCsv, CSV_BOM, csvCell, csvText, decimalComma, FEC_ACCOUNTS, FEC_COLUMNS, fecExport, paymentsCsv, salesCsv, type CsvCell, type FecExport } from "./exports.ts";
export { isTrainingTerminal, listTrainingTerminals, setTerminalTraining, type TrainingTerminal } from "./training.ts";
export { cardAssetsForCart, planCardPayment, receiptPrinterOf, recentSalesOfTerminal, refundableOf, TILL_RECENT_SALES, tillPrinters, type CardPaymentPlan, type TillPrinterState, type TillSaleRow } from "./till.ts";
