/**
 * Which check-in list the door page works on: the lists of the events not over yet, and the one
 * asked for (`?list=`), else the default list of the event asked for (`?event=`, older links),
 * else the first one.
 */
import type { Sqlite } from "../db/index.ts";
import { listCheckinLists, listUpcomingEvents, type CheckinList } from "../ticketing/index.ts";
import type { DoorListOption } from "../../ui/pages/door.tsx";

export interface DoorChoice {
  readonly options: readonly DoorListOption[];
  readonly list: CheckinList | undefined;
}

export function chooseList(sqlite: Sqlite, nowMs: number, askedList: string, askedEvent: string): DoorChoice {
  const options: DoorListOption[] = [];
  const lists = new Map<string, CheckinList>();
  for (const event of listUpcomingEvents(sqlite, nowMs)) {
    for (const list of listCheckinLists(sqlite, event.id)) {
      lists.set(list.id, list);
      options.push({ id: list.id, eventId: event.id, eventTitle: event.title, startsAtMs: event.startsAtMs, name: list.name, isDefault: list.isDefault, allowReentry: list.allowReentry });
    }
  }
  const list = lists.get(askedList) ?? lists.get(askedEvent) ?? (options[0] ? lists.get(options[0].id) : undefined);
  return { options, list };
}
