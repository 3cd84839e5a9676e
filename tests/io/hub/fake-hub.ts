/**
 * A loopback imitation of the Hub endpoints @huggingface/hub calls (read from its source):
 *   GET  /api/{models,datasets}/<repo>/revision/<rev>     → repo info with `sha`   (modelInfo / datasetInfo)
 *   GET  /api/{models,datasets}/<repo>/tree/<rev>?…        → file list              (listFiles)
 *   GET  /[datasets/]<repo>/resolve/<rev>/<path>           → file bytes, Range-aware (fileDownloadInfo, WebBlob)
 * It can drop a connection half-way through a file once, require a token, and logs requests.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  type: 'model' | 'dataset';
  name: string;
  /** revision name → commit sha */
  refs: Record<string, string>;
  /** commit sha → files */
  files: Record<string, Map<string, Buffer>>;
  /** Paths served as LFS files (etag = sha256). */
  lfs?: Set<string>;
  /** Required token, if private. */
  token?: string;
  /** Override the announced sha256 of an LFS path (to simulate corruption). */
  badSha?: Set<string>;
}

export interface LoggedRequest {
  method: string;
  url: string;
  range: string | undefined;
  auth: string | undefined;
}

export interface FakeHub {
  url: string;
  log: LoggedRequest[];
  /** Paths whose next full-content GET is cut after half the bytes. */
  dropOnce: Set<string>;
  close(): Promise<void>;
}

const gitOid = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeHub(repos: FakeRepo[]): Promise<FakeHub> {
  const log: LoggedRequest[] = [];
  const dropOnce = new Set<string>();
  const find = (type: string, name: string) => repos.find((r) => r.type === type && r.name === name);

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push({ method: req.method ?? 'GET', url: url.pathname + url.search, range: req.headers.range, auth: req.headers.authorization });
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let type: 'model' | 'dataset' = 'model';
    let api = false;
    if (parts[0] === 'api') {
      api = true;
      parts.shift();
      type = parts.shift() === 'datasets' ? 'dataset' : 'model';
    } else if (parts[0] === 'datasets') {
      type = 'dataset';
      parts.shift();
    }
    const name = `${parts[0]}/${parts[1]}`;
    const repo = find(type, name);
    if (!repo) return json(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const action = parts[2];
    const rev = parts[3] ?? 'main';
    const sha = /^[0-9a-f]{40}$/.test(rev) ? rev : repo.refs[rev];
    const files = sha ? repo.files[sha] : undefined;
    if (!sha || !files) return json(res, 404, { error: 'Revision not found' }, { 'X-Error-Code': 'RevisionNotFound' });
    if (api && action === 'revision') {
      return json(res, 200, { _id: 'x', id: repo.name, sha, private: !!repo.token, downloads: 0, likes: 0, gated: false, lastModified: '2024-01-01T00:00:00.000Z', siblings: [...files.keys()].map((rfilename) => ({ rfilename })) });
    }
    if (api && action === 'tree') {
      return json(res, 200, [...files].map(([path, b]) => ({
        type: 'file', path, size: b.length, oid: gitOid(b),
        ...(repo.lfs?.has(path) ? { lfs: { oid: repo.badSha?.has(path) ? '0'.repeat(64) : sha256(b), size: b.length, pointerSize: 130 } } : {}),
      })));
    }
    if (!api && action === 'resolve') {
      const path = parts.slice(4).join('/');
      const body = files.get(path);
      if (!body) return json(res, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
      const etag = `"${repo.lfs?.has(path) ? sha256(body) : gitOid(body)}"`;
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (m) {
        const start = Number(m[1]);
        const end = m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
        res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': String(end - start + 1), ETag: etag, 'Accept-Ranges': 'bytes' });
        return void res.end(body.subarray(start, end + 1));
      }
      if (dropOnce.has(path)) {
        dropOnce.delete(path);
        res.writeHead(200, { 'Content-Length': String(body.length), ETag: etag });
        res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      res.writeHead(200, { 'Content-Length': String(body.length), ETag: etag, 'Accept-Ranges': 'bytes' });
      return void res.end(body);
    }
    json(res, 404, { error: 'unknown endpoint' });
  };

  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    dropOnce,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
