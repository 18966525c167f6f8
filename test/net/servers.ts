// Real servers for network tests, all on loopback: a forward proxy (the npm `proxy`
// package: absolute-form http requests and CONNECT tunnels) whose outgoing connections
// leave from its own loopback address, and a TCP gate that only lets that address through,
// so "direct connections refused" is a fact the tests can rely on.
import http from "node:http";
import net from "node:net";
import { createProxy, type ProxyServer } from "proxy";

/** The loopback address the proxy's outgoing connections come from. */
export const PROXY_EGRESS = "127.0.0.3";

export interface ForwardProxy {
  readonly url: string;
  /** "GET http://..." and "CONNECT host:port", in order. */
  readonly seen: string[];
  close(): Promise<void>;
}

export async function startForwardProxy(opts: { auth?: { user: string; password: string } } = {}): Promise<ForwardProxy> {
  const server: ProxyServer = createProxy(http.createServer());
  server.localAddress = PROXY_EGRESS;
  const seen: string[] = [];
  server.prependListener("request", (req: http.IncomingMessage) => seen.push(`${req.method} ${req.url}`));
  server.prependListener("connect", (req: http.IncomingMessage) => seen.push(`CONNECT ${req.url}`));
  if (opts.auth) {
    const expected = `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString("base64")}`;
    server.authenticate = (req) => req.headers["proxy-authorization"] === expected;
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Refuses (resets) connections to `server` unless they come from `allowed`; switchable,
 * so one server can be reached directly in one test and only through the proxy in another.
 */
export function gate(server: net.Server, allowed = PROXY_EGRESS): { on: () => void; off: () => void; refused: () => number } {
  let active = false;
  let refused = 0;
  server.prependListener("connection", (s: net.Socket) => {
    if (active && s.remoteAddress !== allowed) {
      refused++;
      s.destroy();
    }
  });
  return { on: () => (active = true), off: () => (active = false), refused: () => refused };
}

/**
 * A TCP front for a server that cannot check its peers itself (slapd): forwards
 * connections from `allowed` (when gated) to host:port, resets the others.
 */
export async function tcpGate(target: { host: string; port: number }): Promise<{ port: number; hostport: string; gate: ReturnType<typeof gate>; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    if (c.destroyed) return;
    const t = net.connect(target);
    sockets.add(c).add(t);
    c.on("close", () => sockets.delete(c));
    t.on("close", () => sockets.delete(t));
    c.pipe(t).pipe(c);
    c.on("error", () => t.destroy());
    t.on("error", () => c.destroy());
  });
  const g = gate(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    hostport: `127.0.0.1:${port}`,
    gate: g,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
