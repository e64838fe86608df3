// Proves, on a real SQLite file, that the SMTP password the e-mail page never shows cannot be sent
// somewhere else: a masked password ("********", as the page shows it) keeps the stored one only
// for the same server and user (a new port is fine); pointing the settings at another host or
// user with the mask is refused with smtp_password_required and changes nothing, so the stored
// password can only reach another server if someone types it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { maskSmtpUrl, readMailSettings, saveMailSettings } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";

const FROM = "billets@example.org";
let box: TestBox;

beforeAll(async () => {
  box = testBox({ clock: new FakeClock(Date.UTC(2030, 4, 10, 18, 0)) });
  await setUp(box);
});
afterAll(() => box.dispose());

const save = (smtpUrl: string) => box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl, mailFrom: FROM }));
const refusal = (smtpUrl: string) => {
  try {
    save(smtpUrl);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "saved";
};

describe("the stored SMTP password", () => {
  test("the mask keeps it for the same host and user only", () => {
    save("smtps://box:hunter2@mail.example.org:465");
    const shown = maskSmtpUrl(readMailSettings(box.sqlite).smtpUrl);
    expect(shown).not.toContain("hunter2");

    expect(refusal(shown.replace("mail.example.org", "attacker.example"))).toBe("smtp_password_required");
    expect(refusal(shown.replace("box:", "other:"))).toBe("smtp_password_required");
    expect(readMailSettings(box.sqlite).smtpUrl).toBe("smtps://box:hunter2@mail.example.org:465");

    save(shown.replace(":465", ":2465"));
    expect(readMailSettings(box.sqlite).smtpUrl).toBe("smtps://box:hunter2@mail.example.org:2465");
    // A new host with its password typed is fine.
    save("smtp://box:pw2@relay.example.net:587");
    expect(readMailSettings(box.sqlite).smtpUrl).toBe("smtp://box:pw2@relay.example.net:587");
  });
});
