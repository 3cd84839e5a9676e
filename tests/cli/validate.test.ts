import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { assertGuardWorks, runCliWithoutTfjs } from '../helpers/no-tfjs.js';

const REPO = resolve(import.meta.dirname, '../..');
const INVALID = 'tests/fixtures/invalid';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(REPO);
  const code = await main(['validate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('tune validate', () => {
  it('exits 0 for every shipped recipe (glob)', async () => {
    const r = await run(['recipes/**/*.yaml']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /^ok recipes\/bloom-6b4-full\.yaml$/m);
    const shipped = r.out.match(/^(\d+) of (\d+) recipes valid$/m);
    assert.ok(shipped && shipped[1] === shipped[2] && Number(shipped[1]) >= 9, r.out);
  });

  it('exits 1 and prints file:line:col: error CODE message, a code frame and a did-you-mean hint', async () => {
    const file = `${INVALID}/unknown-key-typo-epoch/recipe.yaml`;
    const r = await run([file]);
    assert.equal(r.code, 1);
    const lines = r.err.split('\n');
    assert.equal(lines[0], `${file}:11:3: error RECIPE_UNKNOWN_KEY unknown key \`epoch\` in \`training\``);
    assert.ok(lines.includes('> 11 |   epoch: 3'), r.err);
    assert.ok(lines.includes('     |   ^^^^^'), r.err);
    assert.ok(lines.includes('  hint: did you mean `epochs`?'), r.err);
    assert.match(r.out, /^0 of 1 recipe valid \(1 error, 0 warnings\)$/m);
  });

  it('reports all errors of all files at once', async () => {
    const r = await run([`${INVALID}/multiple-errors/recipe.yaml`, `${INVALID}/enum-optimizer/recipe.yaml`, 'recipes/tiny/stories-lora.yaml']);
    assert.equal(r.code, 1);
    const heads = r.err.split('\n').filter((l) => / error RECIPE_/.test(l));
    assert.deepEqual(
      heads.map((h) => h.replace(/ error (\w+) .*/, ' $1')),
      [
        `${INVALID}/multiple-errors/recipe.yaml:11:8: RECIPE_RANGE`,
        `${INVALID}/multiple-errors/recipe.yaml:13:7: RECIPE_TYPE`,
        `${INVALID}/multiple-errors/recipe.yaml:15:3: RECIPE_UNKNOWN_KEY`,
        `${INVALID}/enum-optimizer/recipe.yaml:11:9: RECIPE_ENUM`,
      ],
    );
    assert.match(r.out, /^ok recipes\/tiny\/stories-lora\.yaml$/m);
    assert.match(r.out, /^1 of 3 recipes valid \(4 errors, 0 warnings\)$/m);
  });

  it('--format json prints a JSON array of diagnostics without source text', async () => {
    const r = await run(['--format', 'json', `${INVALID}/exclusive-warmup/recipe.yaml`]);
    assert.equal(r.code, 1);
    assert.equal(r.err, '');
    const list = JSON.parse(r.out) as Record<string, unknown>[];
    assert.deepEqual(list, [
      {
        code: 'RECIPE_EXCLUSIVE',
        severity: 'error',
        message: '`schedule.warmup_steps` and `schedule.warmup_ratio` are mutually exclusive',
        file: `${INVALID}/exclusive-warmup/recipe.yaml`,
        line: 12,
        col: 3,
        endLine: 12,
        endCol: 15,
        path: '/schedule/warmup_ratio',
        hint: 'keep one of them (when extending a recipe, write `warmup_steps: null` or `warmup_ratio: null` to drop the inherited one)',
      },
    ]);
    const ok = await run(['--format', 'json', 'recipes/tiny/stories-full.yaml']);
    assert.equal(ok.code, 0);
    assert.deepEqual(JSON.parse(ok.out), []);
  });

  it('applies key=value and ~key overrides to every file', async () => {
    const bad = await run(['recipes/tiny/stories-lora.yaml', 'training.micro_batch_size=0']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^recipes\/tiny\/stories-lora\.yaml: error RECIPE_RANGE `training.micro_batch_size` must be >= 1 \(set by override `training.micro_batch_size=0`\)$/m);
    const fixed = await run([`${INVALID}/exclusive-epochs-max-steps/recipe.yaml`, '~training.epochs']);
    assert.equal(fixed.code, 0, fixed.err);
  });

  it('warnings alone keep exit 0', async () => {
    const r = await run(['recipes/tiny/stories-full.yaml', 'schedule.name=constant']);
    assert.equal(r.code, 0);
    assert.match(r.err, /warning RECIPE_WARMUP_IGNORED/);
  });

  it('exits 1 for a missing file or an unmatched glob', async () => {
    const r = await run(['nope.yaml', 'recipes/none/*.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^recipes\/none\/\*\.yaml: error RECIPE_FILE_NOT_FOUND no file matches `recipes\/none\/\*\.yaml`$/m);
    assert.match(r.err, /^nope\.yaml: error RECIPE_FILE_NOT_FOUND recipe file `nope\.yaml` does not exist$/m);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['--format', 'xml', 'recipes/tiny/stories-lora.yaml'])).code, 2);
    const r = await run(['--bogus', 'x.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.err, /error CLI_USAGE/);
    assert.equal((await run(['--help'])).code, 0);
  });

  it('never loads TensorFlow.js', function () {
    this.timeout(30000);
    assertGuardWorks(REPO);
    const child = runCliWithoutTfjs(['validate', 'recipes/**/*.yaml', `${INVALID}/semantic-target-module-unknown/recipe.yaml`], REPO);
    assert.equal(child.status, 1, child.stderr);
    const counts = child.stdout.match(/(\d+) of (\d+) recipes valid/);
    assert.ok(counts && Number(counts[1]) === Number(counts[2]) - 1, child.stdout);
  });
});
