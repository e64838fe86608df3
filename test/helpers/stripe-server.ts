/**
 * A local HTTP server standing in for api.stripe.com in tests (Bun.serve on a free port): it
 * records every request (path, headers, form fields) and answers as Stripe documents: a Checkout
 * Session `{id, object, url}` for POST /v1/checkout/sessions, the same session again for a repeated
 * Idempotency-Key, 200 for POST /v1/checkout/sessions/:id/expire. `failWith` makes the next answer
 * an error status with Stripe's error body.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  readonly form: URLSearchParams;
}

export interface StripeStandIn {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  failWith: { status: number; message: string } | undefined;
  stop(): void;
}

export function startStripeStandIn(): StripeStandIn {
  const requests: RecordedRequest[] = [];
  const byKey = new Map<string, string>();
  let sessions = 0;
  const standIn: StripeStandIn = {
    baseUrl: "",
    requests,
    failWith: undefined,
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const form = new URLSearchParams(await request.text());
      requests.push({ method: request.method, path: url.pathname, headers: request.headers, form });
      const failure = standIn.failWith;
      standIn.failWith = undefined;
      if (failure) return Response.json({ error: { type: "invalid_request_error", message: failure.message } }, { status: failure.status });
      if (request.method === "POST" && url.pathname === "/v1/checkout/sessions") {
        const key = request.headers.get("idempotency-key") ?? "";
        const id = byKey.get(key) ?? `cs_test_standin${++sessions}`;
        if (key) byKey.set(key, id);
        return Response.json({ id, object: "checkout.session", url: `https://checkout.stripe.com/c/pay/${id}`, status: "open" });
      }
      const expire = /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)\/expire$/.exec(url.pathname);
      if (request.method === "POST" && expire) return Response.json({ id: expire[1], object: "checkout.session", status: "expired" });
      return Response.json({ error: { type: "invalid_request_error", message: "Unrecognized request URL" } }, { status: 404 });
    },
  });
  return Object.assign(standIn, { baseUrl: `http://127.0.0.1:${server.port}` });
}
