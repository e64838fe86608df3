/** Email and password login for admins and managers. */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { View } from "../view.ts";

export function LoginPage({ view, email, error }: { view: View; email?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("login.title")}>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form method="post" action="/login" class="form narrow">
        <CsrfField view={view} />
        <label for="email">{t("login.email")}</label>
        <input id="email" name="email" type="email" required autocomplete="username" value={email ?? ""} />
        <label for="password">{t("login.password")}</label>
        <input id="password" name="password" type="password" required autocomplete="current-password" />
        <button type="submit" class="primary">
          {t("login.submit")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/terminal">
          {t("login.terminal_hint")}
        </a>
      </p>
    </Layout>
  );
}
