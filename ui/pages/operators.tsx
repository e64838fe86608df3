/** Operator management (admins): list, add, edit, disable. */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View, ViewRole } from "../view.ts";

export interface OperatorRow {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly role: ViewRole;
  readonly staffCardUid: string | null;
  readonly active: boolean;
}

const ROLES: readonly ViewRole[] = ["admin", "manager", "cashier", "door"];

function roleKey(role: ViewRole): MessageKey {
  return `role.${role}` as MessageKey;
}

function RoleSelect({ view, selected }: { view: View; selected: ViewRole }) {
  return (
    <select id="role" name="role">
      {ROLES.map((role) => (
        <option value={role} selected={role === selected}>
          {view.t(roleKey(role))}
        </option>
      ))}
    </select>
  );
}

export function OperatorsPage({ view, operators, notice, error }: { view: View; operators: readonly OperatorRow[]; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("operators.title")}>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t("operators.name")}</th>
            <th scope="col">{t("operators.email")}</th>
            <th scope="col">{t("operators.role")}</th>
            <th scope="col">{t("operators.status")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("operators.edit")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {operators.map((operator) => (
            <tr>
              <td data-label={t("operators.name")} safe>
                {operator.name}
              </td>
              <td data-label={t("operators.email")} safe>
                {operator.email ?? ""}
              </td>
              <td data-label={t("operators.role")}>{t(roleKey(operator.role))}</td>
              <td data-label={t("operators.status")}>{operator.active ? t("operators.active") : t("operators.inactive")}</td>
              <td>
                <a class="button" href={`/admin/operators/${operator.id}`}>
                  {t("operators.edit")}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("operators.add")}</h2>
      <form method="post" action="/admin/operators" class="form">
        <CsrfField view={view} />
        <label for="name">{t("operators.name")}</label>
        <input id="name" name="name" required />
        <label for="role">{t("operators.role")}</label>
        <RoleSelect view={view} selected="cashier" />
        <label for="email">{t("operators.email")}</label>
        <input id="email" name="email" type="email" />
        <label for="password">{t("operators.password")}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" />
        <label for="pin">{t("operators.pin")}</label>
        <input id="pin" name="pin" inputmode="numeric" autocomplete="off" />
        <label for="staff_card_uid">{t("operators.staff_card")}</label>
        <input id="staff_card_uid" name="staff_card_uid" autocomplete="off" />
        <button type="submit" class="primary">
          {t("operators.add")}
        </button>
      </form>
    </Layout>
  );
}

export function OperatorEditPage({ view, operator, notice, error }: { view: View; operator: OperatorRow; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={operator.name}>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form method="post" action={`/admin/operators/${operator.id}`} class="form">
        <CsrfField view={view} />
        <label for="name">{t("operators.name")}</label>
        <input id="name" name="name" required value={operator.name} />
        <label for="role">{t("operators.role")}</label>
        <RoleSelect view={view} selected={operator.role} />
        <p class="muted">
          {t("operators.email")} : <span safe>{operator.email ?? "—"}</span>
        </p>
        <label for="password">{t("operators.password")}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="blank_help" />
        <label for="pin">{t("operators.pin")}</label>
        <input id="pin" name="pin" inputmode="numeric" autocomplete="off" aria-describedby="blank_help" />
        <small id="blank_help">{t("operators.leave_blank")}</small>
        <label for="staff_card_uid">{t("operators.staff_card")}</label>
        <input id="staff_card_uid" name="staff_card_uid" value={operator.staffCardUid ?? ""} autocomplete="off" />
        <fieldset class="choices">
          <legend>{t("operators.status")}</legend>
          <label>
            <input type="radio" name="active" value="1" checked={operator.active} /> {t("operators.active")}
          </label>
          <label>
            <input type="radio" name="active" value="0" checked={!operator.active} /> {t("operators.inactive")}
          </label>
        </fieldset>
        <button type="submit" class="primary">
          {t("operators.save")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/operators">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
