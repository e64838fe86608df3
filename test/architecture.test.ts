// Proves the dependency direction of ARCHITECTURE.md on every import in src/ and ui/: a room
// imports only rooms of a lower tier, never one of its own tier, and only through that room's
// index.ts; ui/ and hardware/ import nothing from src/ but the kernel's index.ts. The rule is
// checked on the real files.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");

/** kernel <- db <- auth, ledger <- wallet, demurrage, membership, federation <- ticketing <- pos <- jobs, http <- app.ts <- main.ts */
const TIER: Record<string, number> = {
  kernel: 0,
  db: 1,
  auth: 2,
  ledger: 2,
  wallet: 3,
  demurrage: 3,
  membership: 3,
  federation: 3,
  ticketing: 4,
  pos: 5,
  jobs: 6,
  http: 6,
  "app.ts": 7,
  // The launcher: main.ts and the commands it dispatches to (src/cli/).
  cli: 8,
  "main.ts": 9,
};

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)) found.push(match[1]!);
  for (const match of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1]!);
  return found.filter((specifier) => specifier.startsWith("."));
}

/** The room of a path under src/ ("auth", "app.ts", ...), or "ui" / "other". */
function roomOf(path: string): string {
  const rel = relative(ROOT, path);
  const parts = rel.split("/");
  if (parts[0] === "ui") return "ui";
  if (parts[0] === "hardware") return "hardware";
  if (parts[0] !== "src") return "other";
  if (parts.length === 2) return parts[1]!;
  return parts[1]!;
}

function isRoomIndex(path: string): boolean {
  const rel = relative(join(ROOT, "src"), path).split("/");
  return rel.length === 2 && /^index\.tsx?$/.test(rel[1]!);
}

function resolveImport(from: string, specifier: string): string {
  return resolve(dirname(from), specifier);
}

describe("dependency direction", () => {
  const sources = [...files(join(ROOT, "src")), ...files(join(ROOT, "ui")), ...files(join(ROOT, "hardware"))];
  const violations: string[] = [];
  for (const file of sources) {
    const fromRoom = roomOf(file);
    for (const specifier of imports(file)) {
      const target = resolveImport(file, specifier);
      const toRoom = roomOf(target);
      const where = `${relative(ROOT, file)} imports ${specifier}`;
      if (fromRoom === "ui" || fromRoom === "hardware") {
        if (toRoom !== fromRoom && toRoom !== "kernel" && toRoom !== "other") violations.push(`${where}: ${fromRoom}/ may import only the kernel`);
        if (toRoom === "kernel" && !isRoomIndex(target)) violations.push(`${where}: through the kernel's index.ts`);
        continue;
      }
      // Drivers (hardware/) are wired by the rooms that own their use: pos, jobs, http and above.
      if (toRoom === "hardware" && (TIER[fromRoom] ?? 0) < TIER.pos!) violations.push(`${where}: ${fromRoom} may not use hardware drivers directly`);
      if (toRoom === fromRoom || toRoom === "ui" || toRoom === "hardware" || toRoom === "other") continue;
      const fromTier = TIER[fromRoom];
      const toTier = TIER[toRoom];
      if (fromTier === undefined) violations.push(`${where}: ${fromRoom} is not a room of ARCHITECTURE.md`);
      else if (toTier === undefined) violations.push(`${where}: ${toRoom} is not a room of ARCHITECTURE.md`);
      else if (toTier >= fromTier) violations.push(`${where}: ${fromRoom} (tier ${fromTier}) may not import ${toRoom} (tier ${toTier})`);
      else if (!isRoomIndex(target) && toRoom !== "app.ts") violations.push(`${where}: rooms meet only through index.ts`);
    }
  }

  test("every import in src/ and ui/ follows the direction of ARCHITECTURE.md", () => {
    expect(violations).toEqual([]);
  });

  test("the rule itself catches a same-tier import and a deep import", () => {
    const fake = join(ROOT, "src", "wallet", "x.ts");
    expect(TIER[roomOf(fake)]).toBe(3);
    expect(TIER[roomOf(resolveImport(fake, "../federation/index.ts"))]).toBe(3);
    expect(isRoomIndex(resolveImport(fake, "../auth/service.ts"))).toBe(false);
    expect(isRoomIndex(resolveImport(fake, "../auth/index.ts"))).toBe(true);
    expect(sources.length).toBeGreaterThan(30);
  });

  test("every room of ARCHITECTURE.md exists with an index.ts", () => {
    for (const room of ["kernel", "db", "auth", "ledger", "wallet", "demurrage", "membership", "federation", "ticketing", "pos", "jobs", "http"]) {
      expect(statSync(join(ROOT, "src", room, "index.ts")).isFile()).toBe(true);
    }
  });
});

/** The relative modules a file imports for their values (`import type` is erased and cannot loop). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?!type\s)[^;]*?from\s+["']([^"']+)["']/g)) if (match[1]!.startsWith(".")) found.push(resolveImport(file, match[1]!));
  return found;
}

/** Every cycle of value imports among these files, each as "a -> b -> a". */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (state.get(target) === "open") cycles.push([...path.slice(path.indexOf(target)), target].map((p) => relative(ROOT, p)).join(" -> "));
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe("no import cycles", () => {
  // A cycle works only while its functions are called after both modules loaded; the day one is
  // used at load time, the binary fails to start. Within a room, shared code goes in a third module.
  test("no module of src/, ui/ or hardware/ imports itself back through others", () => {
    const sources = [...files(join(ROOT, "src")), ...files(join(ROOT, "ui")), ...files(join(ROOT, "hardware"))];
    expect(importCycles(new Map(sources.map((file) => [file, valueImports(file)])))).toEqual([]);
  });

  test("the check finds a cycle, and ignores type-only imports", () => {
    const a = join(ROOT, "src", "x", "a.ts");
    const b = join(ROOT, "src", "x", "b.ts");
    expect(importCycles(new Map([[a, [b]], [b, [a]]]))).toEqual(["src/x/a.ts -> src/x/b.ts -> src/x/a.ts"]);
    expect(importCycles(new Map([[a, [b]], [b, []]]))).toEqual([]);
    expect(valueImports(join(ROOT, "src", "http", "order-memberships-view.ts")).some((target) => target.endsWith("context.ts"))).toBe(false);
  });
});
