/**
 * The box office a sell form records its cash and terminal sales at (src/pos/order-sales.ts):
 * a select only when several points of sale of kind box_office are open; with one, it is that
 * one; with none, the form says so up front (with a link to create one) and the server refuses
 * cash and terminal (box_office_point_of_sale_required).
 */
import type { View } from "../view.ts";

export interface BoxOfficeChoice {
  readonly code: string;
  readonly name: string;
}

export function BoxOfficeSelect({ view, boxOffices, chosen }: { view: View; boxOffices: readonly BoxOfficeChoice[] | undefined; chosen: string | undefined }) {
  if (boxOffices === undefined) return null;
  // Said before the volunteer picks cash, rather than only after the refusal.
  if (boxOffices.length === 0) {
    return (
      <p class="notice" role="note">
        {view.t("sell.no_box_office")} <a href="/admin/pos/points-of-sale">{view.t("sell.no_box_office_link")}</a>
      </p>
    );
  }
  if (boxOffices.length < 2) return null;
  return (
    <>
      <label for="point_of_sale">{view.t("sell.point_of_sale")}</label>
      <select id="point_of_sale" name="point_of_sale">
        {boxOffices.map((pos) => (
          <option value={pos.code} selected={pos.code === chosen} safe>
            {pos.name}
          </option>
        ))}
      </select>
    </>
  );
}
