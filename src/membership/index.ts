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
