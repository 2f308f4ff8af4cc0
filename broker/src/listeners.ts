import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { createServer } from 'aedes-server-factory';
import { createWebSocketStream, type WebSocket, WebSocketServer } from 'ws';

/** Connection details aedes-server-factory attaches to `req` (and we attach for WebSocket). */
export interface ConnDetails {
  ipAddress?: string;
  port?: number;
  isWebsocket?: boolean;
}

/** Where listeners hand each new connection: the broker's admission step in front of `aedes.handle`. */
export interface ConnectionHandler {
  handle(stream: Duplex, req: { connDetails?: ConnDetails } & Partial<IncomingMessage>): void;
  emit(event: 'error', err: Error): boolean;
}

/**
 * aedes-server-factory only calls `handle` (and `emit('error')`), so our admission step stands in for the
 * aedes instance; the cast is the factory's nominal typing, nothing more.
 */
const asAedes = (handler: ConnectionHandler): Aedes => handler as unknown as Aedes;

/** Plain MQTT over TCP. */
export function createTcpListener(handler: ConnectionHandler): NetServer {
  return createServer(asAedes(handler)) as NetServer;
}

/** MQTT over TLS; the TLS handshake completes before the handler sees the connection. */
export function createTlsListener(handler: ConnectionHandler, certPem: string, keyPem: string): NetServer {
  return createServer(asAedes(handler), { tls: { cert: certPem, key: keyPem } }) as NetServer;
}

/** Hands one accepted WebSocket to the admission step with the connection details aedes expects. */
function onWsConnection(handler: ConnectionHandler, ws: WebSocket, req: IncomingMessage): void {
  const stream = createWebSocketStream(ws);
  const socket = req.socket as Socket;
  const connDetails: ConnDetails = {
    ...(socket.remoteAddress ? { ipAddress: socket.remoteAddress } : {}),
    ...(socket.remotePort ? { port: socket.remotePort } : {}),
    isWebsocket: true,
  };
  handler.handle(stream, Object.assign(req, { connDetails }));
}

/**
 * MQTT over WebSocket, on any path or only on `path` (others get HTTP 400). Built on `ws` directly rather
 * than aedes-server-factory because the factory cannot set `maxPayload`, leaving ws' 100 MiB per-message
 * default in front of our size limit.
 */
export function createWsListener(
  handler: ConnectionHandler,
  maxMessageBytes: number,
  path?: string,
): HttpServer {
  const server = createHttpServer();
  const wss = new WebSocketServer({ server, maxPayload: maxMessageBytes, ...(path ? { path } : {}) });
  wss.on('error', (err) => handler.emit('error', err));
  wss.on('connection', (ws, req) => onWsConnection(handler, ws, req));
  server.on('close', () => wss.close());
  return server;
}

/**
 * MQTT over WebSocket on `path` of an HTTP server someone else owns (ingest's, so a browser gateway reaches
 * the broker on the page's own origin). Upgrades on other paths are left to their owners (Socket.IO).
 * Returns a function that detaches the handler and closes the WebSocket connections it accepted.
 */
export function attachWsUpgrade(
  server: HttpServer,
  handler: ConnectionHandler,
  maxMessageBytes: number,
  path: string,
): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  wss.on('error', (err) => handler.emit('error', err));
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => onWsConnection(handler, ws, req));
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}

/** Starts a listener; resolves with the bound port (useful with port 0). */
export function listenOn(server: NetServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting; resolves once every connection of this server has closed. */
export function closeServer(server: NetServer | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
