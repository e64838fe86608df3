/**
 * ticketing: events and their agenda, ticket keys certified by the venue key, signed ticket QR
 * payloads, products, issued tickets and check-ins exactly once. Orders and check-in lists come next
 * (docs/ticketing.md).
 */
export { checkEventInput, createEvent, EVENT_LIMITS, findEvent, isListed, listEvents, listUpcomingEvents, listUpcomingPublicEvents, updateEvent, type EventDeps, type EventInput, type EventVisibility, type TicketedEvent } from "./events.ts";
export {
  EVENT_IMAGE_LIMITS,
  eventImageBytes,
  findEventImage,
  mediaUrl,
  MEDIA_PREFIX,
  probeImage,
  removeEventImage,
  saveEventImage,
  uploadedImageSizes,
  type EventImage,
  type EventImageType,
  type ImageProbe,
} from "./event-images.ts";
export { agendaCalendar, escapeIcalText, foldIcalLine, icalUtc, type CalendarInput } from "./ical.ts";
export { certificateBody, certifyEventKey, eventCertificate, eventSigner, signCertificate, TICKET_KEY_GRACE_MS, verifyCertificate, type EventCertificate, type SignatureCheck } from "./keys.ts";
export { EVENT_VISIBILITIES } from "./schema.ts";
export { base32Decode, base32Encode, decodeTicket, encodeTicket, peekTicketEventId, TICKET_PAYLOAD_BYTES, TICKET_TEXT_CHARS, TICKET_TEXT_MAX_CHARS, TICKET_VERSION, type DecodedTicket, type TicketFields } from "./tickets.ts";
export {
  checkCapacity,
  checkQuota,
  DEFAULT_TICKET_VAT_BP,
  eventTicketsTaken,
  findProduct,
  findTicket,
  firstPriceId,
  insertTicket,
  issueTicket,
  listProducts,
  PRODUCT_LIMITS,
  revokeTicket,
  saveProduct,
  TICKET_WINDOW_MARGIN_MS,
  ticketWindow,
  VAT_RATE_MAX_BP,
  type NewTicket,
  type ProductInput,
  type Ticket,
  type TicketProduct,
} from "./issue.ts";
export { CHECKIN_REFUSALS, checkinCounts, checkinsOf, DOOR_SEARCH_ROWS, doorName, listCounts, NONCE_PATTERN, passesOf, performCheckin, searchEventTickets, type CheckinCounts, type CheckinDeps, type CheckinDirection, type CheckinInput, type DoorTicketRow, type CheckinOutcome, type CheckinRefusal, type FirstEntry, type ListCounts } from "./checkins.ts";
export { CERTIFICATE_MEMO_ENTRIES, CertificateMemo } from "./certificate-memo.ts";
export { CHECKIN_LIST_LIMITS, deleteCheckinList, findCheckinList, LIST_ID_PATTERN, listAdmitsProduct, listCheckinLists, saveCheckinList, type CheckinList, type CheckinListInput } from "./checkin-lists.ts";
export { conflictCount, doorSnapshot, listConflicts, SNAPSHOT_LIMITS, type CheckinConflict, type DoorSnapshot, type SnapshotTicket } from "./door-snapshot.ts";
export { checkCheckoutRequest, FakeProvider, hmacSha256Hex, PAYMENT_EVENT_KINDS, PAYMENT_LIMITS, sameHexDigest, WEBHOOK_REFUSALS, type CheckoutLine, type CheckoutOrder, type CheckoutRequest, type CheckoutStarted, type PaymentEvent, type PaymentEventKind, type PaymentKeys, type PaymentProvider, type PaymentProviderFactory, type WebhookReading, type WebhookRefusal } from "./payments.ts";
export { checkoutSessionForm, readStripeEvent, STRIPE_API_BASE, STRIPE_MAX_SESSION_MS, STRIPE_SESSION_AFTER_HOLD_MS, stripeProvider, verifyStripeSignature, type StripeOptions } from "./stripe.ts";
export { checkMailFrom, checkSmtpUrl, claimDueMails, enqueueEmail, findOutboxMail, hasDueMail, isEmailAddress, listOutbox, mailConfigured, markMailFailed, markMailSent, maskSmtpUrl, normalizeEmail, OUTBOX_LIMITS, outboxCounts, outboxRetryDelayMs, purgeOldMails, readMailSettings, retryMail, saveMailSettings, SMTP_PASSWORD_MASK, type MailSettings, type NewEmail, type OutboxMail, type OutboxState } from "./outbox.ts";
export { mailAttachments, ticketQrCid, type MailAttachmentData } from "./mail-attachments.ts";
export { crc32, matrixPng, QR_PNG_BORDER, QR_PNG_SCALE, qrPng } from "./qr-png.ts";
export { findPrice, isPriceKind, listEventPrices, listPrices, PRICE_LIMITS, savePrice, type PriceInput, type TicketPrice, type TicketPriceKind } from "./prices.ts";
export {
  cancelOrder,
  createOrder,
  expireHolds,
  findOrder,
  findOrderByReference,
  listOrders,
  markOrderPaid,
  memberIdByEmail,
  newReference,
  ORDER_LIMITS,
  orderLines,
  orderTickets,
  PAYMENT_METHODS,
  personKeysOf,
  personTickets,
  planOrder,
  REFERENCE_ALPHABET,
  REFUND_METHODS,
  refundOrder,
  refundSaleOrder,
  orderIdOfSale,
  type CloseOrderInput,
  type CreatedOrder,
  type MarkPaidInput,
  type Order,
  type OrderChannel,
  type OrderDeps,
  type OrderInput,
  type OrderLine,
  type OrderLineInput,
  type OrderPayment,
  type OrderQuery,
  type OrderRow,
  type OrderState,
  type OrderTicket,
  type PaymentMethod,
} from "./orders.ts";
export { createMembershipOrder, type MembershipOrderInput } from "./membership-orders.ts";
export { ordersOfPerson, ticketsOfPerson, TICKETING_PERSON_ROWS, waitingOfPerson, type Person, type PersonOrder, type PersonTicket, type PersonWaiting } from "./members.ts";
export { erasePerson, type ErasePersonInput, type TicketingErasure } from "./privacy.ts";
export { enqueueOrderTicketsEmail, escapeHtml, mailLang, ORDER_TICKETS_KIND, orderTicketsMail, type MailLang, type TicketMailContent, type TicketMailOptions } from "./ticket-mail.ts";
export { enqueueMembershipPaidEmail, ORDER_PAID_KIND } from "./membership-paid-mail.ts";
export { findWaitingEntry, joinWaitingList, listWaitingList, notifyWaitingList, placesLeft, removeWaitingEntry, WAITING_LIST_LIMITS, WAITING_LIST_MAIL_KIND, waitingCount, type JoinInput, type WaitingEntry } from "./waiting-list.ts";
export { normalizePublicBaseUrl, ONLINE_SALES_LIMITS, onlinePaymentConfigured, readOnlineSalesSettings, saveOnlineSalesSettings, secretHint, type OnlineSalesInput, type OnlineSalesSettings } from "./online-settings.ts";
export { ORDER_LINK_KEY_PATTERN, orderLinkKey, orderLinkKeyValid, orderPagePath } from "./order-links.ts";
export { applyPaymentEvent, attachCheckout, checkoutsToClose, type PaymentEventDeps, type PaymentEventResult } from "./payment-events.ts";
