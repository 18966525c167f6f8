// Refusing direct connections: a switch on a server that resets every connection not
// coming from one loopback address (where a forward proxy's outgoing connections leave
// from), and a TCP front with that switch for a server that cannot check its peers
// itself (slapd). With the switch off they pass everything.
import net from "node:net";

/** The loopback address a test proxy's outgoing connections come from. */
export const PROXY_EGRESS = "127.0.0.3";

export interface Gate {
  /** Reset connections not from `allowed` from now on. */
  on(): void;
  off(): void;
  /** Connections reset so far. */
  refused(): number;
}

export function gate(server: net.Server, allowed = PROXY_EGRESS): Gate {
  let active = false;
  let refused = 0;
  server.prependListener("connection", (s: net.Socket) => {
    if (active && s.remoteAddress !== allowed) {
      refused++;
      s.destroy();
    }
  });
  return { on: () => void (active = true), off: () => void (active = false), refused: () => refused };
}

export interface TcpGate {
  readonly port: number;
  /** "127.0.0.1:port" */
  readonly hostport: string;
  readonly gate: Gate;
  close(): Promise<void>;
}

/** A TCP front on 127.0.0.1 forwarding to `target`, with a gate. */
export async function tcpGate(target: { host: string; port: number }, allowed = PROXY_EGRESS): Promise<TcpGate> {
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
  const g = gate(server, allowed);
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
