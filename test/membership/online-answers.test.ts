// Proves, on a real SQLite file, that an anonymous membership order (channel online, as /adhesion
// makes it: nobody logged in, the buyer named only by the e-mail typed) cannot change what the
// register holds about an existing member with that e-mail: their stored answers to the custom
// fields stay as they were, an answer they never gave may be filled in, and the box office (staff,
// logged in) may still change an answer.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { insertMember, memberFieldValues, saveMemberField, saveMembershipProduct, setMemberFieldValues } from "../../src/membership/index.ts";
import { createMembershipOrder } from "../../src/ticketing/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { orderDeps } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 5, 1, 10, 0);
const clock = new FakeClock(NOW);
let box: TestBox;
let productId = "";
let cityId = "";
let instrumentId = "";
let memberId = "";

beforeAll(async () => {
  box = testBox({ clock });
  await setUp(box);
  box.writer.transact((tx) => {
    productId = saveMembershipProduct(tx, box.deps, { name: "Année", duration: "rolling_year", amountMinor: 1500 }).id;
    cityId = saveMemberField(tx, box.deps, { label: "Ville", kind: "text", required: true }).id;
    instrumentId = saveMemberField(tx, box.deps, { label: "Instrument", kind: "text", required: false }).id;
    memberId = insertMember(tx, box.deps.newId, { name: "Vic Tim", email: "vic@example.org" }, insertWallet(tx, box.deps.newId)).id;
    setMemberFieldValues(tx, memberId, { [cityId]: "Metz" });
  });
});
afterAll(() => box.dispose());

let keys = 0;
function order(channel: "online" | "box_office", fieldValues: Record<string, string>) {
  const input = {
    productId,
    buyer: { name: "Someone Else", email: "VIC@example.org" },
    fieldValues,
    channel,
    payment: { state: "pay_on_site" as const },
    idempotencyKey: `answers-${++keys}`,
    nowMs: clock.nowMs(),
  };
  return box.writer.transact((tx) => createMembershipOrder(tx, orderDeps(box), input));
}

describe("answers of an existing member through a membership order", () => {
  test("an online order with the member's e-mail keeps their stored answers and only fills an empty one", () => {
    const made = order("online", { [cityId]: "Ailleurs", [instrumentId]: "Violon" });
    expect(made.memberId).toBe(memberId);
    expect(memberFieldValues(box.sqlite, memberId)).toEqual({ [cityId]: "Metz", [instrumentId]: "Violon" });
    // Given again, the filled one does not change either: it is stored now.
    order("online", { [instrumentId]: "Batterie" });
    expect(memberFieldValues(box.sqlite, memberId)).toEqual({ [cityId]: "Metz", [instrumentId]: "Violon" });
  });

  test("the box office may change a stored answer", () => {
    order("box_office", { [cityId]: "Nancy" });
    expect(memberFieldValues(box.sqlite, memberId)[cityId]).toBe("Nancy");
  });
});
