export { addressBytes, isSpecialPurpose, specialPurpose } from './addresses.js';
export { outboundConnect, type OutboundConnectOptions, type OutboundConnectResult } from './connect.js';
export { OUTBOUND_FAILURES, outboundRequest, type OutboundOptions, type OutboundResult } from './request.js';
export { checkAddress, type CheckedAddress, type Resolve } from './resolve.js';
export { outboundUrlProblem } from './url.js';
