/** Injection tokens for the collaborators the composition root hands to the API. */
export const PRISMA = Symbol('PRISMA');
export const QUEUE = Symbol('QUEUE');
export const STORAGE = Symbol('STORAGE');
export const API_OPTIONS = Symbol('API_OPTIONS');

/** What the API needs to know about its deployment, resolved by the composition root. */
export interface ApiOptions {
  publicUrl: string;
  /** Base URL viewers fetch HLS from: a CDN or bucket URL, or `${publicUrl}/media` when the API serves media. */
  mediaBaseUrl: string;
  rtmpPublicUrl: string;
  internalToken: string;
  /** Server secret that encrypts stream keys at rest (at least 32 characters). */
  secret: string;
  webDist?: string;
}
