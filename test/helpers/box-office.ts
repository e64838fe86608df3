/** A box office point of sale for tests: box-office orders paid in cash or by terminal are sales of it (src/pos/order-sales.ts). */
import { savePointOfSale } from "../../src/pos/index.ts";
import type { Box } from "../../src/app.ts";

export function addBoxOffice(box: Pick<Box, "writer">, code = "billetterie", name = "Billetterie"): string {
  box.writer.transact((tx) => savePointOfSale(tx, { code, name, kind: "box_office" }));
  return code;
}
