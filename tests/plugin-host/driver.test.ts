import assert from 'node:assert/strict';
import { PluginDriver } from '../../src/plugin-host/driver.js';
import { TuneError } from '../../src/diagnostics/index.js';

type Hooks = {
  pick: (x: number) => string | null;
  grow: (x: number, by: number) => number;
  ping: (x: string) => void;
};
const KINDS = { pick: 'first', grow: 'sequential', ping: 'parallel' } as const;

describe('plugin/driver', () => {
  it('first: the first non-null answer wins, later plugins are not asked', async () => {
    const asked: string[] = [];
    const d = new PluginDriver<Hooks, typeof KINDS>(
      [
        { name: 'a', hooks: { pick: (x) => (asked.push('a'), x > 5 ? 'a' : null) } },
        { name: 'b', hooks: { pick: (x) => (asked.push('b'), `b${x}`) } },
        { name: 'c', hooks: { pick: () => (asked.push('c'), 'c') } },
      ],
      KINDS,
    );
    assert.equal(await d.hookFirst('pick', 1), 'b1');
    assert.deepEqual(asked, ['a', 'b']);
    assert.equal(await new PluginDriver<Hooks, typeof KINDS>([], KINDS).hookFirst('pick', 1), null);
  });

  it('sequential: threads the value through plugins in order', async () => {
    const d = new PluginDriver<Hooks, typeof KINDS>(
      [
        { name: 'double', hooks: { grow: (x) => x * 2 } },
        { name: 'none', hooks: {} },
        { name: 'add', hooks: { grow: (x, by) => x + by } },
      ],
      KINDS,
    );
    assert.equal(await d.hookSequential('grow', 3, 10), 16);
  });

  it('parallel: calls everyone; a plugin error becomes PLUGIN_HOOK_FAILED naming the plugin', async () => {
    const seen: string[] = [];
    const ok = new PluginDriver<Hooks, typeof KINDS>(
      [
        { name: 'a', hooks: { ping: (s) => void seen.push(`a:${s}`) } },
        { name: 'b', hooks: { ping: async (s) => void seen.push(`b:${s}`) } },
      ],
      KINDS,
    );
    await ok.hookParallel('ping', 'x');
    assert.deepEqual(seen.sort(), ['a:x', 'b:x']);
    const bad = new PluginDriver<Hooks, typeof KINDS>([{ name: 'boom', hooks: { ping: () => { throw new Error('kaput'); } } }], KINDS);
    await assert.rejects(bad.hookParallel('ping', 'x'), (e: unknown) => e instanceof TuneError && e.code === 'PLUGIN_HOOK_FAILED' && /`boom`.*kaput/.test(e.message));
  });

  it('calling a hook with the wrong kind does not compile', () => {
    const d = new PluginDriver<Hooks, typeof KINDS>([], KINDS);
    // @ts-expect-error — `ping` is parallel
    void d.hookFirst('ping', 'x').catch(() => undefined);
    // @ts-expect-error — `pick` is first
    void d.hookParallel('pick', 1).catch(() => undefined);
  });
});
