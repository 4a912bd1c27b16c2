import type { LlPlaylistModel, WorkerClipResult, WorkerEvent, WorkerSessionView } from '@onda/contracts';
import type { WorkerApiClient } from '../src/api-client.js';

/** The API as a live session sees it, in memory: records events and LL models, answers a settable view. */
export class FakeWorkerApi implements WorkerApiClient {
  events: WorkerEvent[] = [];
  models: LlPlaylistModel[] = [];
  constructor(public view: WorkerSessionView) {}
  async event(_id: string, e: WorkerEvent): Promise<void> {
    this.events.push(e);
  }
  async session(): Promise<WorkerSessionView> {
    return { ...this.view };
  }
  async llModel(_id: string, m: LlPlaylistModel): Promise<void> {
    this.models.push(m);
  }
  async vodArchive(): Promise<void> {}
  async vodProgress(): Promise<void> {}
  async vodResult(): Promise<void> {}
  clips: WorkerClipResult[] = [];
  async clipResult(_id: string, r: WorkerClipResult): Promise<void> {
    this.clips.push(r);
  }
}
