/** The offline door, in English (merged into en.ts): the same keys as door-offline-fr.ts. */
import type { doorOfflineFr } from "./door-offline-fr.ts";

export const doorOfflineEn: Record<keyof typeof doorOfflineFr, string> = {
  "door.offline.banner": "Offline: {n} scan(s) waiting to be sent.",
  "door.offline.banner_empty": "Offline: tickets are checked on this phone.",
  "door.offline.pending": "{n} scan(s) waiting to be sent to the box.",
  "door.offline.locked": "{n} scan(s) waiting: unlock this terminal to send them.",
  "door.offline.saved": "Ticket list saved on this phone at {time} ({n} tickets): the door keeps working without the box.",
  "door.offline.not_saved": "The ticket list is not saved on this phone yet.",
  "door.offline.admitted": "Admitted (offline)",
  "door.offline.exited": "Exit recorded (offline)",
  "door.offline.unknown_holder": "Ticket sold after the list was last updated.",
  "door.offline.already_redeemed": "Ticket already used at {time}.",
  "door.offline.no_snapshot": "Offline, and no list is saved on this phone for this event: this ticket cannot be checked.",
  "door.offline.refused_code": "Refused ({code}).",
  "door.offline.search": "Offline: the search by name comes back with the box. Scan the ticket.",
  "door.offline.reports": "Reported by the box",
  "door.offline.conflict": "Conflict: {holder}, let in here offline at {time}, had already entered at {first} at “{door}”.",
  "door.offline.conflict_other": "Conflict: the box refuses the offline entry of {holder} at {time} ({code}).",
  "door.offline.rejected": "Offline scan of {time} not accepted by the box ({code}).",
  "door.offline.clear_reports": "Clear these messages",
  "door.offline.someone": "this ticket",
  "door.offline.forget": "Forget this event's data on this phone",
  "door.offline.forget_ready": "Holders' names stay on this phone until 12 hours after the event's end, then are erased by themselves.",
  "door.offline.forget_waiting": "{n} scan(s) waiting to be sent: the data stays on this phone until they are sent.",
  "door.offline.forget_nothing": "No data of this event on this phone.",
  "door.offline.forget_confirm": "Erase this event's ticket list, names included, from this phone? Without the box, its tickets can then no longer be checked on this phone.",
};
