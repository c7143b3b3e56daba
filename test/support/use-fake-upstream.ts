/**
 * The usual frame of a test file that talks to the fake upstream: the net guard on, the fake
 * started in before(), closed in after(), which then checks that nothing left loopback.
 */
import { after, before } from "node:test";
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from "./fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "./net-guard.js";

/**
 * A stand-in for an object made later (in a before() hook): each property read goes to it, and
 * reading one before it exists is an error that says so.
 */
export function lateBound<T extends object>(get: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = get();
      if (!target) throw new Error(`${what} is not there yet: it is made in before()`);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The file's fake upstream (options may be computed when it starts). What needs it running goes in
 * `then`, not in a before() of its own: node 20 does not wait for one top-level before() to finish
 * before it starts the next.
 */
export function useFakeUpstream(opts: FakeUpstreamOptions | (() => FakeUpstreamOptions) = {}, then?: () => Promise<void> | void): FakeUpstream {
  installNetGuard();
  let fake: FakeUpstream | undefined;
  before(async () => {
    fake = await startFakeUpstream(typeof opts === "function" ? opts() : opts);
    await then?.();
  });
  after(async () => {
    await fake?.close();
    assertNoExternalRequests();
  });
  return lateBound(() => fake, "the fake upstream");
}
