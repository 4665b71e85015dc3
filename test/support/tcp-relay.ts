import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP relay to a local server that a test can cut and restore, as a restart or a
 * network failure would, without stopping the server other tests use.
 */
export function tcpRelay(targetPort: number) {
  const sockets = new Set<Socket>();
  let server = createServer();
  /** On 127.0.0.1 unless told another local address (a container network's gateway). */
  const listen = (port = 0, host = '127.0.0.1') =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        const close = () => (client.destroy(), upstream.destroy());
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', close).on('close', close);
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject).listen(port, host, () => resolve((server.address() as AddressInfo).port));
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      server.close(() => resolve());
    });
  return { listen, cut };
}
