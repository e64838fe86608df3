// Proves /api/openapi.json is served (like all of /api/*, once the box is set up) and describes exactly the /api/v1 routes
// the app serves: a route added without its description, or a description left after its route
// went away, fails here.
import { expect, test } from "bun:test";
import { ROUTES } from "../../src/http/index.ts";
import { openApiDocument } from "../../src/http/openapi.ts";
import { ORIGIN, setUp, testBox } from "../helpers/box.ts";

test("the OpenAPI document matches the served routes", async () => {
  const { undocumented, stale } = openApiDocument("test", ROUTES);
  expect(undocumented).toEqual([]);
  expect(stale).toEqual([]);
  const box = testBox();
  try {
    expect((await box.app.handle(new Request(`${ORIGIN}/api/openapi.json`))).status).toBe(503);
    await setUp(box);
    const response = await box.app.handle(new Request(`${ORIGIN}/api/openapi.json`));
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain("/api/v1/wallet/payments");
  } finally {
    box.dispose();
  }
});
