/**
 * The offline door, in the browser (docs/door.md, "Offline"). Bundled into
 * ui/static/gen/door-offline.js and loaded as a module by the door page.
 *
 * - It registers the door's service worker (ui/static/door-sw.js), which keeps the page, its
 *   scripts and styles, so that the page reloads without the box.
 * - It keeps, per check-in list, in IndexedDB: the snapshot (GET /door/snapshot, refreshed with
 *   its ETag while the box answers), the entries this door let in offline, and the queue of scans
 *   to upload (nonce, qr, when).
 * - A scan goes to the box as before (htmx, the box's answer panel). When the box is known to be
 *   unreachable, or the request fails or times out, the scan is judged here (door-decide.ts: the
 *   signature with @noble/curves, the revocation list, states, windows, entries) and, when
 *   admitted, queued under the scan's own nonce. The same nonce matters: if the first request did
 *   reach the box, the upload answers that first result and nothing is counted twice.
 * - Every few seconds, on the browser's "online" event and on load, it asks the box if it is
 *   there, then uploads the queue one scan at a time (POST /door/checkins, forced: true, the
 *   original nonce and scan time), removes each on a 200, and shows the conflicts the box reports
 *   (two offline doors let in one ticket: the box records it and says when and where it entered).
 * - The holders' names do not stay on the phone after the event (door-purge.ts): on load and after
 *   each snapshot refresh, a list whose event ended more than 12 h ago goes (snapshot, entries,
 *   reports) unless one of its scans still waits to be sent; the page also offers to forget the
 *   event's data at once, disabled while scans wait.
 */
import { isDoorSnapshot, judgeOffline, offlineList, type Direction, type DoorSnapshot, type LocalPass, type OfflineList, type OfflineVerdict } from "./door-decide.ts";
import { forgetPlan, listsToPurge, mayPurge, type StoredList } from "./door-purge.ts";

const DB_NAME = "tibox-door";
/** 2: the "lists" store (each saved list's event and end, read by the purge without the snapshots). */
const DB_VERSION = 2;
const PAGE_CACHE = "tibox-door-pages";
/** How often the page asks the box whether it is there (and uploads when it is). */
const SYNC_MS = 3000;
/** The snapshot is asked again this often while the box answers (304 when nothing changed). */
const SNAPSHOT_REFRESH_MS = 15_000;
const PING_TIMEOUT_MS = 2500;
const REQUEST_TIMEOUT_MS = 8000;
/** A scan the box has not answered after this long is judged here. */
const SCAN_TIMEOUT_MS = 4000;
/** Bounds: queued scans kept (a night at a busy door), uploads per round, reports shown. */
const MAX_QUEUE = 20_000;
const UPLOADS_PER_ROUND = 500;
const MAX_REPORTS = 50;

interface QueuedScan {
  readonly nonce: string;
  readonly listId: string;
  readonly qr: string;
  readonly direction: Direction;
  readonly scannedAtMs: number;
  readonly ticketId: string;
  readonly holder: string | null;
}

/** This door's last pass of a ticket on a list (an entry leaves the person inside, an exit not). */
interface Admission {
  readonly listId: string;
  readonly ticketId: string;
  readonly atMs: number;
  readonly inside: boolean;
  /** When the box confirmed it (then the next snapshot shows it and this record goes). */
  readonly uploadedAtMs: number | null;
}

interface StoredSnapshot {
  readonly listId: string;
  readonly etag: string;
  readonly snapshot: DoorSnapshot;
  readonly storedAtMs: number;
}

interface Report {
  readonly nonce: string;
  /** The scan's list (absent on reports kept by the first version): the purge drops them with it. */
  readonly listId?: string;
  readonly atMs: number;
  readonly text: string;
  readonly code: string;
}

type Texts = Record<string, string>;

// --- IndexedDB, promised ------------------------------------------------------------------

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function storedListOf(stored: StoredSnapshot): StoredList {
  return { listId: stored.listId, eventId: stored.snapshot.event.id, eventEndsMs: stored.snapshot.event.ends };
}

function openDb(): Promise<IDBDatabase> {
  const request = indexedDB.open(DB_NAME, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains("snapshots")) db.createObjectStore("snapshots", { keyPath: "listId" });
    if (!db.objectStoreNames.contains("admissions")) db.createObjectStore("admissions", { keyPath: ["listId", "ticketId"] });
    if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "nonce" });
    if (!db.objectStoreNames.contains("reports")) db.createObjectStore("reports", { keyPath: "nonce" });
    if (!db.objectStoreNames.contains("lists")) {
      const lists = db.createObjectStore("lists", { keyPath: "listId" });
      // Snapshots saved by the first version get their row, or they would never be purged.
      const cursor = request.transaction!.objectStore("snapshots").openCursor();
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at) return;
        lists.put(storedListOf(at.value as StoredSnapshot));
        at.continue();
      };
    }
  };
  return promised(request);
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

async function getAll<T>(db: IDBDatabase, store: string): Promise<T[]> {
  return promised(db.transaction(store, "readonly").objectStore(store).getAll()) as Promise<T[]>;
}

async function put(db: IDBDatabase, store: string, value: unknown): Promise<void> {
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).put(value);
  await done(tx);
}

async function remove(db: IDBDatabase, store: string, key: IDBValidKey): Promise<void> {
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).delete(key);
  await done(tx);
}

// --- texts -----------------------------------------------------------------------------------

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The door page, as the module sees it. */
interface Page {
  readonly root: HTMLElement;
  readonly texts: Texts;
  readonly formatTime: (ms: number) => string;
  readonly listId: () => string;
  readonly direction: () => Direction;
}

function readPage(root: HTMLElement): Page {
  let texts: Texts = {};
  try {
    texts = JSON.parse(root.dataset.texts ?? "{}") as Texts;
  } catch {
    texts = {};
  }
  const format = new Intl.DateTimeFormat(root.dataset.lang || undefined, { timeStyle: "medium", timeZone: root.dataset.timezone || undefined });
  return {
    root,
    texts,
    formatTime: (ms) => format.format(ms),
    listId: () => {
      // A list chooser on the page (name="list") wins over the event's default list.
      const chosen = document.querySelector<HTMLInputElement | HTMLSelectElement>("#door-scan-form [name=list]");
      return (chosen?.value || root.dataset.list || "").trim();
    },
    direction: () => (document.querySelector<HTMLInputElement>("#door-scan-form [name=direction]:checked")?.value === "exit" ? "exit" : "entry"),
  };
}

function text(page: Page, key: string, vars: Record<string, string | number> = {}): string {
  return fill(page.texts[key] ?? key, vars);
}

// --- the answer panel, drawn here when the box cannot answer -------------------------------

function element(tag: string, className: string, content?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

function refusalText(page: Page, verdict: Extract<OfflineVerdict, { result: "refused" }>): string {
  if (verdict.code === "already_redeemed" && verdict.atMs !== undefined) return text(page, "door.offline.already_redeemed", { time: page.formatTime(verdict.atMs) });
  const key = `door.refusal.${verdict.code}`;
  return page.texts[key] ?? text(page, "door.offline.refused_code", { code: verdict.code });
}

/** The same full-screen panel as the box's DoorPanel, marked offline. */
function showPanel(page: Page, verdict: OfflineVerdict | { result: "refused"; code: "no_snapshot" }): void {
  const result = document.getElementById("door-result");
  if (!result) return;
  const ok = verdict.result === "admitted";
  const panel = element("div", `door-panel ${ok ? "admitted" : "refused"}`);
  panel.setAttribute("role", "alert");
  panel.dataset.testid = "door-panel";
  panel.setAttribute("data-testid", "door-panel");
  panel.dataset.result = verdict.result;
  panel.dataset.offline = "true";
  const verdictKey = verdict.result === "admitted" ? (verdict.direction === "exit" ? "door.offline.exited" : "door.offline.admitted") : "door.refused";
  panel.appendChild(element("p", "door-verdict", text(page, verdictKey)));
  if (verdict.result === "admitted") {
    panel.appendChild(element("p", "door-holder", verdict.holder ?? text(page, "door.offline.unknown_holder")));
  } else {
    const reason = element("p", "door-reason", verdict.code === "no_snapshot" ? text(page, "door.offline.no_snapshot") : refusalText(page, verdict));
    reason.dataset.code = verdict.code;
    panel.appendChild(reason);
  }
  const next = element("button", "big", text(page, "door.next"));
  next.setAttribute("type", "button");
  next.setAttribute("data-door-next", "");
  panel.appendChild(next);
  result.replaceChildren(panel);
  next.focus();
}

// --- the door -------------------------------------------------------------------------------

interface Door {
  scanOffline(qr: string, nonce: string): Promise<void>;
  /** Drops the lists whose event ended more than 12 h ago and have no scan waiting; answers their ids. */
  purge(): Promise<readonly string[]>;
  /** Drops every list of the shown list's event, unless one of their scans waits; answers their ids. */
  forget(): Promise<readonly string[]>;
  /** Builds the saved list's checker now (its first signature check pays for JIT and tables). */
  warm(): Promise<void>;
  sync(): Promise<void>;
  readonly reachable: () => boolean;
  markUnreachable(): void;
}

function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `door-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

function csrfFrom(html: string): string | undefined {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  try {
    const headers = JSON.parse(parsed.body.getAttribute("hx-headers") ?? "{}") as Record<string, string>;
    return headers["X-CSRF-Token"] || undefined;
  } catch {
    return undefined;
  }
}

function currentCsrf(): string {
  try {
    return (JSON.parse(document.body.getAttribute("hx-headers") ?? "{}") as Record<string, string>)["X-CSRF-Token"] ?? "";
  } catch {
    return "";
  }
}

async function fetchWithin(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(url, { ...init, signal: controller.signal, credentials: "same-origin", cache: "no-store", redirect: "manual" });
  } finally {
    clearTimeout(timer);
  }
}

function isJson(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").startsWith("application/json");
}

function createDoor(db: IDBDatabase, page: Page, now: () => number): Door {
  let reachable = navigator.onLine;
  let locked = false;
  let syncing: Promise<void> | undefined;
  let lastSnapshotMs = 0;
  let csrf = currentCsrf();
  const lists = new Map<string, OfflineList>();
  /** Lists forgotten by hand: not fetched again until the page is loaded again. */
  const forgotten = new Set<string>();

  async function listFor(listId: string): Promise<OfflineList | undefined> {
    const stored = (await promised(db.transaction("snapshots", "readonly").objectStore("snapshots").get(listId))) as StoredSnapshot | undefined;
    if (!stored) return undefined;
    const cached = lists.get(listId);
    if (cached && cached.snapshot.etag === stored.etag) return cached;
    const list = offlineList(stored.snapshot);
    lists.set(listId, list);
    return list;
  }

  async function passesHere(listId: string): Promise<Map<string, LocalPass>> {
    const range = IDBKeyRange.bound([listId, ""], [listId, "\uffff"]);
    const rows = (await promised(db.transaction("admissions", "readonly").objectStore("admissions").getAll(range))) as Admission[];
    return new Map(rows.map((row) => [row.ticketId, { atMs: row.atMs, inside: row.inside }]));
  }

  async function render(): Promise<void> {
    const queue = await getAll<QueuedScan>(db, "queue");
    const banner = document.getElementById("door-offline-banner");
    if (banner) {
      const key = !reachable ? (queue.length > 0 ? "door.offline.banner" : "door.offline.banner_empty") : locked && queue.length > 0 ? "door.offline.locked" : queue.length > 0 ? "door.offline.pending" : "";
      banner.hidden = key === "";
      banner.textContent = key ? text(page, key, { n: queue.length }) : "";
      banner.dataset.queue = String(queue.length);
      banner.dataset.state = !reachable ? "offline" : "online";
    }
    const status = document.getElementById("door-offline-status");
    const listId = page.listId();
    if (status && listId) {
      const stored = (await promised(db.transaction("snapshots", "readonly").objectStore("snapshots").get(listId))) as StoredSnapshot | undefined;
      status.textContent = stored ? text(page, "door.offline.saved", { time: page.formatTime(stored.storedAtMs), n: stored.snapshot.tickets.length }) : text(page, "door.offline.not_saved");
      status.dataset.saved = stored ? "true" : "false";
    }
    const reports = (await getAll<Report>(db, "reports")).sort((a, b) => b.atMs - a.atMs).slice(0, MAX_REPORTS);
    const box = document.getElementById("door-offline-reports");
    const list = box?.querySelector("ul");
    if (box && list) {
      list.replaceChildren(
        ...reports.map((report) => {
          const item = element("li", `door-offline-report ${report.code}`, report.text);
          item.dataset.code = report.code;
          return item;
        }),
      );
      box.hidden = reports.length === 0;
    }
    await renderForget(queue, listId);
    page.root.dataset.queue = String(queue.length);
    page.root.dataset.reachable = String(reachable);
  }

  /** The "forget this event's data" button: enabled when the event has data here and no scan waits. */
  async function renderForget(queue: readonly QueuedScan[], listId: string): Promise<void> {
    const button = document.querySelector<HTMLButtonElement>("[data-door-offline-forget]");
    if (!button) return;
    const stored = await getAll<StoredList>(db, "lists");
    const eventId = stored.find((list) => list.listId === listId)?.eventId ?? "";
    const plan = forgetPlan(stored, queue.map((scan) => scan.listId), eventId);
    button.disabled = !plan.allowed;
    button.dataset.state = plan.allowed ? "ready" : plan.reason;
    const hint = document.getElementById("door-offline-forget-hint");
    if (hint) {
      hint.textContent = plan.allowed ? text(page, "door.offline.forget_ready") : plan.reason === "scans_waiting" ? text(page, "door.offline.forget_waiting", { n: plan.waiting }) : text(page, "door.offline.forget_nothing");
    }
  }

  /**
   * Drops the lists `choose` names, with their entries and reports, in one transaction that also
   * reads the queue: a scan queued meanwhile is seen, and its list stays.
   */
  async function drop(choose: (stored: StoredList[], queuedListIds: string[]) => readonly string[]): Promise<readonly string[]> {
    const tx = db.transaction(["snapshots", "lists", "admissions", "reports", "queue"], "readwrite");
    const stored = (await promised(tx.objectStore("lists").getAll())) as StoredList[];
    const queued = ((await promised(tx.objectStore("queue").getAll())) as QueuedScan[]).map((scan) => scan.listId);
    const listIds = choose(stored, queued);
    if (listIds.length > 0) {
      const reports = (await promised(tx.objectStore("reports").getAll())) as Report[];
      for (const listId of listIds) {
        tx.objectStore("snapshots").delete(listId);
        tx.objectStore("lists").delete(listId);
        tx.objectStore("admissions").delete(IDBKeyRange.bound([listId, ""], [listId, "\uffff"]));
      }
      for (const entry of reports) if (entry.listId !== undefined && listIds.includes(entry.listId)) tx.objectStore("reports").delete(entry.nonce);
    }
    await done(tx);
    for (const listId of listIds) lists.delete(listId);
    return listIds;
  }

  function purge(): Promise<readonly string[]> {
    return drop((stored, queued) => listsToPurge(stored, queued, now()));
  }

  async function forget(): Promise<readonly string[]> {
    const listId = page.listId();
    const eventId = (await getAll<StoredList>(db, "lists")).find((list) => list.listId === listId)?.eventId ?? "";
    const dropped = await drop((stored, queued) => {
      const plan = forgetPlan(stored, queued, eventId);
      return plan.allowed ? plan.listIds : [];
    });
    for (const id of dropped) forgotten.add(id);
    await render();
    return dropped;
  }

  async function scanOffline(qr: string, nonce: string): Promise<void> {
    const listId = page.listId();
    const list = listId ? await listFor(listId) : undefined;
    if (!list) {
      showPanel(page, { result: "refused", code: "no_snapshot" });
      return;
    }
    const atMs = now();
    const direction = page.direction();
    const verdict = judgeOffline(list, await passesHere(listId), qr, atMs, direction);
    if (verdict.result === "admitted") {
      const queued = await getAll<QueuedScan>(db, "queue");
      // Past the bound the door still answers, but the oldest scans are the box's to reconcile.
      if (queued.length >= MAX_QUEUE) await remove(db, "queue", queued[0]!.nonce);
      const tx = db.transaction(["queue", "admissions"], "readwrite");
      const scan: QueuedScan = { nonce: nonce || newNonce(), listId, qr: qr.trim(), direction, scannedAtMs: atMs, ticketId: verdict.ticketId, holder: verdict.holder };
      const admission: Admission = { listId, ticketId: verdict.ticketId, atMs, inside: direction === "entry", uploadedAtMs: null };
      tx.objectStore("queue").put(scan);
      tx.objectStore("admissions").put(admission);
      await done(tx);
    }
    showPanel(page, verdict);
    await render();
  }

  async function refreshCsrf(): Promise<void> {
    const response = await fetchWithin(`/door${location.search}`, { headers: { accept: "text/html" } }, REQUEST_TIMEOUT_MS);
    if (response.status !== 200) return;
    const html = await response.text();
    const token = csrfFrom(html);
    if (token) {
      csrf = token;
      document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRF-Token": token }));
    }
    // The page as it is now also replaces the saved copy (fresh token, counters, events).
    try {
      const cache = await caches.open(PAGE_CACHE);
      await cache.put(location.href, new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }));
    } catch {
      // No Cache API (an insecure address): the page only works while the box answers.
    }
  }

  function report(scan: QueuedScan, code: string, textValue: string): Report {
    return { nonce: scan.nonce, listId: scan.listId, atMs: now(), code, text: textValue };
  }

  /** One queued scan to the box: true when it is settled (200, or refused for good). */
  async function upload(scan: QueuedScan, retried = false): Promise<"settled" | "stop"> {
    let response: Response;
    try {
      response = await fetchWithin(
        "/door/checkins",
        {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrf },
          body: JSON.stringify({ qr: scan.qr, nonce: scan.nonce, list: scan.listId, direction: scan.direction, forced: true, scanned_at: scan.scannedAtMs }),
        },
        REQUEST_TIMEOUT_MS,
      );
    } catch {
      reachable = false;
      return "stop";
    }
    const body = isJson(response) ? ((await response.json().catch(() => ({}))) as Record<string, unknown>) : {};
    const code = typeof body.code === "string" ? body.code : "";
    if (response.status === 200) {
      locked = false;
      const holder = scan.holder ?? text(page, "door.offline.someone");
      const time = page.formatTime(scan.scannedAtMs);
      const tx = db.transaction(["queue", "admissions", "reports"], "readwrite");
      tx.objectStore("queue").delete(scan.nonce);
      // A later pass of the same ticket, still queued, stays the one that counts here.
      const passes = tx.objectStore("admissions");
      const current = (await promised(passes.get([scan.listId, scan.ticketId]))) as Admission | undefined;
      if (current && current.atMs === scan.scannedAtMs) passes.put({ ...current, uploadedAtMs: now() } satisfies Admission);
      if (body.result === "conflict") {
        const first = body.first as { at?: number; door?: string } | null | undefined;
        const line =
          code === "already_redeemed" && first && typeof first.at === "number"
            ? text(page, "door.offline.conflict", { holder, time, first: page.formatTime(first.at), door: first.door ?? "" })
            : text(page, "door.offline.conflict_other", { holder, time, code });
        tx.objectStore("reports").put(report(scan, "conflict", line));
      } else if (body.result !== "admitted") {
        tx.objectStore("reports").put(report(scan, String(body.result ?? "unknown"), text(page, "door.offline.rejected", { time, code: code || String(body.result) })));
      }
      await done(tx);
      return "settled";
    }
    if (code === "csrf_invalid" && !retried) {
      await refreshCsrf().catch(() => undefined);
      return upload(scan, true);
    }
    if (response.status === 401 || response.status === 403 || response.type === "opaqueredirect") {
      // Locked, or the session ended: the scans wait for someone to unlock this terminal.
      locked = true;
      return "stop";
    }
    if (response.status >= 500 || response.status === 429 || !isJson(response)) return "stop";
    // Malformed for this box (a list that no longer exists...): it will never pass; say so, keep going.
    const tx = db.transaction(["queue", "reports"], "readwrite");
    tx.objectStore("queue").delete(scan.nonce);
    tx.objectStore("reports").put(report(scan, code || String(response.status), text(page, "door.offline.rejected", { time: page.formatTime(scan.scannedAtMs), code: code || String(response.status) })));
    await done(tx);
    return "settled";
  }

  async function uploadQueue(): Promise<void> {
    const queue = (await getAll<QueuedScan>(db, "queue")).sort((a, b) => a.scannedAtMs - b.scannedAtMs).slice(0, UPLOADS_PER_ROUND);
    for (const scan of queue) {
      if ((await upload(scan)) === "stop") return;
    }
  }

  async function refreshSnapshot(): Promise<void> {
    const listId = page.listId();
    if (!listId || forgotten.has(listId)) return;
    const stored = (await promised(db.transaction("snapshots", "readonly").objectStore("snapshots").get(listId))) as StoredSnapshot | undefined;
    const headers: Record<string, string> = { accept: "application/json" };
    if (stored) headers["if-none-match"] = stored.etag;
    const response = await fetchWithin(`/door/snapshot?list=${encodeURIComponent(listId)}`, { headers }, REQUEST_TIMEOUT_MS);
    if (response.status === 304) {
      lastSnapshotMs = now();
      await purge();
      return;
    }
    if (response.status !== 200 || !isJson(response)) return;
    const snapshot: unknown = await response.json();
    if (!isDoorSnapshot(snapshot) || snapshot.list.id !== listId) return;
    const etag = response.headers.get("etag") ?? snapshot.etag;
    const record: StoredSnapshot = { listId, etag, snapshot, storedAtMs: now() };
    const waiting = (await getAll<QueuedScan>(db, "queue")).filter((scan) => scan.listId === listId).length;
    if (mayPurge(storedListOf(record), waiting, now())) {
      // The event is long over: the page was opened on it, but its names are not kept again.
      lastSnapshotMs = now();
      await purge();
      return;
    }
    const tx = db.transaction(["snapshots", "lists", "admissions"], "readwrite");
    tx.objectStore("snapshots").put(record);
    tx.objectStore("lists").put(storedListOf(record));
    // Entries the box confirmed before this snapshot was taken are in it now.
    const admissions = tx.objectStore("admissions");
    const range = IDBKeyRange.bound([listId, ""], [listId, "\uffff"]);
    const rows = (await promised(admissions.getAll(range))) as Admission[];
    for (const row of rows) if (row.uploadedAtMs !== null && row.uploadedAtMs <= snapshot.generated_at) admissions.delete([row.listId, row.ticketId]);
    await done(tx);
    lastSnapshotMs = now();
    await purge();
  }

  async function ping(): Promise<boolean> {
    try {
      const response = await fetchWithin("/healthz", {}, PING_TIMEOUT_MS);
      return response.status === 200;
    } catch {
      return false;
    }
  }

  async function round(): Promise<void> {
    reachable = await ping();
    if (reachable) {
      await uploadQueue().catch(() => undefined);
      if (now() - lastSnapshotMs >= SNAPSHOT_REFRESH_MS) await refreshSnapshot().catch(() => undefined);
    }
    await render();
  }

  return {
    scanOffline,
    purge,
    forget,
    warm: async () => {
      const listId = page.listId();
      if (listId) await listFor(listId);
    },
    reachable: () => reachable,
    markUnreachable: () => {
      reachable = false;
      void render();
    },
    sync() {
      // One round at a time: a scan and a timer may both ask.
      syncing ??= round().finally(() => {
        syncing = undefined;
      });
      return syncing;
    },
  };
}

// --- wiring ---------------------------------------------------------------------------------

/** The page as served now, kept for a reload without the box (the service worker keeps it too). */
async function keepPage(): Promise<void> {
  if (!("caches" in window)) return;
  const response = await fetch(location.href, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
  if (response.status === 200 && (response.headers.get("content-type") ?? "").startsWith("text/html")) {
    await (await caches.open(PAGE_CACHE)).put(location.href, response);
  }
}

async function registerWorker(): Promise<boolean> {
  if (!("serviceWorker" in navigator)) return false;
  await navigator.serviceWorker.register("/door-sw.js", { scope: "/door" });
  await navigator.serviceWorker.ready;
  return true;
}

interface PendingScan {
  readonly qr: string;
  readonly nonce: string;
}

function wireScans(door: Door, page: Page): void {
  const form = document.getElementById("door-scan-form");
  const input = document.getElementById("door-scan") as HTMLInputElement | null;
  const nonceField = () => form?.querySelector<HTMLInputElement>("[data-door-nonce]") ?? null;
  if (!form || !input) return;
  // htmx gives up after this long, and the scan is judged here.
  form.setAttribute("hx-request", JSON.stringify({ timeout: SCAN_TIMEOUT_MS }));
  let pending: PendingScan | undefined;

  const isScanForm = (event: Event) => (event as CustomEvent<{ elt?: Element }>).detail?.elt === form;
  const clearInput = () => {
    input.value = "";
    const field = nonceField();
    if (field) field.value = "";
  };

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (!isScanForm(event)) return;
    const field = nonceField();
    const scan = { qr: input.value.trim(), nonce: field?.value || newNonce() };
    pending = scan;
    if (door.reachable()) return;
    // The box is known to be away: answer at once instead of waiting for the network.
    event.preventDefault();
    pending = undefined;
    clearInput();
    void door.scanOffline(scan.qr, scan.nonce);
  });

  const failed = (event: Event) => {
    if (!isScanForm(event) || !pending) return;
    const scan = pending;
    pending = undefined;
    door.markUnreachable();
    clearInput();
    void door.scanOffline(scan.qr, scan.nonce);
  };
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);
  document.addEventListener("htmx:afterRequest", (event) => {
    const detail = (event as CustomEvent<{ elt?: Element; successful?: boolean; failed?: boolean; xhr?: XMLHttpRequest }>).detail;
    // A real answer from the box (any status): the scan is settled there.
    if (detail?.elt === form && detail.xhr && detail.xhr.status > 0) pending = undefined;
  });

  // The search needs the box: say so instead of doing nothing.
  document.addEventListener("htmx:sendError", (event) => {
    const elt = (event as CustomEvent<{ elt?: Element }>).detail?.elt;
    if (!elt || elt === form) return;
    door.markUnreachable();
    const results = document.getElementById("door-search-results");
    if (results && elt.closest(".door-search, .door-checkin-form")) results.replaceChildren(element("p", "notice error", text(page, "door.offline.search")));
  });
}

async function start(): Promise<void> {
  const root = document.getElementById("door-offline");
  if (!root || !("indexedDB" in window)) return;
  const page = readPage(root);
  const db = await openDb();
  const door = createDoor(db, page, () => Date.now());
  wireScans(door, page);
  (window as unknown as { tiboxDoorOffline?: Door }).tiboxDoorOffline = door;

  root.querySelector("[data-door-offline-forget]")?.addEventListener("click", async () => {
    if (!window.confirm(text(page, "door.offline.forget_confirm"))) return;
    await door.forget();
  });
  root.querySelector("[data-door-offline-clear]")?.addEventListener("click", async () => {
    const tx = db.transaction("reports", "readwrite");
    tx.objectStore("reports").clear();
    await done(tx);
    await door.sync();
  });
  window.addEventListener("online", () => void door.sync());
  window.addEventListener("offline", () => door.markUnreachable());
  setInterval(() => void door.sync(), SYNC_MS);

  // Before anything else: an event long over leaves no names on the phone (unless scans wait).
  await door.purge().catch(() => undefined);
  await door.sync();
  // The first check costs about 0.3 s on a slow phone (bench/door-verify.ts): pay it now, not at a scan.
  await door.warm().catch(() => undefined);
  // Served by the box (not a saved copy): make this page the one a reload without the box shows.
  const servedNow = document.body.dataset.offlineCopy !== "true";
  const worker = await registerWorker().catch(() => false);
  if (servedNow && door.reachable()) await keepPage().catch(() => undefined);
  root.dataset.worker = worker && navigator.serviceWorker.controller ? "active" : worker ? "registered" : "none";
  if (worker && !navigator.serviceWorker.controller) {
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      root.dataset.worker = "active";
    });
  }
}

void start();
