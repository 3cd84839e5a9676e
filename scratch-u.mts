import { main } from './src/cli/main.js';
import { captureIO } from './tests/helpers/io.js';
for (const a of [['tokenize'], ['generate'], ['eval']]) { const io = captureIO(); console.log(await main(a, io), io.err()); }
