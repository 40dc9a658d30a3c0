/**
 * Headless Chromium (Debian's `chromium`) driven over the Chrome DevTools Protocol from Deno:
 * launched with `--remote-debugging-port=0` on loopback, the browser's WebSocket endpoint read
 * from its stderr, one tab per {@linkcode Chromium.open}. No browser is downloaded; nothing but
 * the system binary and a WebSocket is used.
 *
 * @module
 */

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** A CDP failure: the browser did not start, a command failed, or a page threw. */
export class CdpError extends Error {
  /** `LAUNCH`, `COMMAND` or `PAGE`. */
  readonly code: "LAUNCH" | "COMMAND" | "PAGE";
  /**
   * @param code what failed
   * @param message one sentence
   */
  constructor(code: CdpError["code"], message: string) {
    super(message);
    this.name = "CdpError";
    this.code = code;
  }
}

type Json = Record<string, unknown>;

/** One tab, attached with a flat session. */
export class Page {
  readonly #browser: Chromium;
  /** The CDP session id. */
  readonly sessionId: string;
  /** The target id. */
  readonly targetId: string;

  constructor(browser: Chromium, sessionId: string, targetId: string) {
    this.#browser = browser;
    this.sessionId = sessionId;
    this.targetId = targetId;
  }

  /** Sends a command to this tab. */
  send(method: string, params: Json = {}): Promise<Json> {
    return this.#browser.send(method, params, this.sessionId);
  }

  /**
   * Evaluates `expression` in the page, awaiting a promise, and returns its value (JSON).
   * A page exception becomes a {@linkcode CdpError} `PAGE`.
   */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    const details = r.exceptionDetails as Json | undefined;
    if (details !== undefined) {
      const exception = details.exception as Json | undefined;
      throw new CdpError(
        "PAGE",
        `page threw: ${exception?.description ?? details.text ?? JSON.stringify(details)}`,
      );
    }
    return (r.result as Json).value as T;
  }

  /** A PNG screenshot of the page (`fullPage` grows the viewport to the document first). */
  async screenshot(fullPage = true): Promise<Uint8Array> {
    const params: Json = { format: "png" };
    if (fullPage) {
      const metrics = await this.send("Page.getLayoutMetrics");
      const size = metrics.cssContentSize as { width: number; height: number };
      params.clip = { x: 0, y: 0, width: size.width, height: size.height, scale: 1 };
      params.captureBeyondViewport = true;
    }
    const r = await this.send("Page.captureScreenshot", params);
    return Uint8Array.from(atob(r.data as string), (c) => c.charCodeAt(0));
  }

  /** Closes the tab. */
  async close(): Promise<void> {
    await this.#browser.send("Target.closeTarget", { targetId: this.targetId });
  }
}

/** A running headless Chromium. Dispose of it to stop it and remove its profile. */
export class Chromium implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #socket: WebSocket;
  readonly #profile: string;
  readonly #stderr: Promise<void>;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  readonly #waiters: { method: string; sessionId?: string; resolve: (params: Json) => void }[] = [];

  private constructor(
    child: Deno.ChildProcess,
    socket: WebSocket,
    profile: string,
    stderr: Promise<void>,
  ) {
    this.#child = child;
    this.#socket = socket;
    this.#profile = profile;
    this.#stderr = stderr;
    socket.onmessage = (event) => this.#receive(JSON.parse(String(event.data)) as Json);
    socket.onclose = () => {
      for (const p of this.#pending.values()) p.reject(new CdpError("COMMAND", "browser gone"));
      this.#pending.clear();
    };
  }

  /**
   * Starts headless Chromium on a fresh profile with a loopback debugging port.
   *
   * @param options the window size
   * @returns the browser
   * @throws {CdpError} `LAUNCH` when it does not print its endpoint
   */
  static async launch(options: { width?: number; height?: number } = {}): Promise<Chromium> {
    const profile = await Deno.makeTempDir({ prefix: "cordon-chromium-" });
    const child = new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        `--window-size=${options.width ?? 1400},${options.height ?? 1000}`,
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const { promise: endpoint, resolve, reject } = Promise.withResolvers<string>();
    const log: string[] = [];
    const stderr = (async () => {
      let buffered = "";
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        buffered += chunk;
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(buffered);
        if (m !== null) resolve(m[1]!);
        if (log.length < 50) log.push(chunk);
      }
      reject(new CdpError("LAUNCH", `chromium exited without an endpoint: ${log.join("")}`));
    })();
    let url: string;
    try {
      url = await endpoint;
    } catch (error) {
      await child.status;
      await stderr;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw error;
    }
    const socket = new WebSocket(url);
    await new Promise<void>((ok, fail) => {
      socket.onopen = () => ok();
      socket.onerror = () => fail(new CdpError("LAUNCH", `cannot connect to ${url}`));
    });
    return new Chromium(child, socket, profile, stderr);
  }

  #receive(message: Json): void {
    if (typeof message.id === "number") {
      const p = this.#pending.get(message.id);
      if (p === undefined) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) {
        p.reject(new CdpError("COMMAND", JSON.stringify(message.error)));
      } else {
        p.resolve((message.result ?? {}) as Json);
      }
      return;
    }
    const method = message.method as string;
    for (let i = 0; i < this.#waiters.length; i++) {
      const w = this.#waiters[i]!;
      if (w.method === method && (w.sessionId === undefined || w.sessionId === message.sessionId)) {
        this.#waiters.splice(i, 1);
        w.resolve((message.params ?? {}) as Json);
        return;
      }
    }
  }

  /** Sends a CDP command (to the browser, or to a tab's session). */
  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<Json>();
    this.#pending.set(id, { resolve, reject });
    this.#socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return promise;
  }

  /** Resolves with the next event `method` (of `sessionId`, if given). */
  event(method: string, sessionId?: string): Promise<Json> {
    const { promise, resolve } = Promise.withResolvers<Json>();
    this.#waiters.push({ method, ...(sessionId ? { sessionId } : {}), resolve });
    return promise;
  }

  /**
   * Opens `url` in a new tab and resolves once its load event has fired.
   *
   * @param url the page
   * @returns the tab
   */
  async open(url: string): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" }) as {
      targetId: string;
    };
    const { sessionId } = await this.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    }) as { sessionId: string };
    const page = new Page(this, sessionId, targetId);
    await page.send("Page.enable");
    await page.send("Runtime.enable");
    const loaded = this.event("Page.loadEventFired", sessionId);
    const nav = await page.send("Page.navigate", { url });
    if (typeof nav.errorText === "string" && nav.errorText !== "") {
      throw new CdpError("PAGE", `cannot load ${url}: ${nav.errorText}`);
    }
    await loaded;
    return page;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      if (this.#socket.readyState === WebSocket.OPEN) {
        const closed = new Promise((ok) => this.#socket.addEventListener("close", ok));
        await this.send("Browser.close").catch(() => {});
        this.#socket.close();
        await closed;
      }
    } finally {
      await this.#child.status;
      await this.#stderr.catch(() => {});
      await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
    }
  }
}
