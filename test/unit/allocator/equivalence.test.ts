// The native core and the reference core must make identical decisions for the same events and
// seed (docs/allocator.md), and every cycle must keep the allocator's invariants. fast-check
// picks the seeds; the driver in test/helpers/allocator-model.ts picks valid random events.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventWriter, Op, type AllocatorCore } from '../../../lib/allocator/protocol.ts';
import { ReferenceAllocatorCore } from '../../../lib/allocator/reference/index.ts';
import { NativeAllocatorCore } from '../../../lib/native/index.ts';
import { ROLES, ScenarioModel, decisionsToPlain } from '../../helpers/allocator-model.ts';

const STEPS = 80;

function run(seed: number, cores: AllocatorCore[]): void {
  const model = new ScenarioModel(seed);
  const writer = new EventWriter();
  model.configure(writer, seed);
  let cycles = 0;
  for (let step = 0; step < STEPS; step++) {
    if (model.step(writer) === 'event') continue;
    const batch = writer.take();
    for (const core of cores) core.apply(batch);
    const results = cores.map((core) => decisionsToPlain(core.allocate(model.now)));
    for (let i = 1; i < results.length; i++) {
      assert.equal(results[i], results[0], `seed ${seed}, cycle ${cycles}: core ${i} decided differently`);
    }
    const problems = model.recordCycle(results[0]!);
    assert.equal(problems, [], `seed ${seed}, cycle ${cycles}: invariants`);
    // Explanations agree too, for every framework and role.
    for (const [f, fw] of model.frameworks) {
      for (const r of fw.roles) {
        const explained = cores.map((core) => core.explain(f, r));
        for (let i = 1; i < explained.length; i++) assert.equal(explained[i], explained[0], `seed ${seed}, cycle ${cycles}: explain(${f}, ${ROLES[r]![1]})`);
      }
    }
    cycles++;
  }
}

test('reference core: random event sequences keep the invariants', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => run(seed, [new ReferenceAllocatorCore()])), { numRuns: 150 });
});

test('native and reference cores make identical decisions for random event sequences', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => run(seed, [new ReferenceAllocatorCore(), new NativeAllocatorCore()])), { numRuns: 300 });
});

test('a pool or name repeated inside one bundle is merged by both cores', () => {
  const setup = new EventWriter()
    .configure({ seed: 1, gpuScalar: 0, excluded: [], defaultMinAllocatable: [], roleSorter: 0, frameworkSorter: 0 })
    .addRole(0, 'r', -1)
    .addFramework(0, 'f', [0], false, true, [])
    .take();
  // ADD_AGENT 0, activated, 2 pools, both unreserved: cpus 1 + ports [10-20], then cpus 0.5 +
  // ports [15-30] + zones {3, 4}; the second bundle also repeats the range name.
  const raw = new Float64Array([
    Op.ADD_AGENT, 0, 1, 2,
    -1, 1, 1, 1000, 1, 0, 1, 10, 20, 0,
    -1, 1, 1, 500, 2, 0, 1, 15, 30, 0, 1, 40, 40, 1, 0, 2, 3, 4,
  ]);
  const results = [new ReferenceAllocatorCore(), new NativeAllocatorCore()].map((core) => {
    core.apply(setup);
    core.apply({ data: raw, strings: [] });
    return decisionsToPlain(core.allocate(1));
  });
  assert.equal(results[1], results[0]);
  const offered = results[0]![0]!.resources.get(-1)!;
  assert.is(offered.scalars[1], 1500);
  assert.equal([...offered.ports].sort((a, b) => a - b), [...Array.from({ length: 21 }, (_, i) => 10 + i), 40]);
  assert.equal([...offered.zones].sort(), [3, 4]);
});

test.run();
