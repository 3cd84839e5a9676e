/**
 * The native addon in tests: built, it is tested; missing, its tests skip with one printed reason —
 * unless TUNEKIT_REQUIRE_NATIVE=1 (set by .ci/run), where a missing addon fails them instead, so CI
 * cannot pass without the native engine.
 *
 * @example
 * describeNative('native kernels', () => { it('…', () => { … }); });
 * it('uses the addon', function () { const addon = requireNative(this); … });
 */
import assert from 'node:assert/strict';
import { loadNativeAddon, type NativeAddon } from '../../src/engine/native/addon.js';

const load = loadNativeAddon();

/** Is the addon built and loadable here? */
export const NATIVE_BUILT = load.addon !== null;

/** Does this environment insist on the native engine (CI)? */
export const NATIVE_REQUIRED = process.env['TUNEKIT_REQUIRE_NATIVE'] === '1';

let reasonPrinted = false;

/** The addon; when it is missing the test is skipped (one printed reason), or fails where it is required. */
export function requireNative(ctx: Mocha.Context): NativeAddon {
  if (load.addon) return load.addon;
  const why = 'why' in load ? load.why : 'the native addon is not available';
  if (NATIVE_REQUIRED) assert.fail(`TUNEKIT_REQUIRE_NATIVE=1 but ${why}`);
  if (!reasonPrinted) {
    reasonPrinted = true;
    process.stdout.write(`  (native engine tests skip: ${why})\n`);
  }
  return ctx.skip();
}

/** `describe` whose tests need the addon (see {@link requireNative}). */
export function describeNative(title: string, body: (this: Mocha.Suite) => void): Mocha.Suite {
  return describe(title, function () {
    before(function () {
      requireNative(this);
    });
    body.call(this);
  });
}

/** `it` that needs the addon (see {@link requireNative}). */
export function itNative(title: string, fn: (this: Mocha.Context, addon: NativeAddon) => void | Promise<void>): Mocha.Test {
  return it(title, function () {
    const addon = requireNative(this);
    return fn.call(this, addon);
  });
}
