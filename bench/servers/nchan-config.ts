/** Everything nginx writes (pid, logs, request bodies) stays in the run's own temporary directory. */
export interface NchanConfigOptions {
  readonly modulePath: string;
  readonly directory: string;
  readonly host: string;
  readonly port: number;
  /** Open files per worker: a bit more than the most streams any cell opens. */
  readonly maxOpenFiles: number;
}

/**
 * The nginx configuration for nchan, written the way its documentation suggests for a pub/sub endpoint, with
 * the limits a megabyte image needs:
 * - one worker process, the same single core a Node process gets (the machine has two, shared with the load);
 * - `client_max_body_size` above the largest publish, and `client_body_buffer_size` large enough that a publish
 *   stays in memory instead of being spooled to a temporary file;
 * - a small message buffer per channel (4, like image-relay's per-viewer queue) in 512 MiB of shared memory;
 * - `nchan_subscriber_first_message newest`: a new viewer waits for the next message, like a live stream;
 * - no access log (image-relay runs at log level warn), and keep-alive long enough for a whole cell.
 */
export function nchanConfig(options: NchanConfigOptions): string {
  const { directory } = options;
  return `# Written by bench/servers/nchan-config.ts for one benchmark run.
load_module ${options.modulePath};
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile ${options.maxOpenFiles};
pid ${directory}/nginx.pid;
error_log ${directory}/error.log warn;

events {
  worker_connections ${options.maxOpenFiles - 64};
}

http {
  access_log off;
  client_body_temp_path ${directory}/client_body;
  proxy_temp_path ${directory}/proxy;
  fastcgi_temp_path ${directory}/fastcgi;
  uwsgi_temp_path ${directory}/uwsgi;
  scgi_temp_path ${directory}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 300s;

  nchan_shared_memory_size 512m;
  nchan_message_buffer_length 4;
  nchan_message_timeout 60s;

  server {
    listen ${options.host}:${options.port};
    client_max_body_size 16m;
    client_body_buffer_size 8m;

    location ~ ^/pub/([A-Za-z0-9_.-]+)$ {
      nchan_publisher;
      nchan_channel_id $1;
    }

    location ~ ^/sub/([A-Za-z0-9_.-]+)$ {
      nchan_subscriber eventsource;
      nchan_channel_id $1;
      nchan_subscriber_first_message newest;
    }
  }
}
`;
}
