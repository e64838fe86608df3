/**
 * When an offline door forgets a list (docs/door.md, "Personal data"). A list's snapshot holds
 * the holders' names of its tickets, and the phone keeps it in IndexedDB with the entries it let in
 * offline: nothing there is needed once the event is over. So the page drops a list's data when
 * its event ended more than PURGE_AFTER_END_MS ago by the phone's clock, on load and after each
 * snapshot refresh; and the volunteer may drop an event's data at once ("forget"). Never while a
 * scan of that list waits to be sent: an unsent scan is a person let in that the box does not know
 * of yet; the data stays and the page keeps trying to upload, then drops it. Pure: the clock and
 * what is stored come as arguments.
 */

/** A day's event ends late at night: the morning after, its list is of no use on a phone. */
export const PURGE_AFTER_END_MS = 12 * 3_600_000;

/** What the page knows of one stored list without reading its snapshot (the "lists" store). */
export interface StoredList {
  readonly listId: string;
  readonly eventId: string;
  /** The event's end as the snapshot gave it (milliseconds). */
  readonly eventEndsMs: number;
}

function waitingByList(queuedListIds: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const listId of queuedListIds) counts.set(listId, (counts.get(listId) ?? 0) + 1);
  return counts;
}

/** Whether this list's data may go now: its event ended more than 12 h ago and none of its scans waits. */
export function mayPurge(list: StoredList, waitingScans: number, nowMs: number): boolean {
  // An end the page cannot read is never taken as "long ago": the data then goes only by hand.
  if (!Number.isFinite(list.eventEndsMs)) return false;
  return waitingScans === 0 && nowMs - list.eventEndsMs > PURGE_AFTER_END_MS;
}

/** The lists whose data goes now; `queuedListIds` has one element per queued scan (its list). */
export function listsToPurge(lists: readonly StoredList[], queuedListIds: Iterable<string>, nowMs: number): string[] {
  const waiting = waitingByList(queuedListIds);
  return lists.filter((list) => mayPurge(list, waiting.get(list.listId) ?? 0, nowMs)).map((list) => list.listId);
}

export type ForgetPlan =
  | { readonly allowed: true; readonly listIds: readonly string[] }
  | { readonly allowed: false; readonly reason: "nothing_stored" }
  | { readonly allowed: false; readonly reason: "scans_waiting"; readonly waiting: number };

/**
 * What "forget this event's data on this phone" removes: every stored list of the event. Refused
 * while any scan of those lists waits to be sent (the button is disabled then), or when nothing of
 * the event is stored.
 */
export function forgetPlan(lists: readonly StoredList[], queuedListIds: Iterable<string>, eventId: string): ForgetPlan {
  const listIds = lists.filter((list) => list.eventId === eventId).map((list) => list.listId);
  if (eventId === "" || listIds.length === 0) return { allowed: false, reason: "nothing_stored" };
  const waiting = waitingByList(queuedListIds);
  const count = listIds.reduce((sum, listId) => sum + (waiting.get(listId) ?? 0), 0);
  if (count > 0) return { allowed: false, reason: "scans_waiting", waiting: count };
  return { allowed: true, listIds };
}
