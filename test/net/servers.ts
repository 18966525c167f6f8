// A real forward proxy for network tests (the npm `proxy` package: absolute-form http
// requests and CONNECT tunnels) on 127.0.0.1, whose outgoing connections leave from its
// own loopback address (PROXY_EGRESS), the one the kit's gates let through: with the
// gates on, "direct connections refused" is a fact the tests can rely on.
import http from "node:http";
import type net from "node:net";
import { createProxy, type ProxyServer } from "proxy";
import { PROXY_EGRESS } from "../../testsuite/src/published/gate.js";

export { PROXY_EGRESS, gate, tcpGate } from "../../testsuite/src/published/gate.js";

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
