/**
 * A small server-sent-events client for tests: fetches a stream with the given headers, parses
 * its messages (event, id, data) and comment lines (heartbeats) as they arrive, and waits for
 * what a test expects, with a deadline.
 */
export interface SseMessage {
  readonly event: string;
  readonly id: string;
  readonly data: string;
  /** performance.timeOrigin + performance.now() when the message was complete. */
  readonly receivedAtMs: number;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  closed = false;
  readonly #controller = new AbortController();
  #wakers: Array<() => void> = [];
  #done: Promise<void> = Promise.resolve();

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: client.#controller.signal });
    client.status = response.status;
    if (response.ok && response.body) client.#done = client.#read(response.body);
    else {
      client.closed = true;
      await response.text().catch(() => "");
    }
    return client;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    try {
      for await (const chunk of body) {
        pending += decoder.decode(chunk, { stream: true });
        let end = pending.indexOf("\n\n");
        while (end >= 0) {
          this.#parse(pending.slice(0, end));
          pending = pending.slice(end + 2);
          end = pending.indexOf("\n\n");
        }
        this.#wake();
      }
    } catch {
      // aborted, or the server went away
    } finally {
      this.closed = true;
      this.#wake();
    }
  }

  #parse(block: string): void {
    let event = "message";
    let id = "";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length > 0) this.messages.push({ event, id, data: data.join("\n"), receivedAtMs: performance.timeOrigin + performance.now() });
  }

  #wake(): void {
    for (const wake of this.#wakers.splice(0)) wake();
  }

  events(name: string): SseMessage[] {
    return this.messages.filter((message) => message.event === name);
  }

  /** Waits until `found()` is true; throws after `timeoutMs` with what arrived. */
  async waitFor(what: string, found: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!found()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${what}; got ${JSON.stringify({ messages: this.messages.length, comments: this.comments, closed: this.closed })}`);
      await Promise.race([new Promise<void>((resolve) => this.#wakers.push(resolve)), Bun.sleep(Math.min(left, 100))]);
    }
  }

  async close(): Promise<void> {
    this.#controller.abort();
    await this.#done;
  }
}
