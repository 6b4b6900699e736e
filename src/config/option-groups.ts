import type { OptionName } from './options.js';

/**
 * The options by purpose, in the order `--help` shows them. Kept apart from OPTION_SPECS so that adding an
 * option touches one line here; test/config/option-groups.test.ts checks that every option is in one group.
 */
export const OPTION_GROUPS: readonly { readonly title: string; readonly options: readonly OptionName[] }[] = [
  { title: 'Network', options: ['port', 'host', 'publicUrl', 'tlsCert', 'tlsKey', 'trustProxy', 'headersTimeoutMs', 'requestTimeoutMs'] },
  { title: 'Images and history', options: ['maxImageBytes', 'historyImages', 'historyBytes', 'memoryBudget', 'maxChannels'] },
  { title: 'Delivery to viewers', options: ['queueImages', 'queueBytes', 'stuckTimeoutMs', 'heartbeatMs', 'retryMs'] },
  { title: 'Access control', options: ['tokens', 'jwtSecret', 'jwtPublicKey', 'jwtJwksUrl', 'jwtAlgorithm', 'jwtAudience', 'jwtIssuer', 'jwtMaxLifetime', 'corsOrigins', 'metricsToken'] },
  {
    title: 'Abuse limits',
    options: [
      'publishRate',
      'publishBurst',
      'addressPublishRate',
      'addressPublishBurst',
      'channelPublishRate',
      'channelPublishBurst',
      'publishesPerMinute',
      'streamsPerClient',
      'streamsPerAddress',
      'authFailureRate',
      'authFailureBurst',
    ],
  },
  { title: 'Storage', options: ['dataDir', 'dataDirMaxBytes', 'redisUrl', 'redisPrefix', 'redisTlsCa'] },
  { title: 'Variants (thumbnails, MJPEG)', options: ['variantCacheBytes', 'variantConcurrency'] },
  { title: 'Logging', options: ['logLevel', 'logFormat'] },
];
