/**
 * Browser-test helpers: a real box as a child process (`tibox serve`) on a free port in a fresh
 * temporary data folder, the tibox CLI run as a child process, and Debian's Chromium driven by
 * playwright-core with a tablet and a phone viewport. Nothing is downloaded: when
 * /usr/bin/chromium is missing, CI fails loudly and a developer machine skips the browser suites.
 */
import { expect } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_MISSING_REASON = "install chromium (apt-get install chromium)";
const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

const REPO_ROOT = resolve(import.meta.dir, "../..");
const MAIN = join(REPO_ROOT, "src/main.ts");
/** The bun running the tests runs the box too, so the box and the tests share one runtime. */
const BUN = process.execPath;

/** A box needs well under a second to listen here; 15 s leaves room for a loaded CI machine. */
const START_TIMEOUT_MS = 15_000;
/** `serve` waits up to 3 s for requests in flight, then closes; 10 s means it hung. */
const STOP_TIMEOUT_MS = 10_000;
const HEALTH_POLL_MS = 50;
/** Log lines kept per box, for the failure message; older lines are dropped. */
const MAX_LOG_LINES = 500;

/**
 * True when the browser suites must be skipped (no Chromium on a developer machine). Under CI a
 * missing Chromium throws instead: a skipped suite there would hide that nothing was tested.
 */
export function browserTestsSkipped(): boolean {
  if (existsSync(CHROMIUM_PATH)) return false;
  if (process.env.CI) throw new Error(`${CHROMIUM_PATH} not found: ${CHROMIUM_MISSING_REASON}`);
  console.warn(`browser tests skipped: ${CHROMIUM_PATH} not found; ${CHROMIUM_MISSING_REASON}`);
  return true;
}

/** `args` are added to the usual flags (a fake camera: `--use-fake-device-for-media-stream` ...). */
export function launchBrowser(options: { readonly args?: readonly string[] } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] });
}

export const TABLET = { width: 600, height: 1024 } as const;
export const PHONE = { width: 390, height: 844 } as const;
export type ViewportName = "tablet" | "phone";
export const VIEWPORTS: Record<ViewportName, { readonly width: number; readonly height: number }> = { tablet: TABLET, phone: PHONE };

export interface ContextOptions {
  readonly baseURL?: string;
  /**
   * Lets the test inject scripts (axe-core) despite the box's Content-Security-Policy. Only for
   * audits: journeys keep the policy on, as a real browser has it.
   */
  readonly bypassCSP?: boolean;
}

/** A touch context of the named size; `isMobile` makes Chromium honour the viewport meta tag. */
export function touchContext(browser: Browser, viewport: ViewportName, options: ContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: VIEWPORTS[viewport],
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 1,
    bypassCSP: options.bypassCSP ?? false,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
  });
}

export function tabletContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  return touchContext(browser, "tablet", options);
}

export function phoneContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  return touchContext(browser, "phone", options);
}

export function tempFolder(prefix = "tibox-e2e-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunningBox {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dataDir: string;
  /** Present while the box waits for its setup. */
  readonly setupCode: string | undefined;
  /** Every stdout and stderr line so far (bounded), for failure messages. */
  readonly logs: readonly string[];
  /** The box's process id (to pause it with SIGSTOP, as a box that hangs without closing its sockets). */
  readonly pid: number;
  /** SIGTERM, then waits for the exit; resolves to the exit code. */
  stop(): Promise<number>;
  /** SIGKILL (a power cut), then waits for the process to be gone. */
  kill(): Promise<void>;
}

/** The test's environment without TIBOX_* settings, so only the flags given here configure a box. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("TIBOX_")) env[key] = value;
  return env;
}

interface LogLine {
  readonly msg?: string;
  readonly http?: string;
  readonly setup_code?: string;
  readonly setup?: string;
}

function parseLogLine(line: string): LogLine | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let index = pending.indexOf("\n");
    while (index >= 0) {
      onLine(pending.slice(0, index));
      pending = pending.slice(index + 1);
      index = pending.indexOf("\n");
    }
  }
  if (pending) onLine(pending);
}

async function waitForHealth(url: string, deadlineMs: number): Promise<void> {
  while (performance.now() < deadlineMs) {
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(HEALTH_POLL_MS);
  }
  throw new Error(`${url}/healthz did not answer 200 in time`);
}

/**
 * Starts `tibox serve` on a free port (port 0: the kernel picks one, the box logs which), or on
 * `port` (a restart on the same address), bound to 127.0.0.1, HTTPS off, in `dataDir` or a fresh
 * temporary folder, with `args` added (`--simulated-readers`); resolves once /healthz answers.
 */
export async function startBox(options: { dataDir?: string; port?: number; args?: readonly string[] } = {}): Promise<RunningBox> {
  const dataDir = options.dataDir ?? tempFolder();
  const port = String(options.port ?? 0);
  const child = Bun.spawn([BUN, MAIN, "serve", "--data", dataDir, "--host", "127.0.0.1", "--port", port, "--https-port", "0", ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: childEnv(),
  });
  const logs: string[] = [];
  let url: string | undefined;
  let setupCode: string | undefined;
  let setupDone = false;
  const keep = (line: string) => {
    logs.push(line);
    if (logs.length > MAX_LOG_LINES) logs.shift();
    const parsed = parseLogLine(line);
    if (parsed?.msg === "tibox listening" && parsed.http) {
      url = parsed.http.replace(/\/$/, "");
      setupDone = parsed.setup === "done";
    }
    if (parsed?.setup_code) setupCode = parsed.setup_code;
  };
  void readLines(child.stdout, keep);
  void readLines(child.stderr, keep);

  const deadlineMs = performance.now() + START_TIMEOUT_MS;
  try {
    while (!(url && (setupDone || setupCode))) {
      if (child.exitCode !== null) throw new Error(`tibox serve exited with ${child.exitCode}`);
      if (performance.now() > deadlineMs) throw new Error("tibox serve did not log its address in time");
      await Bun.sleep(HEALTH_POLL_MS);
    }
    await waitForHealth(url, deadlineMs);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n--- box output ---\n${logs.join("\n")}`);
  }
  const baseUrl = url;
  return {
    url: baseUrl,
    dataDir,
    setupCode: setupDone ? undefined : setupCode,
    logs,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timeout = Bun.sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const);
      const outcome = await Promise.race([child.exited, timeout]);
      if (outcome === "timeout") {
        child.kill("SIGKILL");
        throw new Error(`tibox serve did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
      }
      return outcome;
    },
    async kill() {
      child.kill("SIGKILL");
      await child.exited;
    },
  };
}

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The last non-empty stdout line (commands print their result there). */
  readonly lastLine: string;
}

/** Runs one tibox command (`bun src/main.ts ARGS`) to completion. */
export async function runTibox(args: readonly string[]): Promise<CliResult> {
  const child = Bun.spawn([BUN, MAIN, ...args], { cwd: REPO_ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: childEnv() });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  const lines = stdout.split("\n").filter((line) => line.trim());
  return { exitCode, stdout, stderr, lastLine: lines.at(-1) ?? "" };
}

export function removeFolder(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** The text of axe-core's browser build, injected into pages with addScriptTag({ content }). */
export function axeSource(): string {
  return readFileSync(join(REPO_ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: ReadonlyArray<{ readonly target: readonly string[]; readonly failureSummary: string }>;
}

/** Runs axe-core on the page (WCAG 2.x A and AA, plus best practices) and returns the violations. */
export async function axeViolations(page: Page, source: string, disabledRules: readonly string[] = []): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!loaded) await page.addScriptTag({ content: source });
  return page.evaluate(async (disabled) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] }, rules });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
    }));
  }, disabledRules);
}

/** One line per violation and node: readable in a failed expect. */
export function describeViolations(violations: readonly AxeViolation[]): string[] {
  return violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${violation.help} at ${node.target.join(" ")}`));
}

/** The smallest touch target the pages must offer, in CSS px. */
export const MIN_TARGET_PX = 44;

/**
 * Visible controls under 44x44 CSS px (a radio or checkbox counts by its label). `summary` joins
 * the list for pages that use <details>.
 */
export function smallTargets(page: Page, options: { readonly summary?: boolean } = {}): Promise<string[]> {
  return page.evaluate(
    ([minPx, summary]) => {
      const selector = `a[href], button, input:not([type=hidden]), select, textarea${summary ? ", summary" : ""}, label:has(input[type=radio]), label:has(input[type=checkbox])`;
      const small: string[] = [];
      for (const element of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
        if (getComputedStyle(element).visibility === "hidden" || element.getClientRects().length === 0) continue;
        if (element instanceof HTMLInputElement && (element.type === "radio" || element.type === "checkbox") && element.closest("label")) continue;
        const box = element.getBoundingClientRect();
        if (box.right + window.scrollX <= 0 || box.bottom + window.scrollY <= 0) continue;
        if (box.width >= minPx && box.height >= minPx) continue;
        small.push(`${element.tagName.toLowerCase()}#${element.id} "${(element.textContent ?? "").trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
      }
      return small;
    },
    [MIN_TARGET_PX, options.summary ?? false] as const,
  );
}

/**
 * How far a page scrolls sideways past the device's width, in CSS px (0 when it does not).
 * Measured against the device width, not only innerWidth: a mobile browser given content wider
 * than the screen widens its layout viewport (innerWidth grows to fit and the page is zoomed
 * out), so `scrollWidth <= innerWidth` alone would pass a page that is too wide.
 */
export function horizontalOverflowPx(page: Page, deviceWidthPx: number): Promise<number> {
  return page.evaluate((deviceWidth) => Math.max(0, (document.scrollingElement?.scrollWidth ?? 0) - Math.min(window.innerWidth, deviceWidth)), deviceWidthPx);
}

/** A page fit for a phone: no sideways scroll past the phone's width, and every control a 44 px target. */
export async function expectPhoneFriendly(page: Page): Promise<void> {
  expect(await horizontalOverflowPx(page, PHONE.width)).toBe(0);
  expect(await smallTargets(page)).toEqual([]);
}
