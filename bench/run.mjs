// `npm run bench` entry: the benchmarks are TypeScript compiled to dist/ by `turbo run build`.
import './dist/run.js';
