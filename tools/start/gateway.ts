// A tiny development gateway: one origin (default http://127.0.0.1:3000) that forwards
// /lead-intake/*, /ledger/*, /payments/*, /disputes/* to the services (prefix stripped) and serves
// a plain page listing them. Not a production component: no auth of its own, no retries.
import * as http from 'http';

export interface GatewayRoute {
  prefix: string;
  name: string;
  target: string;
}

export function startGateway(port: number, host: string, routes: GatewayRoute[]): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    const route = routes.find((candidate) => url === candidate.prefix || url.startsWith(`${candidate.prefix}/`) || url.startsWith(`${candidate.prefix}?`));
    if (!route) {
      if (url === '/' || url === '/index.html') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(indexPage(routes));
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 404, message: `no service at ${url.split('?')[0]}; try ${routes.map((r) => r.prefix).join(', ')}` }));
      }
      return;
    }
    const target = new URL(route.target);
    const forwarded = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: url.slice(route.prefix.length) || '/', headers: { ...request.headers, host: target.host } },
      (upstream) => {
        response.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(response);
      },
    );
    forwarded.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ statusCode: 502, message: `${route.name} is not answering (${error.message})` }));
    });
    request.pipe(forwarded);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function indexPage(routes: GatewayRoute[]): string {
  const rows = routes
    .map((route) => `<tr><td>${route.name}</td><td><a href="${route.prefix}/docs">${route.prefix}/docs</a></td><td><a href="${route.prefix}/health/ready">${route.prefix}/health/ready</a></td><td><code>${route.target}</code></td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clinic credits — local stack</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:.3rem 1rem;text-align:left}code{background:#f3f3f3;padding:.1rem .3rem}</style></head>
<body><h1>Clinic credits — local stack</h1>
<table><tr><th>service</th><th>API docs</th><th>health</th><th>direct</th></tr>
${rows}
</table>
<p>Every API needs a bearer token: <code>npm run token -- --role clinic --clinic clinic-1</code> or <code>npm run token -- --role admin</code>.
In the docs pages, press <em>Authorize</em> and paste it.</p>
</body></html>`;
}
