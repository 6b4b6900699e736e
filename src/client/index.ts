/** The client library: `import { RelayClient } from 'image-relay/client'`. Runs in Node 20+ and browsers. */
export { RelayClient } from './relay-client.js';
export type {
  ConnectionState,
  ImageDescription,
  PublishOptions,
  RelayClientOptions,
  SubscribeOptions,
  Subscription,
} from './relay-client.js';
export { RelayConnectionError, RelayRequestError } from './errors.js';
export type { ImageInput } from './image-input.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
