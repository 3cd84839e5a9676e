import { Rng } from './src/models/prng.js';
const r = new Rng(1); const a = new Float32Array(20_000_000);
let t0 = performance.now(); r.fillNormal(a, 0.02); console.log('fillNormal 20M', (performance.now()-t0).toFixed(0), 'ms');
t0 = performance.now(); for (let i=0;i<20_000_000;i++) a[i]=r.nextU32(); console.log('u32 20M', (performance.now()-t0).toFixed(0), 'ms');
t0 = performance.now(); for (let i=0;i<20_000_000;i++) a[i]=Math.log(i+1); console.log('log 20M', (performance.now()-t0).toFixed(0), 'ms');
