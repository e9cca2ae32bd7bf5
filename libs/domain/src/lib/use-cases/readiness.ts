/**
 * Whether the instance takes new work: false from the stop signal on, so that `/ready` answers
 * 503 while requests are still served, and a load balancer's health check takes the instance out
 * before its server stops listening (SHUTDOWN_DRAIN_MS).
 */
export class Readiness {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  /** Stops answering ready; resolves once `ms` have passed (at once for 0). */
  drain(ms: number): Promise<void> {
    this.#draining = true;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }
}
