// `npm run bench:report`: rewrites README.md's benchmark blocks from bench/results/*.json.
import { regenerateReadme } from './results-file.js';

const updated = await regenerateReadme();
console.log(updated.length ? `README.md: regenerated ${updated.join(', ')}` : 'README.md: no marked benchmark block matched bench/results/*.json');
