/**
 * Printers (admins): the list with each printer's status, adding and editing a printer, the
 * test print with its preview, and the recent print jobs with a reprint button. The preview HTML
 * comes from hardware/printer/preview.ts, which escapes every text it shows.
 */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import { formatTime, type View } from "../view.ts";

export interface PrinterRow {
  readonly id: string;
  readonly name: string;
  readonly kind: "tcp" | "usb" | "file" | "simulated";
  readonly address: string;
  readonly paperMm: 58 | 80;
  readonly codePage: "wpc1252" | "pc858";
  readonly printGroups: readonly string[];
  readonly hasCashDrawer: boolean;
  readonly status: "unknown" | "online" | "offline";
  readonly lastError: string;
  readonly lastContactAtMs: number | null;
  readonly active: boolean;
  readonly pendingJobs: number;
}

export interface PrintJobRow {
  readonly id: number;
  readonly printerId: string;
  readonly printerName: string;
  readonly kind: string;
  readonly state: "queued" | "sending" | "done";
  readonly attempts: number;
  readonly uncertain: boolean;
  readonly lastError: string;
  readonly reprintOf: number | null;
  readonly createdAtMs: number;
  readonly doneAtMs: number | null;
}

/** What the add and edit forms show: a saved printer, or what was typed when the save was refused. */
export interface PrinterForm {
  readonly name: string;
  readonly kind: string;
  readonly address: string;
  readonly paperMm: string;
  readonly codePage: string;
  readonly printGroups: string;
  readonly hasCashDrawer: boolean;
  readonly active: boolean;
}

export const EMPTY_PRINTER_FORM: PrinterForm = { name: "", kind: "tcp", address: "", paperMm: "80", codePage: "pc858", printGroups: "", hasCashDrawer: false, active: true };

const KINDS = ["tcp", "usb", "file", "simulated"] as const;
const CODE_PAGES = ["pc858", "wpc1252"] as const;

function kindKey(kind: string): MessageKey {
  return `printer_kind.${kind}` as MessageKey;
}

function statusKey(status: PrinterRow["status"]): MessageKey {
  return `printers.status_${status}` as MessageKey;
}

function jobStateKey(state: PrintJobRow["state"]): MessageKey {
  return `print_job.state_${state}` as MessageKey;
}

function PrinterFields({ view, form, prefix }: { view: View; form: PrinterForm; prefix: string }) {
  const { t } = view;
  const id = (name: string) => `${prefix}${name}`;
  return (
    <>
      <label for={id("name")}>{t("printers.name")}</label>
      <input id={id("name")} name="name" required value={form.name} />
      <label for={id("kind")}>{t("printers.kind")}</label>
      <select id={id("kind")} name="kind">
        {KINDS.map((kind) => (
          <option value={kind} selected={form.kind === kind}>
            {t(kindKey(kind))}
          </option>
        ))}
      </select>
      <label for={id("address")}>{t("printers.address")}</label>
      <input id={id("address")} name="address" required value={form.address} aria-describedby={id("address_help")} autocomplete="off" />
      <small id={id("address_help")}>{t("printers.address_help")}</small>
      <fieldset class="choices">
        <legend>{t("printers.paper")}</legend>
        <label>
          <input type="radio" name="paper_mm" value="80" checked={form.paperMm !== "58"} /> {t("printers.paper_80")}
        </label>
        <label>
          <input type="radio" name="paper_mm" value="58" checked={form.paperMm === "58"} /> {t("printers.paper_58")}
        </label>
      </fieldset>
      <label for={id("code_page")}>{t("printers.code_page")}</label>
      <select id={id("code_page")} name="code_page" aria-describedby={id("code_page_help")}>
        {CODE_PAGES.map((page) => (
          <option value={page} selected={form.codePage === page}>
            {t(`printers.code_page_${page}` as MessageKey)}
          </option>
        ))}
      </select>
      <small id={id("code_page_help")}>{t("printers.code_page_help")}</small>
      <label for={id("print_groups")}>{t("printers.groups")}</label>
      <input id={id("print_groups")} name="print_groups" value={form.printGroups} aria-describedby={id("groups_help")} autocomplete="off" />
      <small id={id("groups_help")}>{t("printers.groups_help")}</small>
      <fieldset class="choices">
        <legend>{t("printers.options")}</legend>
        <label>
          <input type="checkbox" name="has_cash_drawer" value="1" checked={form.hasCashDrawer} /> {t("printers.cash_drawer")}
        </label>
        <label>
          <input type="checkbox" name="active" value="1" checked={form.active} /> {t("printers.active")}
        </label>
      </fieldset>
    </>
  );
}

function StatusCell({ view, printer }: { view: View; printer: PrinterRow }) {
  const { t } = view;
  return (
    <>
      <strong class={`printer-status ${printer.status}`}>{t(statusKey(printer.status))}</strong>
      {printer.lastError ? (
        <small class="printer-error" safe>
          {printer.lastError}
        </small>
      ) : null}
    </>
  );
}

export function PrintersPage({
  view,
  printers,
  jobs,
  form,
  notice,
  error,
}: {
  view: View;
  printers: readonly PrinterRow[];
  jobs: readonly PrintJobRow[];
  form: PrinterForm;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { t } = view;
  return (
    <Layout view={view} title={t("printers.title")}>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      {printers.length === 0 ? <p>{t("printers.none")}</p> : null}
      {printers.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("printers.name")}</th>
              <th scope="col">{t("printers.kind")}</th>
              <th scope="col">{t("printers.status")}</th>
              <th scope="col">{t("printers.last_contact")}</th>
              <th scope="col">{t("printers.pending")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("printers.edit")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {printers.map((printer) => (
              <tr>
                <td data-label={t("printers.name")}>
                  <span safe>{printer.name}</span>
                  {printer.active ? null : <small> ({t("printers.inactive")})</small>}
                  <br />
                  <small safe>{printer.address}</small>
                </td>
                <td data-label={t("printers.kind")}>
                  {t(kindKey(printer.kind))}, {String(printer.paperMm)} mm
                </td>
                <td data-label={t("printers.status")}>
                  <StatusCell view={view} printer={printer} />
                </td>
                <td data-label={t("printers.last_contact")}>{printer.lastContactAtMs !== null ? formatTime(view, printer.lastContactAtMs) : t("common.never")}</td>
                <td data-label={t("printers.pending")}>{String(printer.pendingJobs)}</td>
                <td>
                  <a class="button" href={`/admin/printers/${printer.id}`}>
                    {t("printers.edit")}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h2>{t("printers.add")}</h2>
      <form method="post" action="/admin/printers" class="form">
        <CsrfField view={view} />
        <PrinterFields view={view} form={form} prefix="new_" />
        <button type="submit" class="primary">
          {t("printers.add")}
        </button>
      </form>
      <JobsTable view={view} jobs={jobs} />
    </Layout>
  );
}

export function PrinterEditPage({
  view,
  printer,
  form,
  jobs,
  previewHtml,
  notice,
  error,
}: {
  view: View;
  printer: PrinterRow;
  form: PrinterForm;
  jobs: readonly PrintJobRow[];
  /** HTML made by the preview renderer (every text escaped there). */
  previewHtml?: string | undefined;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { t } = view;
  return (
    <Layout view={view} title={printer.name}>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <dl class="stats">
        <div>
          <dt>{t("printers.status")}</dt>
          <dd class="text">
            <StatusCell view={view} printer={printer} />
          </dd>
        </div>
        <div>
          <dt>{t("printers.last_contact")}</dt>
          <dd class="text">{printer.lastContactAtMs !== null ? formatTime(view, printer.lastContactAtMs) : t("common.never")}</dd>
        </div>
        <div>
          <dt>{t("printers.pending")}</dt>
          <dd>{String(printer.pendingJobs)}</dd>
        </div>
      </dl>
      {previewHtml ? (
        <>
          <h2>{t("printers.preview_title")}</h2>
          <ReceiptPreview view={view} html={previewHtml} />
        </>
      ) : null}
      <form method="post" action={`/admin/printers/${printer.id}/test`} class="form">
        <CsrfField view={view} />
        <p>{t("printers.test_help")}</p>
        <button type="submit" class="primary">
          {t("printers.test_print")}
        </button>
      </form>
      <h2>{t("printers.settings")}</h2>
      <form method="post" action={`/admin/printers/${printer.id}`} class="form">
        <CsrfField view={view} />
        <PrinterFields view={view} form={form} prefix="" />
        <button type="submit" class="primary">
          {t("printers.save")}
        </button>
      </form>
      <JobsTable view={view} jobs={jobs} />
      <p>
        <a class="standalone" href="/admin/printers">
          {t("printers.back")}
        </a>
      </p>
    </Layout>
  );
}

/** A receipt wider than a phone scrolls sideways inside this frame, which the keyboard can reach too. */
function ReceiptPreview({ view, html }: { view: View; html: string }) {
  return (
    <div class="receipt-scroll" tabindex="0" role="region" aria-label={view.t("printers.preview_title")}>
      {html}
    </div>
  );
}

function JobsTable({ view, jobs }: { view: View; jobs: readonly PrintJobRow[] }) {
  const { t } = view;
  return (
    <>
      <h2>{t("print_job.recent")}</h2>
      {jobs.length === 0 ? <p>{t("print_job.none")}</p> : null}
      {jobs.length > 0 ? (
        <table class="print-jobs">
          <thead>
            <tr>
              <th scope="col">{t("print_job.number")}</th>
              <th scope="col">{t("print_job.printer")}</th>
              <th scope="col">{t("print_job.kind")}</th>
              <th scope="col">{t("print_job.state")}</th>
              <th scope="col">{t("print_job.created")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("print_job.reprint")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr>
                <td data-label={t("print_job.number")}>
                  <a class="standalone" href={`/admin/print-jobs/${job.id}`}>
                    {String(job.id)}
                  </a>
                  {job.reprintOf !== null ? <small> ({t("print_job.reprint_of", { id: job.reprintOf })})</small> : null}
                </td>
                <td data-label={t("print_job.printer")} safe>
                  {job.printerName}
                </td>
                <td data-label={t("print_job.kind")} safe>
                  {job.kind}
                </td>
                <td data-label={t("print_job.state")}>
                  {t(jobStateKey(job.state))}
                  {job.state !== "done" && job.attempts > 0 ? <small> ({t("print_job.attempts", { count: job.attempts })})</small> : null}
                  {job.uncertain || job.reprintOf !== null ? <small> · {t("print_job.duplicate")}</small> : null}
                  {job.state !== "done" && job.lastError ? (
                    <small class="printer-error" safe>
                      {job.lastError}
                    </small>
                  ) : null}
                </td>
                <td data-label={t("print_job.created")}>{formatTime(view, job.createdAtMs)}</td>
                <td>
                  <form method="post" action={`/admin/print-jobs/${job.id}/reprint`} class="inline">
                    <CsrfField view={view} />
                    <button type="submit">{t("print_job.reprint")}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

export function PrintJobPage({ view, job, previewHtml }: { view: View; job: PrintJobRow; previewHtml: string }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("print_job.title", { id: job.id })} titleIsHtml>
      <dl class="stats">
        <div>
          <dt>{t("print_job.printer")}</dt>
          <dd class="text">
            <a class="standalone" href={`/admin/printers/${job.printerId}`} safe>
              {job.printerName}
            </a>
          </dd>
        </div>
        <div>
          <dt>{t("print_job.state")}</dt>
          <dd class="text">
            {t(jobStateKey(job.state))} ({t("print_job.attempts", { count: job.attempts })})
          </dd>
        </div>
        <div>
          <dt>{t("print_job.created")}</dt>
          <dd class="text">{formatTime(view, job.createdAtMs)}</dd>
        </div>
        {job.lastError ? (
          <div class="wide">
            <dt>{t("print_job.error")}</dt>
            <dd class="text" safe>
              {job.lastError}
            </dd>
          </div>
        ) : null}
      </dl>
      <h2>{t("printers.preview_title")}</h2>
      <ReceiptPreview view={view} html={previewHtml} />
      <form method="post" action={`/admin/print-jobs/${job.id}/reprint`} class="form">
        <CsrfField view={view} />
        <button type="submit" class="primary">
          {t("print_job.reprint")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/printers">
          {t("printers.back")}
        </a>
      </p>
    </Layout>
  );
}
