/**
 * The agenda as an iCalendar feed (RFC 5545): one VEVENT per event, times in UTC, text values
 * escaped (backslash, semicolon, comma, newline) and every content line folded at 75 octets
 * (continuation lines start with a space; a UTF-8 character is never cut). Lines end in CRLF.
 */
import type { TicketedEvent } from "./events.ts";

const FOLD_OCTETS = 75;

export function escapeIcalText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

/** Splits one content line into lines of at most 75 octets, continuations starting with a space. */
export function foldIcalLine(line: string): string {
  const encoder = new TextEncoder();
  const parts: string[] = [];
  let current = "";
  let currentOctets = 0;
  let limit = FOLD_OCTETS;
  for (const char of line) {
    const octets = encoder.encode(char).length;
    if (currentOctets + octets > limit) {
      parts.push(current);
      current = " ";
      currentOctets = 1;
      limit = FOLD_OCTETS;
    }
    current += char;
    currentOctets += octets;
  }
  parts.push(current);
  return parts.join("\r\n");
}

export function icalUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export interface CalendarInput {
  readonly calendarName: string;
  /** Identifies this box in UIDs ("tibox.local"), so two venues' events never share one. */
  readonly uidDomain: string;
  /** Where each event's page is: the base URL of the agenda ("https://tibox.local/agenda"). */
  readonly agendaUrl: string;
  readonly events: readonly TicketedEvent[];
}

export function agendaCalendar(input: CalendarInput): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tibox//agenda//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", `X-WR-CALNAME:${escapeIcalText(input.calendarName)}`];
  for (const event of input.events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${event.id}@${input.uidDomain}`,
      `DTSTAMP:${icalUtc(event.updatedAtMs)}`,
      `DTSTART:${icalUtc(event.startsAtMs)}`,
      `DTEND:${icalUtc(event.endsAtMs)}`,
      `SUMMARY:${escapeIcalText(event.title)}`,
    );
    if (event.description) lines.push(`DESCRIPTION:${escapeIcalText(event.description)}`);
    if (event.tags.length > 0) lines.push(`CATEGORIES:${event.tags.map(escapeIcalText).join(",")}`);
    lines.push(`URL:${input.agendaUrl}/${event.id}`);
    // RFC 7986 IMAGE: the event's image as an absolute address (a path on the box is resolved against the agenda's).
    if (event.imageUrl) lines.push(`IMAGE;VALUE=URI;DISPLAY=BADGE:${new URL(event.imageUrl, input.agendaUrl).href}`);
    lines.push("END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldIcalLine).join("\r\n") + "\r\n";
}
