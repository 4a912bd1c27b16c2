import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atExit, freePort, run, waitFor, type Proc } from '@onda/testing';

const MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
/** nginx-rtmp's HLS fragment length: the same 2 s as Onda's normal mode and the source's GOP. */
export const NGINX_FRAGMENT_SECONDS = 2;
/** Playlist window: 5 fragments, more than hls.js's default 3-target-duration hold-back needs. */
export const NGINX_PLAYLIST_SECONDS = 10;

function hasNginxRtmp(): boolean {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return existsSync(MODULE);
  } catch {
    return false;
  }
}

/** Installs Debian's nginx and libnginx-mod-rtmp when missing (root, or password-less sudo). */
export function ensureNginxRtmp(log: (line: string) => void): void {
  if (hasNginxRtmp()) return;
  log('nginx-rtmp: installing nginx and libnginx-mod-rtmp from Debian');
  const asRoot = process.getuid?.() === 0;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]): void => {
    execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['-n', 'apt-get', ...args], { stdio: 'inherit', env });
  };
  apt(['update']);
  apt(['install', '-y', 'libnginx-mod-rtmp', 'nginx']);
  if (!hasNginxRtmp()) throw new Error(`nginx-rtmp still missing after apt-get (${MODULE})`);
}

/** A running nginx with the RTMP module, its own config and HLS folder in a temp dir, on free ports. */
export interface NginxRtmp {
  rtmpUrl: string;
  /** Where `<key>.m3u8` and its fragments are served over HTTP by the same nginx. */
  hlsBaseUrl: string;
  httpUrl: string;
  config: string;
  /** The running nginx (a new one after `restart`). */
  proc: Proc;
  stop(): Promise<void>;
  /** Stops nginx (cutting every RTMP connection), waits `downMs`, starts it again on the same ports and config. */
  restart(downMs: number): Promise<void>;
}

/**
 * The do-it-yourself stack at its best plain configuration: no transcode (the source is repackaged as is),
 * 2 s fragments cut on the source's keyframes, a 10 s playlist, files served straight from disk by the same
 * nginx with `Cache-Control: no-cache` on playlists so nothing stale is ever served.
 */
export async function startNginxRtmp(log: (line: string) => void): Promise<NginxRtmp> {
  ensureNginxRtmp(log);
  const dir = mkdtempSync(path.join(tmpdir(), 'onda-bench-nginx-'));
  const unregister = atExit(() => rmSync(dir, { recursive: true, force: true }));
  const hls = path.join(dir, 'hls');
  mkdirSync(hls);
  // nginx workers drop to an unprivileged user when started as root: let them write and read.
  chmodSync(dir, 0o755);
  chmodSync(hls, 0o777);
  const [rtmpPort, httpPort] = [await freePort(), await freePort()];
  const config = `load_module ${MODULE};
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4096;
    application live {
      live on;
      record off;
      hls on;
      hls_path ${hls};
      hls_fragment ${NGINX_FRAGMENT_SECONDS}s;
      hls_playlist_length ${NGINX_PLAYLIST_SECONDS}s;
    }
  }
}
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  sendfile on;
  tcp_nopush on;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  server {
    listen 127.0.0.1:${httpPort};
    location /hls/ {
      alias ${hls}/;
      add_header Cache-Control no-cache;
      add_header Access-Control-Allow-Origin *;
    }
  }
}
`;
  const confFile = path.join(dir, 'nginx.conf');
  writeFileSync(confFile, config);
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const launch = async (): Promise<Proc> => {
    const proc = run('nginx', 'nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', confFile]);
    await waitFor('nginx to listen', async () => {
      if (proc.child.exitCode !== null) throw new Error(`nginx exited:\n${proc.output()}`);
      return (await fetch(`${httpUrl}/hls/none.m3u8`)).status === 404;
    }, 10_000, 100);
    return proc;
  };
  let current: Proc | null = null;
  const stop = async (): Promise<void> => {
    await current?.stop(3000);
    rmSync(dir, { recursive: true, force: true });
    unregister();
  };
  try {
    current = await launch();
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`, hlsBaseUrl: `${httpUrl}/hls`, httpUrl, config, stop,
    get proc() {
      return current!;
    },
    async restart(downMs) {
      await current?.stop(3000);
      await new Promise((r) => setTimeout(r, downMs));
      current = await launch();
    },
  };
}
