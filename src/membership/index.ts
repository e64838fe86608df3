/** membership: members (the minimal record today), membership products and validity with ticketing. */
export { checkMemberInput, findMember, insertMember, listMembers, memberByWallet, type Member, type MemberInput } from "./members.ts";
