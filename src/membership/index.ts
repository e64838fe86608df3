/** membership: members (the minimal record), their memberships (validity windows) and renewal. */
export { checkMemberInput, findMember, insertMember, listMembers, memberByWallet, type Member, type MemberInput } from "./members.ts";
export {
  grantMembership,
  listMemberships,
  MEMBERSHIP_DAYS_MAX,
  membershipOf,
  renewalWindow,
  type GrantInput,
  type Membership,
  type MembershipStatus,
} from "./memberships.ts";
export {
  checkMembershipProductInput,
  findMembershipProduct,
  grantMembershipProduct,
  listMembershipProducts,
  MEMBERSHIP_DURATIONS,
  MEMBERSHIP_PRODUCTS_MAX,
  membershipWindowFor,
  saveMembershipProduct,
  type GrantProductInput,
  type MembershipDuration,
  type MembershipProduct,
  type MembershipProductInput,
  type MembershipWindow,
} from "./products.ts";
export {
  checkFieldValue,
  checkFieldValues,
  findMemberField,
  listMemberFields,
  MEMBER_FIELD_KINDS,
  MEMBER_FIELD_LIMITS,
  memberFieldValues,
  saveMemberField,
  setMemberFieldValues,
  type MemberField,
  type MemberFieldInput,
  type MemberFieldKind,
} from "./fields.ts";
export {
  eraseMember,
  exportMemberRecord,
  findRegisterMember,
  MEMBER_NOTES_CHARS,
  memberPseudonym,
  pseudonymCode,
  searchMembers,
  updateMember,
  type Erasure,
  type MemberExport,
  type MemberRow,
  type MemberSearch,
  type MemberUpdate,
  type RegisterMember,
} from "./register.ts";
export { memberIdOfLinkToken, memberLinkToken } from "./link.ts";
export { endMembershipsOfOrder, membershipsOfOrder, type OrderMembership } from "./order-memberships.ts";
