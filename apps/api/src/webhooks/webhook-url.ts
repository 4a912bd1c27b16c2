import { outboundUrlProblem } from '@onda/outbound';

/**
 * Why a webhook URL is refused at registration, or null when it is acceptable. The address registry and the
 * send-time guard (resolve once, connect to the checked address) live in packages/outbound.
 */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | null {
  const problem = outboundUrlProblem(url, allowPrivate);
  return problem ? `The webhook URL ${problem}` : null;
}
