// Proves how the door says when a ticket already passed: the time alone on the same day in the
// venue's timezone (a volunteer reads "20:14" at arm's length, not "10/05/2030 20:14:07"), the date
// and time without seconds on another day, the day being the venue's, not UTC's; the search's
// "entered at" uses the same words.
import { describe, expect, test } from "bun:test";
import { translator } from "../../ui/i18n/index.ts";
import { DoorSearchResults, doorTime } from "../../ui/pages/door.tsx";
import type { View } from "../../ui/view.ts";

function viewAt(serverTimeMs: number, lang: "fr" | "en" = "fr"): View {
  return { lang, t: translator(lang), timezone: "Europe/Paris", serverTimeMs } as View;
}

describe("doorTime", () => {
  test("the same day in Paris: hours and minutes only", () => {
    const now = Date.UTC(2030, 4, 10, 18, 30); // 20:30 in Paris
    expect(doorTime(viewAt(now), Date.UTC(2030, 4, 10, 18, 14, 7))).toBe("20:14");
    expect(doorTime(viewAt(now, "en"), Date.UTC(2030, 4, 10, 18, 14, 7))).toBe("20:14");
  });

  test("another day in Paris, even when it is the same day in UTC: the date too, no seconds", () => {
    const now = Date.UTC(2030, 4, 9, 22, 30); // 00:30 on 10 May in Paris, still 9 May in UTC
    expect(doorTime(viewAt(now), Date.UTC(2030, 4, 9, 21, 50, 59))).toBe("09/05/2030 23:50");
  });
});

describe("the door's search results", () => {
  test("a ticket already in says when in the door's words, without seconds", () => {
    const now = Date.UTC(2030, 4, 10, 18, 30);
    const html = String(
      DoorSearchResults({ view: viewAt(now), eventId: "E", query: "Ada", tickets: [{ id: "T1", holder: "Ada", product: "Plein tarif", state: "valid", admittedAtMs: Date.UTC(2030, 4, 10, 18, 14, 7), nonce: "n" }] }),
    );
    expect(html).toContain("20:14");
    expect(html).not.toContain("20:14:07");
  });
});
