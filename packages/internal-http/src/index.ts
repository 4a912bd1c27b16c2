export {
  createInternalHttpClient,
  InternalHttpError,
  retryDelayMs,
  type InternalCallOptions,
  type InternalHttpClient,
  type InternalHttpPolicy,
} from './internal-http.js';
