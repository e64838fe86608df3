/** Admin steps the ticketing browser tests share: logging in, typing a time, creating an event. */
import type { Page } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";

/** Logs in through the login form and waits to leave it. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.click(`button:has-text("${fr["login.submit"]}")`)]);
}

/** A time as a datetime-local field wants it ("2026-11-26T20:30"), in the venue's timezone. */
export function localInput(ms: number, timeZone = "Europe/Paris"): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** Creates an event of three hours on /admin/ticketing/events, opens its page and answers its id. */
export async function createEventInAdmin(page: Page, title: string, startsAtMs: number): Promise<string> {
  await page.goto("/admin/ticketing/events");
  await page.fill("#title", title);
  await page.fill("#starts_at", localInput(startsAtMs));
  await page.fill("#ends_at", localInput(startsAtMs + 3 * 3_600_000));
  await page.click(`button:has-text("${fr["events_admin.add"]}")`);
  await page.waitForSelector(`text=${fr["events_admin.created"]}`);
  await Promise.all([page.waitForURL(/\/admin\/ticketing\/events\/[0-9A-Z]+$/), page.click(`a.button:has-text("${fr["events_admin.edit"]}")`)]);
  return new URL(page.url()).pathname.split("/").at(-1)!;
}
