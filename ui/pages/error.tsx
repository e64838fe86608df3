/** Error pages: a clear sentence and a way back; never a stack trace. */
import { Layout, Notice } from "../layout.tsx";
import type { View } from "../view.ts";

export function ErrorPage({ view, message, code }: { view: View; message: string; code: string }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("error.title")}>
      <Notice kind="error">{message}</Notice>
      <p>
        <code safe>{code}</code>
      </p>
      <p>
        <a class="standalone" href="/">
          {t("error.home")}
        </a>
      </p>
    </Layout>
  );
}
