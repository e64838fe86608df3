/**
 * wallet: assets, cards and wallets, and the operations that move money (top-up, offer, payment,
 * refund, void, merge, lost card, transfer). Each operation is one signed journal entry.
 */
export { acceptedAt, checkAssetInput, findAsset, listAssets, listAssetsSql, requireAsset, saveAsset, type Asset, type AssetInput } from "./assets.ts";
export {
  bindCardUid,
  CARD_IMPORT_LIMIT,
  cardById,
  cardByPrintedNumber,
  cardByQr,
  cardByUid,
  cardsOfWallet,
  insertCard,
  insertWallet,
  listCards,
  normalizeCardUid,
  parseCardCsv,
  setCardState,
  setCardWallet,
  type Card,
  type NewCard,
} from "./cards.ts";
export {
  AMOUNT_MAX_MINOR,
  checkAmount,
  moveAllBalances,
  pay,
  PSD2_THRESHOLD_MINOR,
  refund,
  replaceLostCard,
  requireUsableCard,
  rollingTopups,
  topUp,
  TOPUP_METHODS,
  transferBetweenCards,
  voidEntry,
  walletBalances,
  walletIsShared,
  type Actor,
  type OperationDeps,
  type OperationResult,
  type PaymentInput,
  type TopupInput,
  type TopupMethod,
} from "./operations.ts";
export { readWalletSettings, saveWalletSettings, type WalletSettings } from "./settings.ts";
export { treasuryFigures, type AssetFigures } from "./treasury.ts";
export { ASSET_KINDS, CARD_STATES, type AssetKind, type CardState } from "./schema.ts";
