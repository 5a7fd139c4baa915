// axe-core on a whole page: its serious and critical violations, each as one line that
// names `label`, the rule and up to three of the elements it found.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function audit(page, label) {
  await page.evaluate(axeSource());
  // eslint-disable-next-line no-undef
  const results = await page.evaluate(async () => axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label} ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
}
