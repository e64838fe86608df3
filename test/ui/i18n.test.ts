// Proves the French and English catalogs have exactly the same keys with non-empty text and the
// same {variables}, that every key used in ui/ and src/http exists, and that pages follow the
// language cookie.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { catalogs, translator } from "../../ui/i18n/index.ts";
import { Client, testBox } from "../helpers/box.ts";

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const variables = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("catalogs", () => {
  const fr = catalogs.fr;
  const en = catalogs.en;

  test("fr and en have the same keys, none empty, with the same variables", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const key of Object.keys(fr) as Array<keyof typeof fr>) {
      expect(`${key}: ${fr[key].trim().length > 0 && en[key].trim().length > 0}`).toBe(`${key}: true`);
      expect(`${key}: ${variables(en[key]).join(",")}`).toBe(`${key}: ${variables(fr[key]).join(",")}`);
    }
  });

  test("every literal key used by the code exists", () => {
    const root = join(import.meta.dir, "..", "..");
    const used = new Set<string>();
    for (const file of [...files(join(root, "ui")), ...files(join(root, "src", "http"))]) {
      for (const match of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([a-z_]+\.[a-z_]+)"/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    const missing = [...used].filter((key) => !(key in fr));
    expect(missing).toEqual([]);
  });

  test("variables are escaped when filled in", () => {
    expect(translator("en")("dashboard.welcome", { name: "<b>Bo</b>" })).toBe("Hello &lt;b&gt;Bo&lt;/b&gt;.");
  });
});

describe("language", () => {
  test("French by default, English after the switch, and back", async () => {
    const box = testBox();
    try {
      const client = new Client(box);
      const french = await (await client.get("/setup")).text();
      expect(french).toContain('lang="fr"');
      expect(french).toContain("Installation de la box");
      const switched = await client.post("/lang", { lang: "en", back: "/setup" });
      expect(switched.headers.get("location")).toBe("/setup");
      const english = await (await client.get("/setup")).text();
      expect(english).toContain('lang="en"');
      expect(english).toContain("Set up the box");
      await client.post("/lang", { lang: "fr", back: "//evil.example/" });
      expect(await (await client.get("/setup")).text()).toContain("Installation de la box");
    } finally {
      box.dispose();
    }
  });
});
