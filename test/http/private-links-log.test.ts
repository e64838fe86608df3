// Proves that the request log never holds a member page's secret: a GET of /me/<token> is logged
// with the route's pattern (/me/:token), not the token, which opens the member's page without a
// login (name, cards, balances, tickets) to whoever reads the logs; other paths are logged as sent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertMember, memberLinkToken } from "../../src/membership/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { ORIGIN, setUp, testBox, type TestBox } from "../helpers/box.ts";

const lines: Array<{ msg: string; fields: Record<string, unknown> | undefined }> = [];
let box: TestBox;

beforeAll(async () => {
  box = testBox({ logger: { log: (_level, msg, fields) => lines.push({ msg, fields }) } });
  await setUp(box);
});
afterAll(() => box.dispose());

describe("the request log", () => {
  test("a member page's token is not logged; other paths are", async () => {
    const memberId = box.writer.transact((tx) => insertMember(tx, box.deps.newId, { name: "Ana", email: "ana@example.org" }, insertWallet(tx, box.deps.newId)).id);
    const token = memberLinkToken(box.signer, memberId);
    const response = await box.app.handle(new Request(`${ORIGIN}/me/${token}`));
    expect(response.status).toBe(200);
    expect((await box.app.handle(new Request(`${ORIGIN}/agenda`))).status).toBe(200);
    const requests = lines.filter((line) => line.msg === "request").map((line) => line.fields?.path);
    expect(requests).toContain("/me/:token");
    expect(requests).toContain("/agenda");
    expect(JSON.stringify(lines)).not.toContain(token);
  });
});
