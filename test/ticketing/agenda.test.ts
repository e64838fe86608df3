// Proves the public agenda shows upcoming public events only, escapes their markup, gives each a
// shareable page, and that the iCal feed escapes text and folds lines per RFC 5545 (a golden
// string); also that an admin creates and edits an event through the pages, logged in the event log.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { agendaCalendar, createEvent, escapeIcalText, foldIcalLine, listEvents, type EventInput, type TicketedEvent } from "../../src/ticketing/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";

const NOW = Date.UTC(2030, 2, 1, 12, 0);
const HOUR = 3_600_000;

describe("iCal", () => {
  test("text values escape backslash, semicolon, comma and newlines", () => {
    expect(escapeIcalText("a\\b;c,d\ne\r\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
  });

  test("lines fold at 75 octets without cutting a UTF-8 character", () => {
    const folded = foldIcalLine(`DESCRIPTION:${"é".repeat(40)}`);
    for (const line of folded.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(folded.split("\r\n").map((line, index) => (index === 0 ? line : line.slice(1))).join("")).toBe(`DESCRIPTION:${"é".repeat(40)}`);
  });

  test("golden feed", () => {
    const event: TicketedEvent = {
      id: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ",
      title: "Concert; jazz, blues",
      description: "Première partie: C:\\chemin\nEntrée libre, chapeau à la sortie pour les musiciens qui viennent de loin",
      imageUrl: null,
      startsAtMs: Date.UTC(2030, 2, 14, 19, 30),
      endsAtMs: Date.UTC(2030, 2, 14, 22, 0),
      doorsAtMs: Date.UTC(2030, 2, 14, 19, 0),
      capacity: null,
      tags: ["jazz"],
      visibility: "public",
      createdAtMs: NOW,
      updatedAtMs: NOW,
    };
    const feed = agendaCalendar({ calendarName: "Les Amis", uidDomain: "tibox.local", agendaUrl: "https://tibox.local/agenda", events: [event] });
    expect(feed).toBe(
      [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tibox//agenda//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Les Amis",
        "BEGIN:VEVENT",
        "UID:01JQ4Z8D3M2V6S9T0ABCDEFGHJ@tibox.local",
        "DTSTAMP:20300301T120000Z",
        "DTSTART:20300314T193000Z",
        "DTEND:20300314T220000Z",
        "SUMMARY:Concert\\; jazz\\, blues",
        "DESCRIPTION:Première partie: C:\\\\chemin\\nEntrée libre\\, chapeau à la sor",
        " tie pour les musiciens qui viennent de loin",
        "CATEGORIES:jazz",
        "URL:https://tibox.local/agenda/01JQ4Z8D3M2V6S9T0ABCDEFGHJ",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
      ].join("\r\n"),
    );
  });
});

describe("agenda pages", () => {
  let box: TestBox;
  const clock = new FakeClock(NOW);
  const make = (input: Partial<EventInput>) => {
    const startsAtMs = input.startsAtMs ?? NOW + 24 * HOUR;
    const base: EventInput = { title: "x", description: "", imageUrl: null, startsAtMs, endsAtMs: startsAtMs + 2 * HOUR, doorsAtMs: startsAtMs, capacity: null, tags: [], visibility: "public" };
    return box.writer.transact((tx) => createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { ...base, ...input }));
  };

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
  });
  afterAll(() => box.dispose());

  test("anyone sees upcoming public events with their date in the venue's timezone, markup escaped", async () => {
    const shown = make({ title: "<script>alert(1)</script> Bal", description: "<b>gras</b>", startsAtMs: Date.UTC(2030, 2, 14, 19, 30) });
    make({ title: "Réunion privée", visibility: "private" });
    make({ title: "Soirée passée", startsAtMs: NOW - 48 * HOUR });
    const response = await new Client(box).get("/agenda");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Bal");
    expect(page).not.toContain("<script>alert(1)");
    expect(page).not.toContain("Réunion privée");
    expect(page).not.toContain("Soirée passée");
    // 19:30 UTC is 20:30 in Paris in March (UTC+1), written in French.
    expect(page).toContain("jeudi 14 mars 2030 à 20:30");
    expect(page).toContain(`/agenda/${shown.id}`);

    const detail = await new Client(box).get(`/agenda/${shown.id}`);
    expect(detail.status).toBe(200);
    const detailText = await detail.text();
    expect(detailText).toContain("&lt;b&gt;gras&lt;/b&gt;");
    expect(detailText).toContain(`http://localhost/agenda/${shown.id}`);
  });

  test("a private or unknown event's page is 404", async () => {
    const hidden = make({ title: "Caché", visibility: "private" });
    expect((await new Client(box).get(`/agenda/${hidden.id}`)).status).toBe(404);
    expect((await new Client(box).get("/agenda/nothing")).status).toBe(404);
  });

  test("the iCal feed is text/calendar with the public events only", async () => {
    const response = await new Client(box).get("/agenda.ics");
    expect(response.headers.get("content-type")).toStartWith("text/calendar");
    const feed = await response.text();
    expect(feed).toContain("SUMMARY:<script>alert(1)</script> Bal");
    expect(feed).not.toContain("Réunion privée");
    expect(feed.split("\r\n").every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true);
  });

  test("an admin creates and edits an event through the pages; refusals come back with their code's text", async () => {
    const client = new Client(box);
    await client.login();
    const form = { title: "Atelier vélo", description: "", image_url: "", starts_at: "2030-04-05T14:00", ends_at: "2030-04-05T17:00", doors_at: "", capacity: "20", tags: "atelier, vélo", visibility: "public" };
    const refused = await client.post("/admin/ticketing/events", { ...form, ends_at: "2030-04-05T13:00" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("La fin doit suivre le début");
    const created = await client.post("/admin/ticketing/events", form);
    expect(created.status).toBe(200);
    const event = listEvents(box.writer.sqlite).find((row) => row.title === "Atelier vélo")!;
    // 14:00 in Paris in April (UTC+2) is 12:00 UTC; empty doors open at the start.
    expect(event.startsAtMs).toBe(Date.UTC(2030, 3, 5, 12, 0));
    expect(event.doorsAtMs).toBe(event.startsAtMs);
    expect(event.tags).toEqual(["atelier", "vélo"]);
    const page = await (await client.get(`/admin/ticketing/events/${event.id}`)).text();
    expect(page).toContain('value="2030-04-05T14:00"');
    const edited = await client.post(`/admin/ticketing/events/${event.id}`, { ...form, title: "Atelier vélo (complet)", capacity: "0" });
    expect(edited.status).toBe(400);
    const saved = await client.post(`/admin/ticketing/events/${event.id}`, { ...form, title: "Atelier vélo (complet)" });
    expect(saved.status).toBe(200);
    const logged = box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM event_log WHERE kind = 'config.event_saved'").get()!.n;
    expect(logged).toBe(2);
  });
});
